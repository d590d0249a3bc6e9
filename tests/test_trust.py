"""Trust (SPEC §3, §4.1, §4.2): who may write, git commits per command, check against git and its
history, time order, rollover checkpoints, void, corrupt bytes and signed manager entries.

Every test drives the real CLI on a real office directory under tmp_path."""
import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from rotactl.cli import cli

GIT_ID = ["-c", "user.name=tester", "-c", "user.email=tester@example.com"]
DAY = "2026-11-02"
FLOOR = NOTES = "ledger/2026-11/02.csv"     # format 3: one file a day


# -- helpers ---------------------------------------------------------------------------------

class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


def rot(directory, *args, at="2026-11-02 09:00", actor="m", fmt="json", env=None):
    """One rotactl command through click's runner (as the console script would run it)."""
    argv = ["-C", str(directory), "--at", at, "--format", fmt]
    if actor is not None:
        argv += ["--as", actor]
    result = CliRunner().invoke(cli, [*argv, *map(str, args)], env=env, prog_name="rotactl")
    # a refusal is a clean exit with a code, never an escaped exception
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return Result(result.exit_code, result.stdout, result.stderr)


def ok(directory, *args, **kw):
    result = rot(directory, *args, **kw)
    assert result.code == 0, (args, result.out, result.err)
    text = result.out.strip()
    return json.loads(text) if text and kw.get("fmt", "json") == "json" else text


def refused(directory, *args, code=1, msg=None, **kw):
    """The command is refused with `code`, one `error:` line (exit 1) naming `msg`, and writes nothing."""
    before = snapshot(directory)
    result = rot(directory, *args, **kw)
    assert result.code == code, (args, result.code, result.out, result.err)
    if code == 1:
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    if msg is not None:
        assert msg in result.err, result.err
    assert snapshot(directory) == before, "a refused command changed the ledger"
    return result


def snapshot(directory):
    """Every file under ledger/ and checkpoints/, with its bytes."""
    out = {}
    for top in ("ledger", "checkpoints"):
        for path in sorted((directory / top).rglob("*")):
            if path.is_file():
                out[path.relative_to(directory).as_posix()] = path.read_bytes()
    return out


def init(path, preset="default", git=False, manager="m", extra=()):
    argv = ["--at", "2026-11-02 07:00", "init", str(path), "--preset", preset]
    if manager:
        argv += ["--manager", manager, "--name", "周杰"]
    argv += list(extra)
    if not git:
        argv.append("--no-git")
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, (result.output, result.stderr)
    return path


def office(path, preset="default", git=False, staff=("a", "b", "c"), checkin=True):
    """An office with manager m (07:00), salespeople `staff` (07:00), all checked in at 08:00."""
    init(path, preset, git)
    for sid in staff:
        ok(path, "staff", "add", sid, "--name", f"销售{sid}", at="2026-11-02 07:00")
    if checkin and staff:
        ok(path, "check-in", *staff, at="2026-11-02 08:00", actor="desk")
    return path


def register(path, name, phone, at, actor="desk", **kw):
    return ok(path, "register", "--name", name, "--phone", phone, at=at, actor=actor, **kw)


def git(path, *args, check=True):
    result = subprocess.run(["git", *GIT_ID, *args], cwd=path, capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    if check:
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def commits(path):
    return int(git(path, "rev-list", "--count", "HEAD").strip())


def subjects(path):
    return git(path, "log", "--format=%s").splitlines()


def branch(path):
    return git(path, "rev-parse", "--abbrev-ref", "HEAD").strip()


def ledger_clean(path):
    return git(path, "status", "--porcelain", "--", "ledger", "checkpoints").strip() == ""


def check(path, *extra, at="2026-11-03 08:00"):
    return rot(path, "check", *extra, at=at, fmt="table")


def lines_of(path, rel):
    return (path / rel).read_text(encoding="utf-8").splitlines()


def line_no(path, rel, needle):
    return next(i for i, line in enumerate(lines_of(path, rel), 1) if needle in line)


def set_office_key(path, key, value):
    policy = path / "rotactl.toml"
    text = policy.read_text(encoding="utf-8")
    new, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    assert count == 1, f"no `{key} = …` line in rotactl.toml"
    policy.write_text(new, encoding="utf-8")


# -- 1. authority (§4.1) ---------------------------------------------------------------------

def test_init_with_manager_makes_a_git_office_with_one_commit(tmp_path):
    path = init(tmp_path / "o", git=True)
    assert (path / ".git").is_dir()
    assert commits(path) == 1 and ledger_clean(path)
    assert git(path, "check-attr", "merge", "--", FLOOR).strip().endswith("union")
    entries = ok(path, "log", "--since", DAY, at="2026-11-02 07:30")
    assert [(e["kind"], e["at"], e.get("staff"), e["actor"]) for e in entries] == [
        ("staff-add", "2026-11-02 07:00:00", "m", "m")]
    roster = ok(path, "staff", "list", at="2026-11-02 07:30")
    assert any(row["staff"] == "m" and row["role"] == "manager" for row in roster), roster


def test_an_actor_who_is_neither_on_the_roster_nor_a_desk_account_is_refused(tmp_path):
    path = office(tmp_path / "o")
    refused(path, "register", "--name", "客", "--phone", "13900000001", actor="x",
            msg="'x' is not on the roster nor a desk account")
    refused(path, "check-out", "a", actor="x", msg="'x' is not on the roster nor a desk account")
    refused(path, "follow-up", "13900000001", "--by", "a", actor="stranger",
            msg="'stranger' is not on the roster nor a desk account")


def test_the_desk_and_any_roster_member_record_floor_events(tmp_path):
    path = office(tmp_path / "o", checkin=False)
    ok(path, "check-in", "a", at="2026-11-02 08:00", actor="desk")
    ok(path, "check-in", "b", at="2026-11-02 08:01", actor="b")
    ok(path, "check-in", "c", at="2026-11-02 08:02", actor="m")
    first = register(path, "客一", "13900000001", "2026-11-02 09:00", actor="a")
    second = register(path, "客二", "13900000002", "2026-11-02 09:10", actor="desk")
    assert (first["receiver"], second["receiver"]) == ("a", "b")
    ok(path, "follow-up", "13900000001", "--by", "a", at="2026-11-02 09:20", actor="c")
    actors = [e["actor"] for e in ok(path, "log", "--since", DAY, at="2026-11-02 09:30")
              if e["kind"] in ("check-in", "visit", "follow-up")]
    assert actors == ["desk", "b", "m", "a", "desk", "c"]


def test_desk_accounts_come_from_the_policy(tmp_path):
    path = office(tmp_path / "o")
    set_office_key(path, "desk_accounts", '["前台", "front"]')
    ok(path, "check-out", "c", at="2026-11-02 08:30", actor="前台")
    refused(path, "check-out", "b", at="2026-11-02 08:32", actor="desk",
            msg="'desk' is not on the roster nor a desk account")
    ok(path, "check-out", "b", at="2026-11-02 08:33", actor="front")
    # a desk account may not do manager-only things
    refused(path, "staff", "suspend", "a", "--days", "1", at="2026-11-02 08:40", actor="front",
            msg="only a manager may do this")


def test_nobody_on_the_roster_at_that_time_is_refused(tmp_path):
    path = office(tmp_path / "o", checkin=False)
    refused(path, "check-in", "a", at="2026-11-02 06:59", actor="m", msg="nobody is on the roster at")
    refused(path, "check-in", "a", at="2026-11-01 09:00", actor="a", msg="nobody is on the roster at 2026-11-01 09:00")
    refused(path, "check-in", "a", at="2026-11-01 09:00", actor="desk")    # the desk finds nobody to check in
    ok(path, "check-in", "a", at="2026-11-02 07:00", actor="desk")


def test_staff_add_is_open_until_the_first_manager_then_manager_only(tmp_path):
    path = init(tmp_path / "o", manager=None)
    ok(path, "staff", "add", "a", "--name", "甲", at="2026-11-02 07:00", actor="whoever")
    ok(path, "staff", "add", "b", "--name", "乙", at="2026-11-02 07:01", actor="someone-else")
    ok(path, "staff", "add", "m", "--name", "周杰", "--role", "manager", at="2026-11-02 07:02", actor="a")
    refused(path, "staff", "add", "c", "--name", "丙", at="2026-11-02 07:03", actor="a",
            msg="only a manager may do this")
    refused(path, "staff", "add", "c", "--name", "丙", at="2026-11-02 07:03", actor="desk",
            msg="only a manager may do this")
    ok(path, "staff", "add", "c", "--name", "丙", at="2026-11-02 07:03", actor="m")
    roster = [row["staff"] for row in ok(path, "staff", "list", at="2026-11-02 07:10")]
    assert roster == ["a", "b", "m", "c"]


def test_nobody_becomes_a_manager_by_back_dating_staff_add_before_the_first_manager(tmp_path):
    """Once the office has a manager, `--as x staff add boss --role manager` must not get through
    by choosing an --at from before the first `staff add` (when the roster held no manager):
    authority is judged against the office as it stands, not a moment the caller picks."""
    path = office(tmp_path / "o", staff=("a",), checkin=False)
    refused(path, "staff", "add", "boss", "--name", "冒充", "--role", "manager", at="2026-11-01 09:00", actor="x")
    refused(path, "staff", "add", "b", "--name", "乙", at="2026-11-01 09:00", actor="a")
    refused(path, "staff", "suspend", "a", "--days", "3", at="2026-11-02 10:00", actor="boss")


@pytest.fixture(scope="module")
def disputed(tmp_path_factory):
    """An office with a customer of a's that b closed (an open dispute), and a closed earlier day."""
    path = office(tmp_path_factory.mktemp("disputed") / "o")
    reg = register(path, "客一", "13900000001", "2026-11-02 09:00")
    assert reg["receiver"] == "a"
    ok(path, "deal", "13900000001", "--by", "b", "--stage", "deposit", "--amount", "1000",
       at="2026-11-02 10:00", actor="desk")
    (dispute,) = ok(path, "disputes", at="2026-11-02 10:05")
    return path, reg["entry"], dispute["id"]


MANAGER_ONLY = {
    "staff leave": lambda e, d: ["staff", "leave", "c"],
    "staff suspend": lambda e, d: ["staff", "suspend", "c", "--days", "1"],
    "staff penalize": lambda e, d: ["staff", "penalize", "c", "--half-rotation", "--days", "2"],
    "register --to": lambda e, d: ["register", "--name", "客二", "--phone", "13900000002", "--to", "c"],
    "reassign": lambda e, d: ["reassign", "13900000001", "--to", "c", "--reason", "投诉"],
    "resolve-dispute": lambda e, d: ["resolve-dispute", d, "--award", "a=50", "--award", "b=50", "--reason", "裁"],
    "void": lambda e, d: ["void", e, "--reason", "错"],
    "accept-late": lambda e, d: ["accept-late", DAY, "--reason", "合并"],
}


@pytest.mark.parametrize("actor", ["a", "desk"])
@pytest.mark.parametrize("command", list(MANAGER_ONLY))
def test_manager_only_commands_refuse_everyone_else(disputed, command, actor):
    path, entry, dispute = disputed
    argv = MANAGER_ONLY[command](entry, dispute)
    refused(path, *argv, at="2026-11-02 11:00", actor=actor, msg="only a manager may do this")


def test_the_manager_may_do_what_others_may_not(disputed, tmp_path):
    original, entry, dispute = disputed
    path = tmp_path / "copy"
    shutil.copytree(original, path)
    assert ok(path, "resolve-dispute", dispute, "--award", "a=50", "--award", "b=50", "--reason", "裁",
              at="2026-11-02 11:00")["final"] is True
    assert ok(path, "register", "--name", "客二", "--phone", "13900000002", "--to", "c",
              at="2026-11-02 11:01")["receiver"] == "c"
    ok(path, "staff", "suspend", "c", "--days", "1", at="2026-11-02 11:02")


# -- 2. one git commit per writing command ---------------------------------------------------

def test_each_writing_command_makes_exactly_one_commit(tmp_path):
    path = office(tmp_path / "o", git=True, staff=("a", "b"), checkin=False)
    base = commits(path)
    assert base == 3 and ledger_clean(path)
    steps = [
        (lambda: ok(path, "check-in", "a", "b", at="2026-11-02 08:00", actor="desk"), "rotactl check-in: ", "desk"),
        (lambda: register(path, "客一", "13900000001", "2026-11-02 09:00"), "rotactl register: ", "desk"),
        (lambda: ok(path, "follow-up", "13900000001", "--by", "a", at="2026-11-02 09:30", actor="a"),
         "rotactl follow-up: ", "a"),
        (lambda: ok(path, "staff", "suspend", "b", "--days", "1", at="2026-11-02 10:00"), "rotactl staff suspend: ", "m"),
    ]
    for n, (step, prefix, actor) in enumerate(steps, 1):
        out = step()
        assert commits(path) == base + n
        subject = subjects(path)[0]
        assert subject.startswith(prefix) and subject.endswith(f" by {actor}"), subject
        if isinstance(out, dict) and "entry" in out:
            assert out["entry"] in subject
        assert ledger_clean(path)
    closed = ok(path, "rollover", "--date", DAY, at="2026-11-03 01:00")
    assert closed["closed"] == [DAY]
    assert commits(path) == base + len(steps) + 1
    assert subjects(path)[0] == f"rollover: closed {DAY} by m"
    assert ledger_clean(path)
    assert git(path, "ls-files", "checkpoints").strip().startswith("checkpoints/2026-11/02.")


def test_a_day_file_git_does_not_know_is_added_by_the_next_command(tmp_path):
    """A writing command commits a file git tracks without `git add` (one git process); a file left
    untracked (its command was interrupted before committing) is added when git says it does not know
    it, and the next command's commit carries it."""
    path = office(tmp_path / "o", git=True, staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    git(path, "rm", "-q", "--cached", FLOOR)
    git(path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "untrack")
    assert git(path, "ls-files", FLOOR).strip() == "" and (path / FLOOR).exists()
    register(path, "客二", "13900000002", "2026-11-02 09:10")
    assert git(path, "ls-files", FLOOR).strip() == FLOOR
    assert ledger_clean(path)
    assert git(path, "show", f"HEAD:{FLOOR}").count("\n") == len(lines_of(path, FLOOR))


def test_a_refused_command_makes_no_commit(tmp_path):
    path = office(tmp_path / "o", git=True, staff=("a",))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    head = git(path, "rev-parse", "HEAD")
    refused(path, "register", "--name", "客二", "--phone", "13900000002", actor="x", at="2026-11-02 09:10")
    refused(path, "check-in", "a", at="2026-11-02 08:59", actor="desk")
    refused(path, "staff", "suspend", "a", "--days", "1", actor="a", at="2026-11-02 09:20")
    refused(path, "void", "e20261102090000000000-abcdef", "--reason", "错", at="2026-11-02 09:20")
    assert git(path, "rev-parse", "HEAD") == head
    assert ledger_clean(path)


def test_a_no_git_office_commits_nothing(tmp_path):
    path = office(tmp_path / "o", staff=("a",))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    ok(path, "rollover", "--date", DAY, at="2026-11-03 01:00")
    assert not (path / ".git").exists()
    assert subprocess.run(["git", "-C", str(path), "rev-parse", "--git-dir"], capture_output=True).returncode != 0


# -- 3. check against git and its history ----------------------------------------------------

def test_check_finds_a_committed_line_dropped_from_the_working_copy(tmp_path):
    path = office(tmp_path / "o", git=True, staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    assert check(path, at="2026-11-02 10:00").code == 0
    floor = path / FLOOR
    count = len(lines_of(path, FLOOR))
    floor.write_bytes(b"".join(floor.read_bytes().splitlines(keepends=True)[:-1]))
    result = check(path, at="2026-11-02 10:00")
    assert result.code == 3
    assert f"{FLOOR}:{count}: the working copy drops or changes committed line" in result.err
    git(path, "checkout", "--", FLOOR)
    assert check(path, at="2026-11-02 10:00").code == 0


def test_check_finds_an_edited_committed_checkpoint(tmp_path):
    path = office(tmp_path / "o", git=True, staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    ok(path, "rollover", "--date", DAY, at="2026-11-03 01:00")
    assert check(path).code == 0
    (checkpoint,) = (path / "checkpoints" / "2026-11").glob("02.*.toml")
    text = checkpoint.read_text(encoding="utf-8")
    assert 'visit = "a"' in text
    checkpoint.write_text(text.replace('visit = "a"', 'visit = "b"'), encoding="utf-8")
    result = check(path)
    assert result.code == 3 and "checkpoints/2026-11/02." in result.err


def test_check_history_finds_a_commit_that_drops_a_ledger_line(tmp_path):
    path = office(tmp_path / "o", git=True, staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    count = len(lines_of(path, FLOOR))
    assert check(path, "--history", at="2026-11-02 10:00").code == 0
    floor = path / FLOOR
    floor.write_bytes(b"".join(floor.read_bytes().splitlines(keepends=True)[:-1]))
    git(path, "commit", "-q", "-am", "tidy up")
    sha = git(path, "rev-parse", "HEAD").strip()[:12]
    # the working copy matches HEAD and every remaining chain is whole: only the history shows it
    assert check(path, at="2026-11-02 10:00").code == 0
    result = check(path, "--history", at="2026-11-02 10:00")
    assert result.code == 3
    assert f"{FLOOR}:{count}: commit {sha} drops or edits line {count} of its parent" in result.err


def test_check_history_finds_a_commit_that_edits_a_ledger_line(tmp_path):
    path = office(tmp_path / "o", git=True, staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    register(path, "客二", "13900000002", "2026-11-02 09:10")
    n = line_no(path, FLOOR, "客一")
    floor = path / FLOOR
    floor.write_text(floor.read_text(encoding="utf-8").replace("客一", "客壹"), encoding="utf-8")
    git(path, "commit", "-q", "-am", "typo")
    sha = git(path, "rev-parse", "HEAD").strip()[:12]
    result = check(path, "--history", at="2026-11-02 10:00")
    assert result.code == 3
    assert f"{FLOOR}:{n}: commit {sha} drops or edits line {n} of its parent" in result.err


def test_check_history_passes_on_a_normal_history(tmp_path):
    path = office(tmp_path / "o", git=True, staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    ok(path, "follow-up", "13900000001", "--by", "a", at="2026-11-02 09:30", actor="desk")
    ok(path, "rollover", "--date", DAY, at="2026-11-03 01:00")
    ok(path, "check-in", "a", at="2026-11-03 08:00", actor="desk")
    result = check(path, "--history", at="2026-11-03 09:00")
    assert result.code == 0 and result.out.startswith("ok: "), result.err


# -- 4. time (§4.2) --------------------------------------------------------------------------

BACKDATED = {
    "register": ["register", "--name", "客三", "--phone", "13900000003"],
    "check-in": ["check-in", "c"],
    "check-out": ["check-out", "b"],
    "away": ["away", "b", "--reason", "personal"],
    "back": ["back", "b"],
    "pass": ["pass", "b"],
    "done": ["done", "a"],
    "staff add": ["staff", "add", "d", "--name", "丁"],
    "staff suspend": ["staff", "suspend", "b", "--days", "1"],
    "staff penalize": ["staff", "penalize", "b", "--half-rotation", "--days", "1"],
    "staff leave": ["staff", "leave", "b"],
}


@pytest.mark.parametrize("command", list(BACKDATED))
def test_a_back_dated_turn_decision_is_refused(tmp_path, command):
    """a receives at 08:30 and the 09:00 visit goes to b (for `back`: b is away from 08:40, a is done
    at 08:45 and receives at 09:00). Each command would be valid in the state of 08:59, but the 09:00
    visit has decided a turn since: refused, naming it."""
    path = office(tmp_path / "o", staff=("a", "b", "c"), checkin=False)
    ok(path, "check-in", "a", "b", at="2026-11-02 08:00", actor="desk")
    assert register(path, "客一", "13900000001", "2026-11-02 08:30")["receiver"] == "a"
    if command == "back":
        ok(path, "away", "b", "--reason", "personal", at="2026-11-02 08:40", actor="desk")
        ok(path, "done", "a", at="2026-11-02 08:45", actor="desk")
    visit = register(path, "客二", "13900000002", "2026-11-02 09:00")
    assert visit["receiver"] == ("a" if command == "back" else "b")
    actor = "m" if command.startswith("staff") else "desk"
    result = refused(path, *BACKDATED[command], at="2026-11-02 08:59", actor=actor)
    assert f"is before visit {visit['entry']} at 2026-11-02 09:00" in result.err, result.err


def test_a_turn_decision_in_the_same_minute_or_later_is_fine(tmp_path):
    path = office(tmp_path / "o", staff=("a", "b", "c"))
    first = register(path, "客一", "13900000001", "2026-11-02 09:00")
    second = register(path, "客二", "13900000002", "2026-11-02 09:00")
    ok(path, "done", "a", at="2026-11-02 09:00", actor="desk")
    third = register(path, "客三", "13900000003", "2026-11-02 09:01")
    assert [first["receiver"], second["receiver"], third["receiver"]] == ["a", "b", "c"]
    # the day's latest decision is now 09:01: 09:00 is too early
    refused(path, "register", "--name", "客四", "--phone", "13900000004", at="2026-11-02 09:00", actor="desk",
            msg=f"is before visit {third['entry']} at 2026-11-02 09:01")


def test_entries_that_decide_no_turn_may_be_back_dated_within_an_open_day(tmp_path):
    path = office(tmp_path / "o", staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    register(path, "客二", "13900000002", "2026-11-02 11:00")
    ok(path, "follow-up", "13900000001", "--by", "a", "--note", "补记", at="2026-11-02 10:00", actor="desk")
    ok(path, "link", "13900000001", "--to", "13900000002", "--relation", "spouse", at="2026-11-02 10:10", actor="desk")
    ok(path, "report-in", "--agency", "链家", "--agent", "王", "--name", "客三", "--phone", "13900000003",
       "--expect", "2026-11-02 15:00", at="2026-11-02 10:20", actor="desk")
    ok(path, "claim", "13900000002", "--by", "a", "--note", "认出", at="2026-11-02 10:30", actor="desk")
    kinds = [e["kind"] for e in ok(path, "log", "--since", DAY, at="2026-11-02 12:00") if e["at"] > "2026-11-02 09"]
    assert kinds == ["visit", "follow-up", "link", "report-in", "claim", "visit"]
    assert check(path, at="2026-11-02 12:00").code == 0


def test_a_closed_day_refuses_every_entry_dated_in_it(tmp_path):
    path = office(tmp_path / "o", staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    ok(path, "rollover", "--date", DAY, at="2026-11-03 01:00")
    for argv in (["follow-up", "13900000001", "--by", "a"],
                 ["register", "--name", "客二", "--phone", "13900000002"],
                 ["check-out", "a"],
                 ["claim", "13900000001", "--by", "b"]):
        refused(path, *argv, at="2026-11-02 23:00", actor="desk")
    ok(path, "follow-up", "13900000001", "--by", "a", at="2026-11-03 08:00", actor="desk")


# -- 5. rollover -----------------------------------------------------------------------------

def checkpoints(path):
    return sorted((path / "checkpoints").rglob("*.toml"))


def test_a_checkpoint_is_named_by_its_bytes_and_holds_no_clock_or_actor(tmp_path):
    path = office(tmp_path / "o", staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    twin = tmp_path / "twin"
    shutil.copytree(path, twin)
    ok(path, "rollover", "--date", DAY, at="2026-11-03 01:00", actor="m")
    ok(twin, "rollover", "--date", DAY, at="2026-11-05 23:17", actor="m")
    (mine,), (theirs,) = checkpoints(path), checkpoints(twin)
    data = mine.read_bytes()
    assert re.fullmatch(r"02\.[0-9a-f]{12}\.toml", mine.name), mine.name
    assert mine.name == "02." + hashlib.sha256(b"rotactl/checkpoint/v2\n" + data).hexdigest()[:12] + ".toml"
    assert theirs.name == mine.name and theirs.read_bytes() == data
    text = data.decode("utf-8")
    assert "2026-11-03" not in text and "2026-11-05" not in text and "01:00" not in text


def test_a_second_rollover_is_a_no_op(tmp_path):
    path = office(tmp_path / "o", staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    assert ok(path, "rollover", "--date", DAY, at="2026-11-03 01:00")["closed"] == [DAY]
    before = snapshot(path)
    again = ok(path, "rollover", "--date", DAY, at="2026-11-03 02:00")
    assert again["closed"] == [] and again["sealed_through"] == DAY
    assert snapshot(path) == before
    assert ok(path, "check", at="2026-11-03 02:00")["ok"] is True


def jiuzhou_sunday(path, git=False):
    """jiuzhou office; a closes a deal on Sunday 8 Nov, b and c close nothing that week."""
    office(path, "jiuzhou", git=git, checkin=False)
    ok(path, "check-in", "a", "b", "c", at="2026-11-08 08:00", actor="desk")
    reg = register(path, "客一", "13900000001", "2026-11-08 09:00")
    assert reg["receiver"] == "a"
    ok(path, "deal", "13900000001", "--by", "a", "--stage", "deposit", "--amount", "50000",
       at="2026-11-08 10:00", actor="desk")
    return path


def dayend_lines(path):
    day = path / "ledger/2026-11/08.csv"
    return [line for line in day.read_text(encoding="utf-8").splitlines() if ",dayend," in line]


def test_sunday_rollover_writes_deterministic_day_end_penalties(tmp_path):
    path = jiuzhou_sunday(tmp_path / "o")
    ok(path, "rollover", "--date", "2026-11-08", at="2026-11-09 01:00")
    penalties = ok(path, "log", "--since", "2026-11-01", "--kind", "penalty", at="2026-11-09 08:00")
    assert sorted(p["staff"] for p in penalties) == ["b", "c"]
    for p in penalties:
        assert re.fullmatch(r"e20261108235959\d{6}-[0-9a-f]{6}", p["id"]), p["id"]
        assert p["actor"] == "rollover" and p["rule"] == "PEN-HALF" and p["penalty"] == "half"
    assert len(dayend_lines(path)) == 2
    assert all(re.search(r"^e20261108235959\d{6}-[0-9a-f]{6},2026-11-08 23:59:59,penalty,rollover,", line)
               for line in dayend_lines(path))
    assert ok(path, "check", at="2026-11-09 08:00")["ok"] is True


def test_a_rollover_crash_before_the_checkpoint_does_not_duplicate_day_end_entries(tmp_path):
    path = jiuzhou_sunday(tmp_path / "o")
    ok(path, "rollover", "--date", "2026-11-08", at="2026-11-09 01:00")
    lines = dayend_lines(path)
    (sunday,) = (path / "checkpoints" / "2026-11").glob("08.*.toml")
    data = sunday.read_bytes()
    sunday.unlink()            # the crash: day-end entries written, checkpoint not
    again = ok(path, "rollover", "--date", "2026-11-08", at="2026-11-09 01:05")
    assert again["closed"] == ["2026-11-08"]
    assert dayend_lines(path) == lines
    (rewritten,) = (path / "checkpoints" / "2026-11").glob("08.*.toml")
    assert rewritten.name == sunday.name and rewritten.read_bytes() == data
    assert ok(path, "check", at="2026-11-09 08:00")["ok"] is True
    penalties = ok(path, "log", "--since", "2026-11-01", "--kind", "penalty", at="2026-11-09 08:00")
    assert sorted(p["staff"] for p in penalties) == ["b", "c"]


# -- 7. void ---------------------------------------------------------------------------------

def test_a_voided_deal_leaves_the_report_and_no_longer_makes_its_closer_owner(tmp_path):
    path = office(tmp_path / "o", staff=("a", "b"))
    assert register(path, "客一", "13900000001", "2026-11-02 09:00")["receiver"] == "a"
    # a's protection has run out by the 20th: b's deal makes b the owner
    ok(path, "check-in", "a", "b", at="2026-11-20 08:00", actor="desk")
    assert ok(path, "who", "13900000001", at="2026-11-20 08:30")["owner"] is None
    deal = ok(path, "deal", "13900000001", "--by", "b", "--stage", "deposit", "--amount", "1000",
              at="2026-11-20 10:00", actor="desk")
    assert ok(path, "who", "13900000001", at="2026-11-20 10:01")["owner"] == "b"
    deals = {r["staff"]: r["deals"] for r in ok(path, "report", "month", "--date", "2026-11-02", at="2026-11-20 10:01")}
    assert deals == {"a": 0, "b": 1}
    ok(path, "void", deal["entry"], "--reason", "录错", at="2026-11-20 10:05")
    assert ok(path, "who", "13900000001", at="2026-11-20 10:06")["owner"] is None
    deals = {r["staff"]: r["deals"] for r in ok(path, "report", "month", "--date", "2026-11-02", at="2026-11-20 10:06")}
    assert deals == {"a": 0, "b": 0}


def test_a_voided_register_gives_the_turn_back_and_log_marks_it(tmp_path):
    path = office(tmp_path / "o", staff=("a", "b"))
    visit = register(path, "客一", "13900000001", "2026-11-02 09:00")
    assert visit["receiver"] == "a"
    assert ok(path, "next", at="2026-11-02 09:01", actor="desk")["next"] == "b"
    voided = ok(path, "void", visit["entry"], "--reason", "重复登记", at="2026-11-02 09:10")
    assert voided["void"] == visit["entry"]
    assert ok(path, "next", at="2026-11-02 09:11", actor="desk")["next"] == "a"
    entries = {e["id"]: e for e in ok(path, "log", "--since", DAY, at="2026-11-02 09:11")}
    assert entries[visit["entry"]]["void"] is True
    assert entries[voided["entry"]]["kind"] == "void"
    assert not entries[voided["entry"]].get("void")
    assert register(path, "客二", "13900000002", "2026-11-02 09:20")["receiver"] == "a"


def test_void_refusals_write_nothing(tmp_path):
    path = office(tmp_path / "o", staff=("a", "b"))
    visit = register(path, "客一", "13900000001", "2026-11-02 09:00")["entry"]
    refused(path, "void", "e20261102090000000000-abcdef", "--reason", "错", at="2026-11-02 09:10",
            msg="e20261102090000000000-abcdef")
    refused(path, "void", visit, "--reason", "错", at="2026-11-02 09:10", actor="a", msg="only a manager may do this")
    refused(path, "void", visit, "--reason", "错", at="2026-11-02 09:10", actor="desk", msg="only a manager may do this")
    ok(path, "void", visit, "--reason", "错", at="2026-11-02 09:10")
    refused(path, "void", visit, "--reason", "又错", at="2026-11-02 09:11", msg=visit)


# -- 8. corrupt bytes ------------------------------------------------------------------------

def run_cli(path, *args, at="2026-11-02 12:00", actor="desk"):
    return subprocess.run([sys.executable, "-m", "rotactl", "-C", str(path), "--at", at, "--as", actor, *args],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("where", ["middle", "end"])
@pytest.mark.parametrize("byte", [b"\r", b"\x00"], ids=["CR", "NUL"])
@pytest.mark.parametrize("rel", [FLOOR], ids=["csv"])
def test_a_control_byte_inside_a_ledger_line_is_a_file_line_problem(tmp_path, rel, byte, where):
    path = office(tmp_path / "o", staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    ok(path, "follow-up", "13900000001", "--by", "a", "--note", "一", at="2026-11-02 09:10", actor="desk")
    ok(path, "follow-up", "13900000001", "--by", "a", "--note", "二", at="2026-11-02 09:20", actor="desk")
    register(path, "客二", "13900000002", "2026-11-02 09:30")
    target = path / rel
    lines = target.read_bytes().split(b"\n")
    n = 2                                     # the first entry after the header / comment line
    line = lines[n - 1]
    lines[n - 1] = line[:30] + byte + line[30:] if where == "middle" else line + byte
    target.write_bytes(b"\n".join(lines))
    before = snapshot(path)
    for args in (["check"], ["next"], ["register", "--name", "客三", "--phone", "13900000003"]):
        result = run_cli(path, *args)
        assert result.returncode == 3, (args, result.returncode, result.stdout, result.stderr)
        assert f"{rel}:{n}:" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert snapshot(path) == before


# -- 9. signed manager entries ---------------------------------------------------------------

def keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path), "-C", "x"],
                   check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    return path


@pytest.fixture
def signed_office(tmp_path):
    key = keygen(tmp_path / "mk")
    path = init(tmp_path / "o", extra=["--ssh-key", str(tmp_path / "mk.pub")])
    set_office_key(path, "signed_manager_entries", "true")
    signed = {"ROTACTL_SIGNING_KEY": str(key)}
    for sid in ("a", "b"):
        ok(path, "staff", "add", sid, "--name", f"销售{sid}", at="2026-11-02 07:00", env=signed)
    ok(path, "check-in", "a", "b", at="2026-11-02 08:00", actor="desk", env={"ROTACTL_SIGNING_KEY": None})
    return path, key


def test_signed_office_needs_the_key_and_check_verifies_it(signed_office):
    path, key = signed_office
    unset = {"ROTACTL_SIGNING_KEY": None}
    refused(path, "staff", "suspend", "b", "--days", "1", at="2026-11-02 09:00", env=unset,
            msg="ROTACTL_SIGNING_KEY")
    refused(path, "staff", "add", "c", "--name", "丙", at="2026-11-02 09:00", env=unset, msg="ROTACTL_SIGNING_KEY")
    # floor events need no key
    register(path, "客一", "13900000001", "2026-11-02 09:00", env=unset)
    ok(path, "staff", "suspend", "b", "--days", "1", at="2026-11-02 09:10", env={"ROTACTL_SIGNING_KEY": str(key)})
    (line,) = [x for x in lines_of(path, NOTES) if ",staff-suspend," in x]
    assert re.search(r",U1NIU0lH[A-Za-z0-9+/=]+,", line), line
    adds = [x for x in lines_of(path, FLOOR) if re.search(r",staff-add,m,[ab],", x)]
    assert len(adds) == 2 and all(",U1NIU0lH" in x for x in adds)
    assert ok(path, "check", at="2026-11-02 10:00")["ok"] is True


def test_a_manager_entry_signed_by_another_key_does_not_verify(signed_office, tmp_path):
    path, _key = signed_office
    other = keygen(tmp_path / "other")
    ok(path, "staff", "suspend", "b", "--days", "1", at="2026-11-02 09:10", env={"ROTACTL_SIGNING_KEY": str(other)})
    n = line_no(path, NOTES, ",staff-suspend,")
    result = check(path, at="2026-11-02 10:00")
    assert result.code == 3
    assert f"{NOTES}:{n}:" in result.err and "does not verify" in result.err, result.err


def test_an_unsigned_manager_entry_appended_by_hand_is_reported(signed_office):
    path, _key = signed_office
    record = {"id": "e20261102091000000000-abcdef", "at": "2026-11-02 09:10:00", "kind": "staff-suspend",
              "actor": "m", "staff": "b", "days": "1", "rule": "PEN-SUSPEND", "writer": "fa1e00"}
    header = (path / NOTES).read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    buf = io.StringIO()                       # a line as docs/ledger-format.md says one is made
    csv.writer(buf, lineterminator="").writerow([record.get(c, "") for c in header[:-1]] + [""])
    body = buf.getvalue()
    digest = hashlib.sha256(b"rotactl/entry/v3\n" + body.encode()).hexdigest()
    notes = path / NOTES
    with notes.open("a", encoding="utf-8") as handle:
        handle.write(f"{body}{digest}\n")
    n = len(lines_of(path, NOTES))
    result = check(path, at="2026-11-02 10:00")
    assert result.code == 3
    assert f"{NOTES}:{n}:" in result.err and "is not signed" in result.err, result.err
    # the same line with the policy off is a sound entry: the signature is what is missing
    set_office_key(path, "signed_manager_entries", "false")
    assert check(path, at="2026-11-02 10:00").code == 0


def test_check_finds_a_committed_checkpoint_replaced_by_a_well_named_forgery(tmp_path):
    """The forged checkpoint is named by its own bytes, so only the comparison with git sees it."""
    path = office(tmp_path / "o", git=True, staff=("a", "b"))
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    ok(path, "rollover", "--date", DAY, at="2026-11-03 01:00")
    (checkpoint,) = checkpoints(path)
    data = checkpoint.read_bytes().replace(b'visit = "a"', b'visit = "b"')
    forged = checkpoint.with_name("02." + hashlib.sha256(b"rotactl/checkpoint/v2\n" + data).hexdigest()[:12] + ".toml")
    checkpoint.unlink()
    forged.write_bytes(data)
    result = check(path)
    assert result.code == 3 and "checkpoints/2026-11/02." in result.err, result.err


def test_rollover_seals_open_days_with_the_voids_recorded_in_them(tmp_path):
    """rollover reads the voids of the open days only (no index): a register voided the same day and
    one voided the next day both leave the sealed days' turns, and the checkpoints say so."""
    path = office(tmp_path / "o", staff=("a", "b"))
    first = register(path, "客一", "13900000001", "2026-11-02 09:00")
    ok(path, "done", first["receiver"], at="2026-11-02 09:30")
    second = register(path, "客二", "13900000002", "2026-11-02 10:00")
    ok(path, "void", second["entry"], "--reason", "重复登记", at="2026-11-02 10:05")
    ok(path, "check-in", "a", "b", at="2026-11-03 08:00", actor="desk")
    third = register(path, "客三", "13900000003", "2026-11-03 09:00")
    ok(path, "void", first["entry"], "--reason", "录错", at="2026-11-03 09:05")
    ok(path, "rollover", at="2026-11-04 01:00")
    assert check(path, at="2026-11-04 01:00").code == 0
    turns = {r["staff"]: r["turns"] for r in ok(path, "report", "day", "--date", DAY, at="2026-11-04 02:00")}
    assert sum(turns.values()) == 0, turns
    sealed = {p.name[:2]: p.read_text(encoding="utf-8") for p in (path / "checkpoints" / "2026-11").iterdir()}
    assert first["entry"] in sealed["02"] and second["entry"] in sealed["02"]
    assert third["entry"] not in sealed["03"]
    later = {r["staff"]: r["turns"] for r in ok(path, "report", "day", "--date", "2026-11-03", at="2026-11-04 02:00")}
    assert later[third["receiver"]] == 1 and sum(later.values()) == 1
