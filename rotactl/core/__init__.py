"""The pure core: typed entries + policy -> state -> decisions, each naming its rule.

Nothing here touches files, the clock, click or SQLite; `import rotactl.core`
loads none of them (a test keeps it so).
"""
