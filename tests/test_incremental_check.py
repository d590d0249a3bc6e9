"""The daily `check` reads only what is new since the last clean one; `--full` reads everything."""
import json
import os
import shutil

from conftest import Office


def three_days(tmp_path):
    office = Office(tmp_path / "o")
    office.ok("staff", "add", "m", "--name", "周杰", "--role", "manager", at="2026-11-02 07:00")
    for sid in ("a", "b"):
        office.ok("staff", "add", sid, "--name", f"销售{sid}", at="2026-11-02 07:00")
    for day, phone in (("2026-11-02", "13900000001"), ("2026-11-03", "13900000002")):
        office.ok("check-in", "a", "b", at=f"{day} 08:30")
        office.ok("register", "--name", "客户", "--phone", phone, at=f"{day} 09:00")
    office.ok("rollover", at="2026-11-04 00:30")
    office.ok("check-in", "a", "b", at="2026-11-04 08:30")
    return office


def check(office, *args, at="2026-11-04 12:00"):
    result = office.run("check", *args, at=at)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None, result.output


def test_the_second_check_reads_only_the_days_after_the_last_one_it_verified(tmp_path):
    office = three_days(tmp_path)
    code, first, _ = check(office)
    assert code == 0 and first["since"] is None and first["entries"] == 11
    assert json.loads((office.path / ".rotactl" / "checked.json").read_text())["through"] == "2026-11-03"
    code, second, _ = check(office)
    assert code == 0 and second["since"] == "2026-11-03" and second["entries"] == 2
    code, full, _ = check(office, "--full")
    assert code == 0 and full["since"] is None and full["entries"] == 11
    table = office.run("check", at="2026-11-04 12:00", fmt="table").output
    assert table.startswith("ok: 2 new entries after 2026-11-03") and "check --full" in table


def test_a_new_day_is_verified_in_full(tmp_path):
    office = three_days(tmp_path)
    check(office)
    office.ok("register", "--name", "客户三", "--phone", "13900000003", at="2026-11-04 09:00")
    day = office.path / "ledger" / "2026-11" / "04.csv"
    day.write_text(day.read_text(encoding="utf-8").replace(',客户三,', ',客户四,'), encoding="utf-8")
    code, view, _ = check(office)
    assert code == 3 and any(p.startswith("ledger/2026-11/04.csv:") for p in view["problems"])


def test_a_verified_file_that_changed_makes_it_a_full_check(tmp_path):
    office = three_days(tmp_path)
    check(office)
    day = office.path / "ledger" / "2026-11" / "02.csv"
    day.write_text(day.read_text(encoding="utf-8").replace(',客户,', ',客人,', 1), encoding="utf-8")
    code, view, _ = check(office)
    assert code == 3 and view["since"] is None
    assert any(p.startswith("ledger/2026-11/02.csv:") for p in view["problems"])


def test_a_line_merged_into_a_verified_day_is_still_found(tmp_path):
    office = three_days(tmp_path)
    check(office)
    day = office.path / "ledger" / "2026-11" / "03.csv"
    with day.open("a", encoding="utf-8") as handle:
        handle.write(day.read_text(encoding="utf-8").splitlines()[1] + "\n")
    code, view, _ = check(office)
    assert code == 3 and any("ledger/2026-11/03.csv:" in p for p in view["problems"])


def test_what_the_daily_check_cannot_see_and_check_full_does(tmp_path):
    """Documented limit (docs/ledger-format.md): a verified file rewritten to the same size with its
    modification time set back by hand passes the daily check; `check --full` finds it."""
    office = three_days(tmp_path)
    check(office)
    day = office.path / "ledger" / "2026-11" / "02.csv"
    st = day.stat()
    day.write_text(day.read_text(encoding="utf-8").replace(',客户,', ',客人,', 1), encoding="utf-8")
    assert day.stat().st_size == st.st_size
    os.utime(day, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert check(office)[0] == 0
    code, view, _ = check(office, "--full")
    assert code == 3 and any(p.startswith("ledger/2026-11/02.csv:") for p in view["problems"])


def test_without_the_cache_the_check_is_full_and_a_failed_check_records_nothing(tmp_path):
    office = three_days(tmp_path)
    check(office)
    shutil.rmtree(office.path / ".rotactl")
    assert check(office)[1]["since"] is None
    (office.path / ".rotactl" / "checked.json").unlink()
    day = office.path / "ledger" / "2026-11" / "04.csv"
    day.write_bytes(day.read_bytes()[:-5])                    # a torn tail
    assert check(office)[0] == 3
    assert not (office.path / ".rotactl" / "checked.json").exists()


def test_log_streams_many_days_in_order(tmp_path):
    office = three_days(tmp_path)
    entries = office.ok("log", "--since", "2026-11-01", at="2026-11-04 12:00")
    assert [(e["at"], e["id"]) for e in entries] == sorted((e["at"], e["id"]) for e in entries)
    assert {e["at"][:10] for e in entries} == {"2026-11-02", "2026-11-03", "2026-11-04"}
    csv = office.ok("log", "--since", "2026-11-01", at="2026-11-04 12:00", fmt="csv")
    assert csv.splitlines()[0].startswith("id,at,kind,actor,") and len(csv.splitlines()) == len(entries) + 1
    table = office.ok("log", "--since", "2026-11-01", at="2026-11-04 12:00", fmt="table")
    assert table.count("-----------  ") == 3                   # one block a day
    assert office.ok("log", "--kind", "deal", at="2026-11-04 12:00") == []


def test_the_daily_check_still_verifies_signatures_with_the_keys_registered_before(tmp_path):
    from test_trust import keygen, ok, rot, set_office_key

    key = keygen(tmp_path / "mk")
    other = keygen(tmp_path / "other")
    path = tmp_path / "o"
    assert rot(path.parent, "init", str(path), "--manager", "m", "--name", "周杰", "--ssh-key",
               str(tmp_path / "mk.pub"), "--no-git", at="2026-11-02 07:00").code == 0
    set_office_key(path, "signed_manager_entries", "true")
    signed = {"ROTACTL_SIGNING_KEY": str(key)}
    ok(path, "staff", "add", "a", "--name", "销售a", at="2026-11-02 07:01", env=signed)
    ok(path, "rollover", at="2026-11-03 00:30", env=signed)
    assert ok(path, "check", at="2026-11-03 08:00")["since"] is None
    ok(path, "staff", "add", "b", "--name", "销售b", at="2026-11-03 08:10", env=signed)
    daily = ok(path, "check", at="2026-11-03 09:00")
    assert daily["since"] == "2026-11-02" and daily["ok"] is True
    ok(path, "staff", "suspend", "a", "--days", "1", at="2026-11-03 09:10", env={"ROTACTL_SIGNING_KEY": str(other)})
    result = rot(path, "check", at="2026-11-03 10:00")
    assert result.code == 3 and "does not verify" in result.out + result.err


def test_the_daily_check_of_a_git_office_compares_the_new_days_with_the_commit(tmp_path):
    from test_trust import check as check_git
    from test_trust import init, ok, register

    path = init(tmp_path / "o", git=True)
    for sid in ("a", "b"):
        ok(path, "staff", "add", sid, "--name", f"销售{sid}", at="2026-11-02 07:00")
    ok(path, "check-in", "a", "b", at="2026-11-02 08:00", actor="desk")
    register(path, "客一", "13900000001", "2026-11-02 09:00")
    ok(path, "rollover", at="2026-11-03 00:30")
    assert ok(path, "check", at="2026-11-03 00:40")["since"] is None
    ok(path, "check-in", "a", "b", at="2026-11-03 08:00", actor="desk")
    register(path, "客二", "13900000002", "2026-11-03 09:00")
    day = path / "ledger" / "2026-11" / "03.csv"
    lines = day.read_text(encoding="utf-8").splitlines(keepends=True)
    day.write_text("".join(lines[:-1]), encoding="utf-8")        # a committed line dropped from the working copy
    result = check_git(path, at="2026-11-03 10:00")
    assert result.code == 3 and "ledger/2026-11/03.csv:" in result.err + result.out
    assert "drops or changes committed line" in result.err + result.out
