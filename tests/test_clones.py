"""Two git clones of one office working offline, rolling over and merging (SPEC §3, §4.2):
content-named checkpoints, union-merged ledgers, sealed-late lines, clone conflicts, void and
accept-late, and day-end entries written identically by both clones."""
import re

from test_trust import DAY, FLOOR, branch, check, commits, git, ledger_clean, lines_of, office, ok, refused, register


def clone(source, target):
    git(source.parent, "clone", "-q", str(source), str(target))
    return target


def pull(into, other):
    """`git pull --no-rebase --no-edit ../other BRANCH` in `into`: must merge without conflict."""
    git(into, "pull", "-q", "--no-rebase", "--no-edit", str(other), branch(other))
    assert ledger_clean(into)
    assert git(into, "ls-files", "--unmerged").strip() == ""


def checkpoint_files(path, day="02"):
    return sorted(p for p in (path / "checkpoints" / "2026-11").glob(f"{day}.*.toml"))


def two_clones_same_turn(tmp_path):
    a = office(tmp_path / "a", git=True, staff=("s1", "s2"))
    b = clone(a, tmp_path / "b")
    x = register(a, "甲客", "13900000001", "2026-11-02 09:00")
    y = register(b, "乙客", "13900000002", "2026-11-02 09:05")
    assert x["receiver"] == y["receiver"] == "s1"       # both clones gave out the day's first turn
    for side in (a, b):
        assert ok(side, "rollover", "--date", DAY, at="2026-11-03 01:00")["closed"] == [DAY]
    assert checkpoint_files(a)[0].name != checkpoint_files(b)[0].name
    pull(a, b)
    return a, x["entry"], y["entry"]


def test_offline_clones_merge_and_check_reports_late_lines_and_the_clone_conflict(tmp_path):
    a, x, y = two_clones_same_turn(tmp_path)
    assert len(checkpoint_files(a)) == 2                  # both checkpoints kept, no conflict
    assert sum(1 for line in lines_of(a, FLOOR) if ",visit," in line) == 2
    result = check(a)
    assert result.code == 3
    late = {m.group(2): int(m.group(1)) for m in re.finditer(
        rf"{re.escape(FLOOR)}:(\d+): added after {DAY} was sealed \(entry (e\S+) ", result.err)}
    assert set(late) == {x, y}, result.err
    assert "accept-late" in result.err
    conflict = [line for line in result.err.splitlines() if "clone conflict" in line]
    assert len(conflict) == 1, result.err
    assert conflict[0].startswith(f"{FLOOR}:")
    assert x in conflict[0] and y in conflict[0]
    assert "were both decided after the start of the day on two clones" in conflict[0]


def test_void_and_accept_late_settle_a_merged_clone_conflict(tmp_path):
    a, x, y = two_clones_same_turn(tmp_path)
    refused(a, "void", y, "--reason", "重复", at="2026-11-03 08:00", actor="s1", msg="only a manager may do this")
    n = commits(a)
    voided = ok(a, "void", y, "--reason", "重复", at="2026-11-03 08:00")
    assert voided["void"] == y and commits(a) == n + 1
    result = check(a)
    assert result.code == 3 and "clone conflict" not in result.err and "added after" in result.err
    refused(a, "accept-late", DAY, "--reason", "合并", at="2026-11-03 08:00", actor="s2",
            msg="only a manager may do this")
    refused(a, "accept-late", DAY, "--reason", "合并", at="2026-11-03 08:00", actor="desk",
            msg="only a manager may do this")
    accepted = ok(a, "accept-late", DAY, "--reason", "合并", at="2026-11-03 08:00")
    assert DAY in accepted["accepted"]
    assert commits(a) == n + 2 and ledger_clean(a)
    assert len(checkpoint_files(a)) == 3                  # a new generation; the old ones stay
    for extra in ((), ("--history",)):
        result = check(a, *extra)
        assert result.code == 0 and result.out.startswith("ok: "), (extra, result.err)
    # nothing is late any more: a second accept-late is refused
    refused(a, "accept-late", DAY, "--reason", "合并", at="2026-11-03 08:10")
    # the voided register no longer counts: x's receiver is s1's only turn of the day
    rows = {r["staff"]: r["turns"] for r in ok(a, "report", "day", "--date", DAY, at="2026-11-03 08:10")}
    assert rows["s1"] == 1


def test_accept_late_on_a_day_with_nothing_late_is_refused(tmp_path):
    a = office(tmp_path / "a", staff=("s1",))
    register(a, "甲客", "13900000001", "2026-11-02 09:00")
    ok(a, "rollover", "--date", DAY, at="2026-11-03 01:00")
    refused(a, "accept-late", DAY, "--reason", "合并", at="2026-11-03 08:00")


def test_clones_that_close_identical_days_write_the_same_checkpoint_and_merge_cleanly(tmp_path):
    a = office(tmp_path / "a", git=True, staff=("s1", "s2"))
    register(a, "甲客", "13900000001", "2026-11-02 09:00")
    ok(a, "follow-up", "13900000001", "--by", "s1", at="2026-11-02 10:00", actor="desk")
    b = clone(a, tmp_path / "b")
    ok(a, "rollover", "--date", DAY, at="2026-11-03 01:00")
    ok(b, "rollover", "--date", DAY, at="2026-11-03 02:30", actor="m")
    (ca,), (cb,) = checkpoint_files(a), checkpoint_files(b)
    assert ca.name == cb.name and ca.read_bytes() == cb.read_bytes()
    ok(a, "check-in", "s1", at="2026-11-03 08:00", actor="desk")
    ok(b, "check-in", "s2", at="2026-11-03 08:05", actor="desk")
    pull(a, b)
    assert checkpoint_files(a) == [ca]
    for extra in ((), ("--history",)):
        result = check(a, *extra, at="2026-11-03 09:00")
        assert result.code == 0, (extra, result.err)


def jiuzhou_clones(tmp_path, diverge):
    """jiuzhou office, Sunday 8 Nov: s1 closes a deal, s2 and s3 close nothing that week. B is
    cloned; with `diverge`, each clone records its own follow-up that Sunday. Both roll over."""
    a = office(tmp_path / "a", "jiuzhou", git=True, staff=("s1", "s2", "s3"), checkin=False)
    ok(a, "check-in", "s1", "s2", "s3", at="2026-11-08 08:00", actor="desk")
    assert register(a, "甲客", "13900000001", "2026-11-08 09:00")["receiver"] == "s1"
    ok(a, "deal", "13900000001", "--by", "s1", "--stage", "deposit", "--amount", "80000",
       at="2026-11-08 10:00", actor="desk")
    b = clone(a, tmp_path / "b")
    if diverge:
        ok(a, "follow-up", "13900000001", "--by", "s1", "--note", "A", at="2026-11-08 11:00", actor="desk")
        ok(b, "follow-up", "13900000001", "--by", "s1", "--note", "B", at="2026-11-08 11:05", actor="desk")
    for side in (a, b):
        ok(side, "rollover", "--date", "2026-11-08", at="2026-11-09 01:00")
    pull(a, b)
    return a, b


def penalties(path):
    return ok(path, "log", "--since", "2026-11-01", "--kind", "penalty", at="2026-11-09 08:00")


def dayend_lines(path):
    return [line for line in lines_of(path, "ledger/2026-11/08.csv") if ",dayend," in line]


def test_identical_day_end_lines_from_two_clones_count_once(tmp_path):
    a, b = jiuzhou_clones(tmp_path, diverge=False)
    assert dayend_lines(a) == dayend_lines(b) and len(dayend_lines(a)) == 2
    assert checkpoint_files(a, "08") == [a / "checkpoints/2026-11" / p.name for p in checkpoint_files(b, "08")]
    assert sorted(p["staff"] for p in penalties(a)) == ["s2", "s3"]
    for extra in ((), ("--history",)):
        result = check(a, *extra, at="2026-11-09 08:00")
        assert result.code == 0, (extra, result.err)


def test_day_end_lines_stay_single_when_the_clones_also_diverged_that_day(tmp_path):
    a, _b = jiuzhou_clones(tmp_path, diverge=True)
    assert len(dayend_lines(a)) == 2
    result = check(a, at="2026-11-09 08:00")
    assert result.code == 3 and "added after 2026-11-08 was sealed" in result.err
    assert "clone conflict" not in result.err                       # follow-ups give out no turn
    ok(a, "accept-late", "2026-11-08", "--reason", "合并", at="2026-11-09 08:00")
    assert sorted(p["staff"] for p in penalties(a)) == ["s2", "s3"]
    for extra in ((), ("--history",)):
        result = check(a, *extra, at="2026-11-09 08:10")
        assert result.code == 0, (extra, result.err)


def test_clones_whose_day_end_entries_differ_still_merge_into_a_sound_ledger(tmp_path):
    """A records s1's Sunday deal after B was cloned, so A's rollover penalises s2, s3 and B's
    penalises s1, s2, s3: both clones wrote `dayend` lines, but different ones. The merge must
    still verify per writer (only lines added after the seal), a manager's accept-late must
    settle it, and the floor must keep working."""
    a = office(tmp_path / "a", "jiuzhou", git=True, staff=("s1", "s2", "s3"), checkin=False)
    ok(a, "check-in", "s1", "s2", "s3", at="2026-11-08 08:00", actor="desk")
    register(a, "甲客", "13900000001", "2026-11-08 09:00")
    b = clone(a, tmp_path / "b")
    ok(a, "deal", "13900000001", "--by", "s1", "--stage", "deposit", "--amount", "80000",
       at="2026-11-08 10:00", actor="desk")
    for side in (a, b):
        ok(side, "rollover", "--date", "2026-11-08", at="2026-11-09 01:00")
    assert dayend_lines(a) != dayend_lines(b)
    pull(a, b)
    result = check(a, at="2026-11-09 08:00")
    assert "chain" not in result.err, result.err
    assert result.code == 3 and "added after 2026-11-08 was sealed" in result.err
    accepted = ok(a, "accept-late", "2026-11-08", "--reason", "合并", at="2026-11-09 08:00")
    assert "2026-11-08" in accepted["accepted"]
    ok(a, "check-in", "s1", "s2", "s3", at="2026-11-09 08:30", actor="desk")
    assert register(a, "乙客", "13900000002", "2026-11-09 09:00")["receiver"]
    for extra in ((), ("--history",)):
        result = check(a, *extra, at="2026-11-09 10:00")
        assert result.code == 0, (extra, result.err)
