"""`policy show` / `policy set`: one knob changed in place, validated, manager-only, recorded and committed."""
import hashlib
import subprocess

from click.testing import CliRunner

from rotactl.cli import cli
from tests.conftest import Office


def git_office(tmp_path) -> Office:
    runner = CliRunner()
    path = tmp_path / "o"
    result = runner.invoke(cli, ["--at", "2026-11-02 07:00", "init", str(path), "--preset", "carshowroom",
                                 "--manager", "m", "--name", "周杰"])
    assert result.exit_code == 0, result.output
    office = Office.__new__(Office)
    office.path, office.runner = path, runner
    office.ok("staff", "add", "a", "--name", "销售a", at="2026-11-02 07:01")
    return office


def test_policy_set_changes_one_line_records_and_commits(tmp_path):
    office = git_office(tmp_path)
    before = (office.path / "rotactl.toml").read_text(encoding="utf-8")
    done = office.ok("policy", "set", "counting.handover_minutes", "10", "--reason", "轮岗3 八", at="2026-11-02 08:00")
    after = (office.path / "rotactl.toml").read_text(encoding="utf-8")
    changed = [(x, y) for x, y in zip(before.splitlines(), after.splitlines()) if x != y]
    assert changed == [("handover_minutes = 0", "handover_minutes = 10")]
    assert len(before.splitlines()) == len(after.splitlines())
    assert done["version"] == hashlib.sha256(after.encode("utf-8")).hexdigest()[:12]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=office.path, capture_output=True, text=True)
    assert status.stdout.strip() == ""                                  # the file and the entry, committed
    shown = office.ok("policy", "show", at="2026-11-02 08:05")
    assert shown["version"] == done["version"]
    assert [(h["key"], h["before"], h["value"], h["reason"]) for h in shown["history"]] == [
        ("counting.handover_minutes", "0", "10", "轮岗3 八")]
    knob = next(k for k in shown["knobs"] if k["key"] == "counting.handover_minutes")
    assert (knob["value"], knob["changed"]) == (10, True)
    assert office.ok("check", at="2026-11-02 08:05")["ok"] is True


def test_policy_set_words_and_decimals(tmp_path):
    office = git_office(tmp_path)
    office.ok("policy", "set", "calls.mode", "duty", at="2026-11-02 08:00")
    office.ok("policy", "set", "commission.rate_permille", "2.5", at="2026-11-02 08:01")
    office.ok("policy", "set", "protection.family", "spouse,parent", at="2026-11-02 08:02")
    text = (office.path / "rotactl.toml").read_text(encoding="utf-8")
    assert 'mode = "duty"' in text and 'rate_permille = "2.5"' in text and 'family = ["spouse", "parent"]' in text


def test_policy_set_refusals_leave_every_byte(tmp_path):
    office = git_office(tmp_path)
    before = (office.path / "rotactl.toml").read_bytes(), office.ledger_bytes()
    cases = [(("policy", "set", "calls.nosuch", "1"), "m", 2, "unknown policy key"),
             (("policy", "set", "calls.mode", "sometimes"), "m", 2, "expected one of"),
             (("policy", "set", "--", "counting.handover_minutes", "-3"), "m", 2, "whole number"),
             (("policy", "set", "calls.mode", "next-after-receiver"), "m", 1, "already"),
             (("policy", "set", "calls.mode", "duty"), "a", 1, "only a manager")]
    for args, actor, code, message in cases:
        result = office.run(*args, at="2026-11-02 08:00", actor=actor)
        assert (result.exit_code, message in result.stderr) == (code, True), (args, result.stderr)
    assert ((office.path / "rotactl.toml").read_bytes(), office.ledger_bytes()) == before


def test_policy_edited_by_hand_after_a_set_is_reported_by_check(tmp_path):
    office = git_office(tmp_path)
    office.ok("policy", "set", "calls.mode", "duty", at="2026-11-02 08:00")
    path = office.path / "rotactl.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('mode = "duty"', 'mode = "rotation"'), encoding="utf-8")
    result = office.run("check", at="2026-11-02 09:00")
    assert result.exit_code == 3 and "rotactl.toml:1: the policy file is version" in result.stdout + result.stderr
