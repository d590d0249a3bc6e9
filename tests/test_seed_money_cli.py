"""Issue 9 (SPEC §5.9): commission, fines, renewals and family agencies through the real CLI."""
from decimal import Decimal

from tests.conftest import Office, edit_policy, open_floor


def floor(tmp_path, preset="default", *ids) -> Office:
    return open_floor(tmp_path, preset, *(ids or ("a", "b")))


def test_spl_owner_commission_in_report_month_and_the_payroll_sheet(tmp_path):
    office = floor(tmp_path, "developer")
    edit_policy(office, "rate_permille = 0", 'rate_permille = "2.5"')    # the preset: deposit 0, contract 90, handover 10
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    office.ok("deal", "13900000001", "--by", "a", "--stage", "deposit", "--amount", "50000", at="2026-11-02 10:00")
    office.ok("deal", "13900000001", "--by", "a", "--stage", "contract", "--amount", "300000",
              at="2026-11-02 11:00")
    office.ok("deal", "13900000001", "--by", "a", "--stage", "handover", "--amount", "1000000",
              at="2026-11-20 10:00")
    rows = {r["staff"]: r for r in office.ok("report", "month", "--date", "2026-11-02", at="2026-11-30 18:00")}
    assert (Decimal(str(rows["a"]["commission_base"])), Decimal(str(rows["a"]["commission"]))) == (
        Decimal("370000"), Decimal("925"))
    assert rows["a"]["deals"] == 2                       # a handover is not another sale
    table = office.ok("report", "month", "--date", "2026-11-02", "--lang", "zh", at="2026-11-30 18:00", fmt="table")
    assert "提佣基数" in table and "佣金" in table and "370,000" in table and "925" in table


def test_dsp_final_ruling_fine_and_a_managers_fine_show_in_the_report(tmp_path):
    office = floor(tmp_path)
    edit_policy(office, "ruling_fine_yuan = 0", "ruling_fine_yuan = 100")
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    office.ok("deal", "13900000001", "--by", "b", "--stage", "deposit", "--amount", "50000", at="2026-11-02 11:00")
    dispute = office.ok("disputes", at="2026-11-02 12:00")[0]["id"]
    ruled = office.ok("resolve-dispute", dispute, "--award", "a=100", "--reason", "a 首接", at="2026-11-02 12:00")
    assert ruled["fines"] == {"b": 100}
    refused = office.run("staff", "fine", "a", "--yuan", "500", "--reason", "争吵抢客", at="2026-11-02 13:00",
                         actor="b")
    assert refused.exit_code == 1 and "only a manager" in refused.stderr
    office.ok("staff", "fine", "a", "--yuan", "500", "--reason", "在客户面前争吵抢客", at="2026-11-02 13:00")
    rows = {r["staff"]: r for r in office.ok("report", "day", "--date", "2026-11-02", at="2026-11-02 18:00")}
    assert (Decimal(str(rows["a"]["fines"])), Decimal(str(rows["b"]["fines"]))) == (Decimal(500), Decimal(100))


def test_att_report_renewal_keeps_the_first_reports_priority(tmp_path):
    office = floor(tmp_path, "channel")
    for agency, day in (("X", "02"), ("Y", "04"), ("X", "06")):
        office.ok("report-in", "--agency", agency, "--agent", "经纪人", "--name", "张三", "--phone", "13900000001",
                  "--expect", f"2026-11-{day} 15:00", at=f"2026-11-{day} 09:00")
    office.ok("check-in", "a", "b", at="2026-11-10 08:30")        # X's first report lapsed after 11-09
    arrival = office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-10 10:00")
    assert arrival["channel"] == "X"


def test_spl_agency_family_members_brought_by_two_agencies_the_same_day(tmp_path):
    office = floor(tmp_path, "channel")
    office.ok("report-in", "--agency", "X", "--agent", "甲", "--name", "张先生", "--phone", "13900000001",
              "--expect", "2026-11-02 09:00", at="2026-11-02 08:00")
    office.ok("report-in", "--agency", "Y", "--agent", "乙", "--name", "李女士", "--phone", "13900000002",
              "--expect", "2026-11-02 10:00", at="2026-11-02 08:10")
    office.ok("register", "--name", "张先生", "--phone", "13900000001", "--agency", "X", at="2026-11-02 09:00")
    office.ok("register", "--name", "李女士", "--phone", "13900000002", "--agency", "Y", "--family-of",
              "13900000001", "--relation", "spouse", at="2026-11-02 10:00")
    office.ok("deal", "13900000002", "--by", "a", "--stage", "deposit", "--amount", "50000", at="2026-11-02 15:00")
    found = [d for d in office.ok("disputes", at="2026-11-02 16:00") if d["kind"] == "agency"]
    assert [(d["proposal"], d["rule"], d["customer"]) for d in found] == [
        ({"X": 50, "Y": 50}, "SPL-AGENCY", "139****0002")]
