"""The shape the code keeps: the command reference is current, modules and functions stay small, the layers
are folders, commands load lazily (the layers' imports: `make lint`, import-linter)."""
import ast
import subprocess
import sys
from pathlib import Path

from tools.make_commands_doc import TARGET, commands_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_docs_commands_md_is_generated_from_the_current_help():
    assert TARGET.read_text(encoding="utf-8") == commands_markdown(), "run `make docs`"


def test_no_module_over_450_lines_and_the_click_entry_point_under_200():
    sizes = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in (ROOT / "rotactl").rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > 450} == {}
    assert sizes["rotactl/cli.py"] < 200


def test_no_function_over_60_lines():
    long = {}
    for path in (ROOT / "rotactl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long[f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {node.name}"] = node.end_lineno - node.lineno + 1
    assert long == {}


def test_the_layers_are_folders_and_nothing_is_left_loose_at_the_top():
    top = sorted(p.name for p in (ROOT / "rotactl").glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py"]
    assert sorted(p.name for p in (ROOT / "rotactl").iterdir() if p.is_dir() and p.name != "__pycache__") == [
        "app", "commands", "core", "presets", "store", "ui"]


def test_a_command_imports_only_its_own_module():
    code = ("import sys\nfrom rotactl.cli import cli\n"
            "try:\n    cli(['next', '--help'], prog_name='rotactl')\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('rotactl.commands.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.split()[-1:] == ["rotactl.commands.desk"] and "rotactl.commands.register" not in out


def test_the_help_listing_says_what_each_command_says_of_itself():
    import click

    from rotactl.cli import COMMANDS, cli

    with click.Context(cli) as ctx:
        own = {name: cli.get_command(ctx, name).get_short_help_str(10**6) for name in COMMANDS}
    assert own == {name: short for name, (_target, short) in COMMANDS.items()}


def test_help_imports_no_command_module():
    code = ("import sys\nfrom rotactl.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='rotactl')\nexcept SystemExit:\n    pass\n"
            "print('MODULES', *sorted(m for m in sys.modules if m.startswith('rotactl.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "Commands:" in out
    assert out.splitlines()[-1].split() == ["MODULES", "rotactl.commands._shell"]
