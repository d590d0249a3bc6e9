"""Sealed month indexes: a fresh clone finds a customer's facts of closed months without indexing them."""
import shutil
import sqlite3
import subprocess

from conftest import Office


def closed_october(tmp_path, name="o"):
    """An office with facts on 30-31 Oct (closed by rollover: October gets its month index) and 2 Nov."""
    office = Office(tmp_path / name)
    office.ok("staff", "add", "m", "--name", "周杰", "--role", "manager", at="2026-10-30 07:00")
    for sid in ("a", "b"):
        office.ok("staff", "add", sid, "--name", f"销售{sid}", at="2026-10-30 07:00")
    office.ok("check-in", "a", "b", at="2026-10-30 08:30")
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-10-30 09:00")
    office.ok("done", "a", at="2026-10-30 09:30")
    office.ok("report-in", "--agency", "链家", "--agent", "小刘", "--name", "钱九", "--phone", "1390**00009",
              "--expect", "2026-10-31 10:00", at="2026-10-31 08:00")
    office.ok("check-in", "a", "b", at="2026-10-31 08:30")
    office.ok("register", "--name", "钱九", "--phone", "13900000009", at="2026-10-31 10:00")
    office.ok("register", "--name", "李梅", "--phone", "13900000005", "--family-of", "13900000001",
              "--relation", "spouse", at="2026-10-31 10:05")
    office.ok("deal", "13900000001", "--by", "b", "--stage", "deposit", "--amount", "500000", at="2026-10-31 15:00")
    office.ok("rollover", at="2026-11-01 00:30")
    office.ok("check-in", "a", "b", at="2026-11-02 08:30")
    office.ok("register", "--name", "王五", "--phone", "13900000003", at="2026-11-02 09:00")
    return office


def views(office, at="2026-11-02 12:00"):
    return (office.ok("--reveal", "who", "13900000001", at=at), office.ok("who", "13900000009", at=at),
            office.ok("disputes", at=at), office.ok("--reveal", "log", "--since", "2026-10-30", at=at))


def indexed_rows(office, month):
    db = sqlite3.connect(office.path / ".rotactl" / "index.sqlite")
    return db.execute("select count(*) from facts where at like ?", (f"{month}%",)).fetchone()[0]


def test_closing_a_month_writes_its_index_and_a_fresh_clone_does_not_index_that_month(tmp_path):
    office = closed_october(tmp_path)
    (index,) = list((office.path / "checkpoints" / "2026-10").glob("index.*.csv"))
    text = index.read_text(encoding="utf-8")
    assert text.startswith("token,day,offset\n") and text.splitlines()[1].split(",")[1] in ("30", "31")
    from rotactl.store import months
    assert index.name.split(".")[1] == months.covers(p.name for p in index.parent.glob("3?.*.toml"))
    want = views(office)
    shutil.rmtree(office.path / ".rotactl")                        # what a fresh clone has
    at = "2026-11-02 12:00"                                        # who and who: from the month index
    assert (office.ok("--reveal", "who", "13900000001", at=at), office.ok("who", "13900000009", at=at)) == want[:2]
    assert indexed_rows(office, "2026-10") == 0 and indexed_rows(office, "2026-11") > 0
    assert views(office) == want          # disputes (whole history) indexed every month once, same answers
    assert indexed_rows(office, "2026-10") > 0
    who = want[0]
    assert who["owner"] == "a" and who["group"] == ["13900000001", "13900000005"]
    assert [d["customer"] for d in want[2]] == ["139****0001"]
    assert want[1]["channel"] == "链家"                 # the masked report-in found through the month index


def test_the_answers_are_the_same_without_any_month_index(tmp_path):
    office = closed_october(tmp_path)
    want = views(office)
    for path in (office.path / "checkpoints").rglob("index.*.csv"):
        path.unlink()
    shutil.rmtree(office.path / ".rotactl")
    assert views(office) == want
    assert indexed_rows(office, "2026-10") > 0


def test_check_rejects_a_forged_month_index(tmp_path):
    from rotactl.store.files import checkpoint_hash

    office = closed_october(tmp_path)
    assert office.ok("check", at="2026-11-02 12:00")["ok"] is True
    (index,) = list((office.path / "checkpoints" / "2026-10").glob("index.*.csv"))
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = index.with_name("x")
    edited.write_text("".join(lines[:-1]), encoding="utf-8")          # a fact hidden from every lookup
    index.unlink()
    renamed = index.with_name(f"index.{index.name.split('.')[1]}.{checkpoint_hash(edited.read_bytes())}.csv")
    edited.rename(renamed)
    result = office.run("check", at="2026-11-02 12:00", fmt="table")
    assert result.exit_code == 3 and f"{renamed.name}:1: month index differs from the ledger" in result.output
    renamed.write_text("".join(lines[:-1]) + "zzz\n", encoding="utf-8")
    result = office.run("check", at="2026-11-02 12:00", fmt="table")
    assert result.exit_code == 3 and "does not match its name" in result.output


def test_a_sealed_line_edited_under_the_month_index_is_refused_not_believed(tmp_path):
    office = closed_october(tmp_path)
    shutil.rmtree(office.path / ".rotactl")
    day = office.path / "ledger" / "2026-10" / "31.csv"
    day.write_bytes(day.read_bytes().replace(",钱九,".encode(), ",钱八,".encode(), 1))
    result = office.run("who", "13900000009", at="2026-11-02 12:00")
    assert result.exit_code == 3 and "ledger/2026-10/31.csv" in result.output


def test_a_git_clone_answers_from_the_committed_month_index(tmp_path):
    office = Office.__new__(Office)
    office.path = tmp_path / "g"
    office.runner = Office(tmp_path / "scratch").runner
    result = office.runner.invoke(__import__("rotactl.cli", fromlist=["cli"]).cli,
                                  ["init", str(office.path), "--manager", "m", "--name", "周杰",
                                   "--at", "2026-10-30 07:00"])
    assert result.exit_code == 0, result.output
    office.ok("staff", "add", "a", "--name", "销售a", at="2026-10-30 07:00")
    office.ok("check-in", "a", at="2026-10-30 08:30")
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-10-30 09:00")
    office.ok("rollover", at="2026-11-01 00:30")
    tracked = subprocess.run(["git", "-C", str(office.path), "ls-files", "checkpoints"], capture_output=True,
                             text=True, check=True).stdout
    assert "checkpoints/2026-10/index." in tracked
    clone = Office.__new__(Office)
    clone.path, clone.runner = tmp_path / "clone", office.runner
    subprocess.run(["git", "clone", "-q", str(office.path), str(clone.path)], check=True)
    assert clone.ok("who", "13900000001", at="2026-11-02 09:00")["owner"] == "a"
    assert indexed_rows(clone, "2026-10") == 0


def test_many_lookups_in_a_month_index_give_what_the_search_in_the_file_gives(tmp_path):
    """After 256 lookups a month index keeps its tokens as numbers (13 bytes a line) and bisects them:
    the same (day, offset) pairs as the binary search in the file, for keys present, absent and shared."""
    from rotactl.store import months
    from rotactl.store.files import Store
    from rotactl.store.index import month_keys

    office = closed_october(tmp_path)
    store = Store(office.path)
    keys = sorted({k for day in ("2026-10-30", "2026-10-31") for line in store.read_day(day)
                   for k in month_keys(line.record)})
    keys += [f"+86 1390000{i:04d}" for i in range(300)]          # absent (most) and present
    path = months.in_force(store, "2026-10")
    searched = months.MonthIndex(path)
    want = {k: searched.lookup(k) for k in keys[:200]}                    # below 256: searched in the file
    assert searched.tokens is None and sum(map(len, want.values())) > 10
    bisected = months.MonthIndex(path)
    bisected.calls = 256
    got = {k: bisected.lookup(k) for k in keys}
    assert bisected.tokens is not None and len(bisected.tokens) == len(bisected.offsets) == len(bisected.days)
    assert {k: got[k] for k in want} == want
    fresh = months.MonthIndex(path)
    assert all(fresh.lookup(k) == got[k] for k in keys[200:]) and fresh.tokens is None
