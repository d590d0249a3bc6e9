"""rotactl — customer rotation and attribution for sales floors, over plain ledgers."""

__version__ = "0.1.0"


def main() -> None:
    """The console script: `--version` answers without importing the command line (click and the
    commands load only for a command)."""
    import sys

    if sys.argv[1:] in (["--version"], ["-V"]):
        print(f"rotactl, version {__version__}")
        return
    import gc

    # A whole-history pass (check, log, disputes) makes millions of short-lived dicts and lists and no
    # reference cycles to speak of: the collector's default (a pass every 700 new objects) spent a tenth
    # of such a command looking at them; every 100,000 is enough.
    gc.set_threshold(100_000, 20, 20)
    from rotactl.cli import main as run

    run()
