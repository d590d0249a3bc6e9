"""Tampering and crashes: `check` exits 3 naming FILE:LINE; writes refuse on a torn tail."""
import os
import subprocess
import sys


def _day(office):
    office.staff("a", "b", "c")
    office.ok("check-in", "a", "b", "c", at="2026-11-02 08:55")
    for i, t in enumerate(["09:10", "09:20", "09:30"]):
        office.ok("register", "--name", f"客户{i}", "--phone", f"1390000000{i + 1}", at=f"2026-11-02 {t}")
    return office.path / "ledger" / "2026-11" / "02.csv"


def _replace_in_line(path, needle, replacement):
    """Hand-edit the first line containing `needle`; returns its 1-based line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if needle in line)
    lines[index] = lines[index].replace(needle, replacement)
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def _check(office):
    result = office.run("check", fmt="table")
    return result.exit_code, result.stderr


def test_clean_ledger_passes(office):
    _day(office)
    assert office.ok("check")["ok"] is True


def test_editing_a_digit_is_found(office):
    path = _day(office)
    line = _replace_in_line(path, ',客户0,', ',客户9,')
    code, err = _check(office)
    assert code == 3
    assert f"ledger/2026-11/02.csv:{line}:" in err


def test_deleting_a_line_is_found(office):
    path = _day(office)
    lines = path.read_text(encoding="utf-8").split("\n")
    del lines[3]
    path.write_text("\n".join(lines), encoding="utf-8")
    code, err = _check(office)
    assert code == 3 and "ledger/2026-11/02.csv:4:" in err


def test_swapping_two_lines_is_found(office):
    path = _day(office)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[4], lines[5] = lines[5], lines[4]
    path.write_text("\n".join(lines), encoding="utf-8")
    code, err = _check(office)
    assert code == 3 and "ledger/2026-11/02.csv:5:" in err


def test_torn_last_line_is_found_and_blocks_writes(office):
    path = _day(office)
    data = path.read_bytes()
    before = office.ledger_bytes()
    with open(path, "ab") as handle:
        handle.write(data.split(b"\n")[-2][:25])  # half a line, as a crash mid-write would leave
    count = len(path.read_bytes().split(b"\n"))
    code, err = _check(office)
    assert code == 3 and f"ledger/2026-11/02.csv:{count}: torn last line" in err
    result = office.run("register", "--name", "王五", "--phone", "13900000009", at="2026-11-02 10:00")
    assert result.exit_code == 3
    assert office.ledger_bytes() != before  # the torn bytes stay: never silently repaired
    assert path.read_bytes().endswith(data.split(b"\n")[-2][:25])


def test_changing_a_sealed_day_is_found(office):
    path = _day(office)
    office.ok("rollover", at="2026-11-03 00:05")
    assert office.ok("check")["ok"] is True
    with open(path, "a", encoding="utf-8") as handle:  # a well-formed line appended later by hand
        handle.write(path.read_text(encoding="utf-8").split("\n")[1] + "\n")
    code, err = _check(office)
    assert code == 3 and "ledger/2026-11/02.csv:" in err


def test_reading_commands_refuse_a_corrupt_day(office):
    path = _day(office)
    line = _replace_in_line(path, ",check-in,", ",check-out,")
    result = office.run("next", at="2026-11-02 11:00")
    assert result.exit_code == 3 and f"02.csv:{line}:" in result.stderr


def test_a_killed_writer_never_leaves_a_silent_repair(office, tmp_path):
    """Kill real writer processes at random moments: the ledger is whole, or check says where it is not."""
    _day(office)
    office.ok("check-in", "m", at="2026-11-02 10:00")
    env = {**os.environ, "ROTACTL_DIR": str(office.path)}
    for i in range(6):
        proc = subprocess.Popen([sys.executable, "-m", "rotactl", "--at", "2026-11-02 11:00", "--as", "m",
                                 "follow-up", "13900000001", "--by", "a", "--note", f"第{i}次"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=0.05 * (i + 1))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    result = subprocess.run([sys.executable, "-m", "rotactl", "check"], env=env, capture_output=True, text=True)
    assert result.returncode in (0, 3)
    if result.returncode == 3:
        assert "torn last line" in result.stderr
    else:
        assert "ok:" in result.stdout


def test_every_kind_of_file_problem_has_a_named_check():
    import re
    from pathlib import Path

    from rotactl.store import checks, scan

    produced = set(re.findall(r'scan\.found\("(\w+)"', Path(scan.__file__).read_text()))
    covered = {kind for c in checks.LINE_CHECKS for kind in getattr(c, "kinds", ())}
    assert produced and produced <= covered, produced - covered
    assert all(c.__name__.startswith("check_") and c.__doc__
               for c in checks.OFFICE_CHECKS + checks.LINE_CHECKS + checks.SEAL_CHECKS)
