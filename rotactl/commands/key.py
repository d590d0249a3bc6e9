"""The office key (`key show`, `key export`, `key import`).

The key never enters the office directory or its git history: it lives in
`~/.config/rotactl/OFFICE-ID.key` (or `$ROTACTL_KEY`). To give a second machine
(another desk, the manager's laptop) the key, export it on a machine that has it,
carry the file over privately (not by git, not by a chat group), import it there,
and delete the carried copy (docs/operations.md).
"""
from __future__ import annotations

from pathlib import Path

import click

from rotactl.app.phones import write_private
from rotactl.commands._shell import pass_env


@click.group()
def key():
    """办公室密钥:The office key that phones are matched and encrypted with (kept outside the repository)."""


@key.command("show")
@pass_env
def show(env):
    """Where this clone's key is and what it can do (never the key itself)."""
    env.emit(env.office.phones.describe())


@key.command("export")
@click.option("--match-only", is_flag=True,
              help="Only the matching key: for a sister office that should recognise customers, not read numbers.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the key to FILE (created with mode 0600; an existing file is refused).")
@pass_env
def export(env, match_only, output):
    """Print (or write) this office's key, to carry it to another machine privately."""
    text = env.office.phones.export(match_only)
    if output is None:
        click.echo(text, nl=False)
        return
    write_private(output, text)
    click.echo(f"已导出密钥至 {output}" if env.zh else f"key written to {output}", err=True)


@key.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def import_(env, file):
    """Install a key exported on another machine (checked against this office first)."""
    env.emit(env.office.phones.install(file))
