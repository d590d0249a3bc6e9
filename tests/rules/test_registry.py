"""The rule registry covers SPEC §5, and every rule is tested here or marked not yet built."""
import ast
import re
import subprocess
import sys
from pathlib import Path

from rotactl.core.rules import RULES

HERE = Path(__file__).resolve().parent
SPEC = HERE.parent.parent.parent / "shared" / "SPEC.md"


def spec_ids() -> set[str]:
    """Every rule id SPEC §5 names in bold (and ROT-OVERRIDE, named inside ROT-NOBODY)."""
    text = SPEC.read_text(encoding="utf-8")
    section = text[text.index("## 5. Rules"):text.index("## 6.")]
    return set(re.findall(r"\*\*([A-Z]{3}-[A-Z-]+)\*\*", section))


def snake(rule_id: str) -> str:
    return rule_id.lower().replace("-", "_")


def ids_with_tests() -> set[str]:
    """Ids whose snake-case name begins a test function in tests/rules (longest id wins)."""
    by_length = sorted(RULES, key=len, reverse=True)
    found = set()
    for path in HERE.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                name = node.name[5:] + "_"
                match = next((r for r in by_length if name.startswith(snake(r) + "_")), None)
                if match:
                    found.add(match)
    return found


def test_registry_holds_exactly_the_spec_rule_ids():
    assert spec_ids() == set(RULES), (spec_ids() ^ set(RULES))


def test_every_rule_is_tested_or_listed_as_not_yet_built():
    tested = ids_with_tests()
    untested = {r for r in spec_ids() if r not in tested and RULES[r].built}
    assert not untested, f"rules with no test in tests/rules and not marked built=False: {sorted(untested)}"


def test_rules_marked_not_built_have_no_test_claiming_them():
    assert not {r for r in ids_with_tests() if not RULES[r].built}


def test_importing_the_core_loads_no_click_sqlite_store_or_commands():
    code = ("import sys, rotactl.core, rotactl.core.desk, rotactl.core.disputes, rotactl.core.reports, "
            "rotactl.core.replay, rotactl.core.penalties\n"
            "bad = [m for m in sys.modules if m in ('click', 'sqlite3', '_sqlite3', 'tabulate', 'phonenumbers')"
            " or m.startswith(('rotactl.store', 'rotactl.commands', 'rotactl.cli', 'rotactl.app.office'))]\n"
            "print(' '.join(sorted(bad)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_every_rule_id_the_code_names_is_in_the_registry():
    root = HERE.parent.parent / "rotactl"
    named = set()
    for path in root.rglob("*.py"):
        named |= set(re.findall(r'"((?:ORD|ROT|CNT|ATT|SPL|DSP|PEN|DAY)-[A-Z]+(?:-[A-Z]+)*)"', path.read_text()))
    assert named <= set(RULES), named - set(RULES)
