"""Write docs/commands.md: the command reference, generated from each command's `--help`.

Run `make docs` after changing a command; tests/test_docs.py fails while the file
differs from what this renders.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import click
from click.testing import CliRunner

from rotactl.cli import cli

TARGET = ROOT / "docs" / "commands.md"


def _paths(group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from _paths(command, ctx, prefix + (name,))


def commands_markdown() -> str:
    runner = CliRunner()
    with click.Context(cli) as ctx:
        paths = list(_paths(cli, ctx))
    out = ["# Command reference", "",
           "Generated from `rotactl … --help` by `tools/make_commands_doc.py` (`make docs`); a test keeps it "
           "current. The rules each command applies are in `../shared/SPEC.md` §5 and `docs/policy.md`.", ""]
    for path in [()] + paths:
        result = runner.invoke(cli, [*path, "--help"], prog_name="rotactl", terminal_width=100)
        assert result.exit_code == 0, result.output
        out += [f"## `rotactl {' '.join(path)}`" if path else "## `rotactl`", "",
                "```text", result.output.rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    TARGET.write_text(commands_markdown(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
