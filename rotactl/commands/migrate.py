"""`migrate OLD NEW`: an office of an older ledger format converted, with the proof (`app.migration`)."""
from __future__ import annotations

from pathlib import Path

import click

from rotactl.commands._shell import pass_env


@click.command()
@click.argument("old", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, path_type=Path))
@click.option("--match-key", "match_key", metavar="FILE", type=click.Path(dir_okay=False),
              help="Take the phone matching key from this key file (a group of offices); see `init`.")
@click.option("--no-git", is_flag=True, help="Do not make NEW a git repository.")
@pass_env
def migrate(env, old, new, match_key, no_git):
    """迁移账本格式:Convert an office of ledger format 1 or 2 into a new directory of format 3 and prove the
    replay identical."""
    from rotactl.app.migration import migrate as run

    env.emit(run(old, new, match_key, not no_git))
