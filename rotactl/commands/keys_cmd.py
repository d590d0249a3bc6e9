"""The office key (ledger formats 2 and 3): `key show`, `key export`, `key import`; and `migrate`.

The key never enters the office directory or its git history: it lives in
`~/.config/rotactl/OFFICE-ID.key` (or `$ROTACTL_KEY`). To give a second machine
(another desk, the manager's laptop) the key, export it on a machine that has it,
carry the file over privately (not by git, not by a chat group), import it there,
and delete the carried copy (docs/operations.md).
"""
from __future__ import annotations

import os
from pathlib import Path

import click

from rotactl import keys as keys_mod
from rotactl.commands._shell import pass_env
from rotactl.errors import DomainError


@click.group()
def key():
    """办公室密钥:The office key that phones are matched and encrypted with (kept outside the repository)."""


@key.command("show")
@pass_env
def show(env):
    """Where this clone's key is and what it can do (never the key itself)."""
    office = env.office
    path = keys_mod.key_path(office.meta["id"])
    try:
        found = office.keys
    except DomainError:
        found = None
    env.emit({"office": office.meta["id"], "key_file": str(path), "present": found is not None,
              "match": found is not None, "reveal": bool(found and found.encrypt_key)})


@key.command("export")
@click.option("--match-only", is_flag=True,
              help="Only the matching key: for a sister office that should recognise customers, not read numbers.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the key to FILE (created with mode 0600; an existing file is refused).")
@pass_env
def export(env, match_only, output):
    """Print (or write) this office's key, to carry it to another machine privately."""
    text = env.office.keys.text(match_only)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise DomainError(f"{output} exists: name a new file") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    click.echo(f"已导出密钥至 {output}" if env.zh else f"key written to {output}", err=True)


@key.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def import_(env, file):
    """Install a key exported on another machine (checked against this office first)."""
    office = env.office
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DomainError(f"cannot read {file} ({exc.strerror})") from None
    found = keys_mod.verify(keys_mod.parse(text, str(file)), office.meta, str(file))
    path = keys_mod.save(found)
    env.emit({"office": office.meta["id"], "key_file": str(path), "reveal": found.encrypt_key is not None})


@click.command()
@click.argument("old", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, path_type=Path))
@click.option("--match-key", "match_key", metavar="FILE", type=click.Path(dir_okay=False),
              help="Take the phone matching key from this key file (a group of offices); see `init`.")
@click.option("--no-git", is_flag=True, help="Do not make NEW a git repository.")
@pass_env
def migrate(env, old, new, match_key, no_git):
    """迁移账本格式:Convert an office of ledger format 1 or 2 into a new directory of format 3 and prove the replay identical."""
    from rotactl.migration import migrate as run

    result = run(old, new, match_key, not no_git)
    env.emit(result)
