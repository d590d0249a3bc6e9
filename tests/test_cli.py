"""The command line: JSON contract, refusals (exit 1/2, nothing written), policy errors, rollover."""
import json

import pytest


@pytest.fixture
def floor(office):
    office.staff("a", "b", "c")
    office.ok("check-in", "a", "b", "c", at="2026-11-02 08:55")
    return office


def test_register_json_contract(floor):
    out = floor.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:10")
    assert set(out) >= {"entry", "queue", "customer", "name", "receiver", "counted", "channel", "rule",
                        "skipped", "owner", "protected_until"}
    assert out["customer"] == "139****0001" and out["rule"] == "ROT-NEXT"
    revealed = floor.ok("who", "13900000001", at="2026-11-02 09:20")
    assert revealed["customer"] == "139****0001"
    shown = floor.run("--reveal", "who", "13900000001", at="2026-11-02 09:20")
    assert json.loads(shown.stdout)["customer"] == "13900000001"


@pytest.mark.parametrize("args,code", [
    (["check-in", "zz"], 1),
    (["register", "--name", "张三", "--phone", "1390000000"], 1),
    (["register", "--name", "张三", "--phone", "abc"], 1),
    (["register", "--name", " ", "--phone", "13900000001"], 2),
    (["register", "--name", "张三", "--queue", "fax"], 2),
    (["register", "--name", "张三", "--for", "nobody"], 1),
    (["register", "--name", "张三", "--to", "a"], 1),            # not a manager acting
    (["deal", "13900000009", "--by", "a", "--stage", "deposit"], 1),
    (["deal", "13900000001", "--by", "a", "--stage", "signed"], 2),
    (["staff", "add", "a", "--name", "重复"], 1),
    (["done", "a"], 1),
    (["pass", "b"], 1),
    (["back", "a"], 1),
    (["staff", "suspend", "a", "--days", "3"], 1),               # not a manager acting
])
def test_refusals_write_nothing(floor, args, code):
    before = floor.ledger_bytes()
    result = floor.run(*args, at="2026-11-02 09:00", actor="desk")
    assert result.exit_code == code, result.output
    assert floor.ledger_bytes() == before
    if code == 1:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.output


def test_nobody_available_is_refused_and_a_manager_may_assign(floor):
    for t, name in (("09:00", "甲"), ("09:01", "乙"), ("09:02", "丙")):
        floor.ok("register", "--name", name, at=f"2026-11-02 {t}")
    result = floor.run("register", "--name", "丁", at="2026-11-02 09:03")
    assert result.exit_code == 1 and "nobody can take the lead" in result.stderr
    out = floor.ok("register", "--name", "丁", "--to", "b", at="2026-11-02 09:03", actor="m")
    assert out["receiver"] == "b" and out["rule"] == "ROT-OVERRIDE"


def test_rollover_seals_and_back_dating_is_refused(floor):
    floor.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:10")
    first = floor.ok("rollover", at="2026-11-03 00:05")
    assert first["closed"] == ["2026-11-02"]
    again = floor.ok("rollover", at="2026-11-03 00:06")
    assert again["closed"] == []
    assert floor.run("rollover", "--date", "2026-11-03", at="2026-11-03 09:00").exit_code == 1
    before = floor.ledger_bytes()
    result = floor.run("done", "a", at="2026-11-02 18:00")
    assert result.exit_code == 1 and "closed" in result.stderr
    assert floor.ledger_bytes() == before
    assert floor.ok("check")["ok"] is True


def test_state_is_the_same_with_or_without_rollover(make_office):
    outs = []
    for name, roll in (("x", False), ("y", True)):
        o = make_office(name=name)
        o.staff("a", "b", "c")
        o.ok("check-in", "a", "b", "c", at="2026-11-02 08:55")
        o.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:10")
        o.ok("register", "--name", "李四", "--phone", "13900000002", at="2026-11-02 09:20")
        if roll:
            o.ok("rollover", at="2026-11-04 00:05")
        o.ok("check-in", "a", "b", "c", at="2026-11-04 08:55")
        outs.append((o.ok("next", at="2026-11-04 09:00"), o.ok("who", "13900000001", at="2026-11-04 09:00")))
    assert outs[0] == outs[1]
    assert outs[0][0]["next"] == "c"


def test_policy_errors_name_file_line_and_key(office):
    path = office.path / "rotactl.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("busy = \"make-up\"", "busy = 3").replace("[order]", "[order]\nspeed = 1"),
                    encoding="utf-8")
    result = office.run("next")
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("rotactl.toml:") and "order.speed" in line for line in lines)
    assert any("skips.busy" in line and "expected" in line for line in lines)


def test_init_writes_gitattributes_and_runs_git(tmp_path):
    from click.testing import CliRunner

    from rotactl.cli import cli

    result = CliRunner().invoke(cli, ["init", str(tmp_path / "o"), "--preset", "qingdao"])
    assert result.exit_code == 0, result.output
    assert "merge=union" in (tmp_path / "o" / ".gitattributes").read_text()
    assert (tmp_path / "o" / ".git").is_dir()
    assert ".rotactl/" in (tmp_path / "o" / ".gitignore").read_text()
    again = CliRunner().invoke(cli, ["init", str(tmp_path / "o")])
    assert again.exit_code == 1


def test_every_preset_loads_and_comments_every_key():
    from rotactl.core import policy
    from rotactl.store.policy_file import preset_text

    for name in policy.PRESET_NAMES:
        text = preset_text(name)
        policy.parse(text)
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if "=" in line and not line.startswith("#"):
                assert lines[i - 1].startswith("#"), (name, line)


def test_docs_list_every_key():
    from pathlib import Path

    from rotactl.core.policy import SCHEMA

    doc = (Path(__file__).parent.parent / "docs" / "policy.md").read_text(encoding="utf-8")
    for section, keys in SCHEMA.items():
        for key in keys:
            assert f"`{key}`" in doc, (section, key)


def test_table_output_aligns_chinese(floor):
    floor.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:10")
    text = floor.ok("report", "day", "--lang", "zh", at="2026-11-02 10:00", fmt="table")
    import re

    from wcwidth import wcswidth

    lines = [line for line in text.splitlines() if line.strip()]
    header, rows = lines[0], list(lines[2:])

    def right_edge(line, nth):  # display column where the nth field ends
        match = list(re.finditer(r"\S+", line))[nth]
        return wcswidth(line[:match.end()])

    assert {right_edge(r, 2) for r in rows} == {right_edge(header, 2)}  # the numeric turns column
    assert {wcswidth(r[:r.index("销售")]) for r in rows} == {wcswidth(header[:header.index("姓名")])}


def test_log_and_kind_filter(floor):
    floor.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:10")
    rows = floor.ok("log", "--kind", "visit", at="2026-11-02 10:00")
    assert len(rows) == 1 and rows[0]["phone"] == "139****0001" and {"id", "kind", "at"} <= set(rows[0])
