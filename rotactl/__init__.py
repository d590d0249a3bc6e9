"""rotactl — customer rotation and attribution for sales floors, over plain ledgers."""

__version__ = "0.1.0"


def main() -> None:
    """The console script: `--version` answers without importing the command line (click and the
    commands load only for a command)."""
    import sys

    if sys.argv[1:] in (["--version"], ["-V"]):
        print(f"rotactl, version {__version__}")
        return
    from rotactl.cli import main as run

    run()
