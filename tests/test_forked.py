"""`check --full` (months) and `log` (days) run in two processes: the same output and exit code as one
process, and what is wrong in a late month is still found, worded alike."""
import json
import os
import subprocess
import sys

import pytest
from conftest import Office

DAYS = ("2026-07-30", "2026-08-20", "2026-09-10", "2026-09-28", "2026-10-05", "2026-10-30", "2026-11-02")


@pytest.fixture(scope="module")
def months_office(tmp_path_factory):
    """Four months of floor days, every day sealed (a month index for each closed month)."""
    office = Office(tmp_path_factory.mktemp("pool") / "o")
    office.ok("staff", "add", "m", "--name", "周杰", "--role", "manager", at="2026-07-30 07:00")
    for sid in ("a", "b", "c"):
        office.ok("staff", "add", sid, "--name", f"销售{sid}", at="2026-07-30 07:00")
    for n, day in enumerate(DAYS):
        office.ok("check-in", "a", "b", "c", at=f"{day} 08:30")
        for i in range(3):
            office.ok("register", "--name", "客户", "--phone", f"139{n:04d}{i:04d}", at=f"{day} 09:{i + 10}")
        office.ok("rollover", at=f"{day[:8]}{int(day[8:]) + 1:02d} 00:30")
    assert len(list((office.path / "ledger").iterdir())) == 5
    return office


def copy_of(office, tmp_path):
    import shutil

    target = tmp_path / "copy"
    shutil.copytree(office.path, target)
    return target


def check(path, workers):
    env = dict(os.environ, ROTACTL_WORKERS=str(workers))
    out = []
    for fmt in ("json", "table"):
        run = subprocess.run([sys.executable, "-m", "rotactl", "-C", str(path), "--as", "m", "--format", fmt,
                              "--at", "2026-11-02 16:00", "check", "--full"], env=env, capture_output=True, text=True)
        assert "Traceback" not in run.stderr, run.stderr
        out.append((run.returncode, run.stdout, run.stderr))
    return out


def test_a_sound_office_gives_the_same_answer_in_two_processes_as_in_one(months_office):
    one, two = check(months_office.path, 1), check(months_office.path, 2)
    assert one == two
    assert one[0][0] == 0 and json.loads(one[0][1])["problems"] == []
    assert json.loads(one[0][1])["entries"] > 40


def test_an_edited_line_of_a_late_sealed_month_is_found_in_two_processes(months_office, tmp_path):
    path = copy_of(months_office, tmp_path)
    day = path / "ledger" / "2026-10" / "30.csv"
    day.write_text(day.read_text(encoding="utf-8").replace(',客户,', ',客人,', 1), encoding="utf-8")
    one, two = check(path, 1), check(path, 2)
    assert one == two
    code, stdout, _ = two[0]
    problems = json.loads(stdout)["problems"]
    assert code == 3 and len(problems) == 1
    assert problems[0].startswith("ledger/2026-10/30.csv:") and "does not match its hash" in problems[0]
    assert two[1][0] == 3 and problems[0] in two[1][2]


def test_a_changed_carried_state_of_a_late_sealed_day_is_found_in_two_processes(months_office, tmp_path):
    path = copy_of(months_office, tmp_path)
    checkpoint, = (path / "checkpoints" / "2026-10").glob("30.*.toml")
    text = checkpoint.read_text(encoding="utf-8")
    assert 'name = "销售b"' in text
    checkpoint.write_text(text.replace('name = "销售b"', 'name = "销售x"'), encoding="utf-8")
    one, two = check(path, 1), check(path, 2)
    assert one == two
    code, stdout, _ = two[0]
    problems = json.loads(stdout)["problems"]
    rel = checkpoint.relative_to(path).as_posix()
    assert code == 3 and problems == [f"{rel}:1: checkpoint does not match its name (edited after it was written?)",
                                      f"{rel}:1: carried state differs from a replay of the ledger"]


def test_an_entry_copied_into_a_later_month_is_found_as_in_one_process(months_office, tmp_path):
    path = copy_of(months_office, tmp_path)
    early = (path / "ledger" / "2026-08" / "20.csv").read_text(encoding="utf-8").splitlines()[1]
    late = path / "ledger" / "2026-10" / "05.csv"
    late.write_text(late.read_text(encoding="utf-8") + early + "\n", encoding="utf-8")
    one, two = check(path, 1), check(path, 2)
    assert one == two
    problems = json.loads(two[0][1])["problems"]
    assert two[0][0] == 3 and any("also in an earlier month" in p for p in problems)


def log(path, workers, fmt):
    env = dict(os.environ, ROTACTL_WORKERS=str(workers))
    run = subprocess.run([sys.executable, "-m", "rotactl", "-C", str(path), "--as", "m", "--format", fmt,
                          "--at", "2026-11-02 16:00", "log", "--since", DAYS[0]], env=env, capture_output=True,
                         text=True)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, run.stdout, run.stderr


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
def test_log_of_every_day_is_the_same_in_two_processes(months_office, fmt):
    one, two = log(months_office.path, 1, fmt), log(months_office.path, 2, fmt)
    assert one == two and one[0] == 0
    if fmt == "json":
        rows = json.loads(one[1])
        assert len(rows) > 40 and [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    else:
        assert one[1].count("\n") > 40


def test_log_stops_at_an_edited_late_day_as_in_one_process(months_office, tmp_path):
    path = copy_of(months_office, tmp_path)
    day = path / "ledger" / "2026-10" / "30.csv"
    day.write_text(day.read_text(encoding="utf-8").replace(',客户,', ',客人,', 1), encoding="utf-8")
    for fmt in ("json", "table"):
        one, two = log(path, 1, fmt), log(path, 2, fmt)
        assert one == two and one[0] == 3
        assert "ledger/2026-10/30.csv:" in one[2] and "does not match its hash" in one[2]
