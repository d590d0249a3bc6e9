"""Attribution and disputes through the command line: report-ins, claims, splits, rulings."""
import pytest

P1, P2, P3 = "13900000001", "13900000002", "13900000003"


def collision(office, deal_at="2026-11-04 15:00", link_at="2026-11-04 16:00"):
    """Scenario 10's facts: a's customer; the wife registered by b; b's deposit; the link."""
    office.staff("a", "b", "c")
    office.ok("check-in", "a", "b", "c", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:10")
    office.ok("done", "a", at="2026-11-02 09:50")
    office.ok("check-in", "a", "b", "c", at="2026-11-03 08:55")
    office.ok("register", "--name", "李梅", "--phone", P2, at="2026-11-03 10:00")
    office.ok("deal", P2, "--by", "b", "--stage", "deposit", "--amount", "1000000", at=deal_at)
    office.ok("link", P2, "--to", P1, "--relation", "spouse", at=link_at)
    [found] = office.ok("disputes", at=link_at)
    return found


def test_ruling_by_a_non_manager_or_twice_is_refused_and_writes_nothing(office):
    found = collision(office)
    assert (found["proposal"], found["rule"], found["status"]) == ({"a": 50, "b": 50}, "SPL-STAGE", "open")
    before = office.ledger_bytes()
    refused = office.run("resolve-dispute", found["id"], "--award", "b=100", "--reason", "自己认定",
                         actor="b", at="2026-11-05 10:00")
    assert refused.exit_code == 1 and "manager" in refused.stderr
    assert office.ledger_bytes() == before
    ruled = office.ok("resolve-dispute", found["id"], "--award", "a=60", "--award", "b=40", "--reason", "首接在先",
                      at="2026-11-05 10:00")
    assert ruled["final"] is True and ruled["award"] == {"a": 60, "b": 40}
    after_ruling = office.ledger_bytes()
    again = office.run("resolve-dispute", found["id"], "--house", "--reason", "改判", at="2026-11-05 11:00")
    assert again.exit_code == 1 and "already ruled" in again.stderr
    assert office.ledger_bytes() == after_ruling
    assert office.ok("disputes", at="2026-11-05 12:00") == []
    [shown] = office.ok("disputes", "--all", at="2026-11-05 12:00")
    assert shown["status"] == "ruled" and shown["award"] == {"a": 60, "b": 40}


@pytest.mark.parametrize("args, code, message", [
    (["--award", "a=60", "--award", "b=30"], 2, "sum to 90"),
    (["--award", "a=100", "--house"], 2, "either"),
    (["--award", "a:100"], 2, "PARTY=PCT"),
    (["--award", "zz=100"], 1, "not a party"),
])
def test_bad_awards_are_refused_and_write_nothing(office, args, code, message):
    found = collision(office)
    before = office.ledger_bytes()
    result = office.run("resolve-dispute", found["id"], *args, "--reason", "x", at="2026-11-05 10:00")
    assert result.exit_code == code and message in result.stderr, result.stderr
    assert office.ledger_bytes() == before


def test_unknown_dispute_is_refused(office):
    collision(office)
    result = office.run("resolve-dispute", "D-nonexistent", "--house", "--reason", "x", at="2026-11-05 10:00")
    assert result.exit_code == 1 and "no dispute D-nonexistent" in result.stderr


def test_the_ruling_overrides_the_proposal_in_the_month_report(office):
    found = collision(office)
    rows = {r["staff"]: r for r in office.ok("report", "month", at="2026-11-05 09:00")}
    assert (rows["a"]["credited"], rows["a"]["amount"], rows["a"]["open"]) == (0.5, 500000.0, 1)
    office.ok("resolve-dispute", found["id"], "--award", "a=60", "--award", "b=40", "--reason", "x",
              at="2026-11-05 10:00")
    rows = {r["staff"]: r for r in office.ok("report", "month", at="2026-11-05 11:00")}
    assert (rows["a"]["credited"], rows["a"]["amount"], rows["a"]["open"]) == (0.6, 600000.0, 0)
    assert (rows["b"]["credited"], rows["b"]["amount"]) == (0.4, 400000.0)
    assert rows["b"]["shares"][0]["rule"] == "DSP-FINAL"


def test_a_link_after_the_claim_window_is_late_and_proposes_the_closer(office):
    found = collision(office, deal_at="2026-11-04 15:00", link_at="2026-11-09 10:00")
    assert (found["status"], found["rule"], found["proposal"]) == ("late", "DSP-WINDOW", {"b": 100})


def test_house_after_the_stage_presets_days(make_office):
    office = make_office("stage")
    found = collision(office)
    assert found["rule"] == "SPL-STAGE" and found["deadline"] == "2026-11-11"
    [later] = office.ok("disputes", at="2026-11-12 09:00")
    assert (later["proposal"], later["rule"], later["id"]) == ({"house": 100}, "SPL-HOUSE", found["id"])


def test_knowingly_closing_a_colleagues_customer_is_fined(make_office):
    office = make_office("developer")
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:00")
    deal = office.ok("deal", P1, "--by", "b", "--stage", "deposit", at="2026-11-03 10:00")
    assert (deal["rule"], deal["split"]) == ("SPL-KNOWING", {"a": 100})
    [found] = office.ok("disputes", at="2026-11-03 11:00")
    assert found["rule"] == "SPL-KNOWING"
    rows = {r["staff"]: r for r in office.ok("report", "day", "--date", "2026-11-03", at="2026-11-03 18:00")}
    assert rows["b"]["fines"] == 1000 and rows["a"]["credited"] == 1.0


def test_helper_then_owner_closes_in_the_developer_preset(make_office):
    office = make_office("developer")
    office.staff("a", "b", "c")
    office.ok("check-in", "a", "b", "c", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:00")
    office.ok("done", "a", at="2026-11-02 09:30")
    office.ok("check-in", "b", "c", at="2026-11-03 08:55")
    helped = office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-03 09:00")
    assert helped["rule"] == "ROT-LAST" and helped["owner"] == "a"
    office.ok("check-in", "a", at="2026-11-04 08:55")
    deal = office.ok("deal", P1, "--by", "a", "--stage", "deposit", at="2026-11-04 10:00")
    assert deal["rule"] == "SPL-HELPED-OWNER-CLOSED"
    assert deal["split"] == {helped["receiver"]: 30, "a": 70}
    assert office.ok("disputes", at="2026-11-04 11:00") == []


def test_a_refund_reopens_the_customer(office):
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:00")
    office.ok("deal", P1, "--by", "a", "--stage", "deposit", at="2026-11-02 10:00")
    assert office.ok("who", P1, at="2026-11-02 11:00")["owner"] == "a"
    office.ok("deal", P1, "--by", "a", "--stage", "refund", at="2026-11-02 12:00")
    after = office.ok("who", P1, at="2026-11-02 13:00")
    assert after["owner"] is None and after["signed"] is False


def test_masked_report_matches_by_visible_digits_and_name(make_office):
    office = make_office("channel")
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:55")
    office.ok("report-in", "--agency", "链家", "--agent", "王经纪", "--name", "张三", "--phone", "1390**00001",
              "--expect", "2026-11-02 14:00", at="2026-11-02 09:00")
    office.ok("report-in", "--agency", "我爱我家", "--agent", "李经纪", "--name", "王五", "--phone", "139****0003",
              "--expect", "2026-11-02 14:00", at="2026-11-02 09:00")
    first = office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 14:00")
    assert first["channel"] == "链家"
    office.ok("done", first["receiver"], at="2026-11-02 14:10")
    other = office.ok("register", "--name", "王小五", "--phone", P3, at="2026-11-02 14:20")
    assert other["channel"] is None          # same visible digits, another name: not the reported one
    who = office.ok("who", P1, at="2026-11-02 15:00")
    assert who["channel"] == "链家" and who["claims"][-1]["party"] == "链家"


@pytest.mark.parametrize("phone", ["139***0001", "13*00001", "12345"])
def test_report_in_refuses_malformed_masks(make_office, phone):
    office = make_office("channel")
    result = office.run("report-in", "--agency", "链家", "--agent", "王", "--name", "张三", "--phone", phone,
                        "--expect", "2026-11-02 14:00")
    assert result.exit_code in (1, 2) and result.stderr.startswith("error:")
    assert office.ledger_bytes() == {}


def test_inhouse_customer_is_protected_against_agencies(make_office):
    office = make_office("channel")
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:00")
    office.ok("done", "a", at="2026-11-02 09:30")
    office.ok("report-in", "--agency", "链家", "--agent", "王", "--name", "张三", "--phone", P1,
              "--expect", "2026-11-04 10:00", at="2026-11-03 09:00")
    office.ok("check-in", "a", "b", at="2026-11-04 08:55")
    assert office.ok("register", "--name", "张三", "--phone", P1, "--agency", "链家",
                     at="2026-11-04 10:00")["channel"] is None          # ATT-INHOUSE: within 7 days
    office.ok("report-in", "--agency", "链家", "--agent", "王", "--name", "张三", "--phone", P1,
              "--expect", "2026-11-12 10:00", at="2026-11-11 09:00")
    office.ok("check-in", "a", "b", at="2026-11-12 08:55")
    assert office.ok("register", "--name", "张三", "--phone", P1, "--agency", "链家",
                     at="2026-11-12 10:00")["channel"] == "链家"       # after it, the agency that brings them


def test_claims_are_disputes_and_late_ones_propose_the_closer(office):
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:00")
    office.ok("deal", P1, "--by", "a", "--stage", "deposit", at="2026-11-02 10:00")
    timely = office.ok("claim", P1, "--by", "b", "--note", "我先接的电话", at="2026-11-03 10:00")
    assert (timely["status"], timely["rule"], timely["proposal"]) == ("open", "SPL-OWNER", {"a": 100})
    late = office.ok("claim", P1, "--by", "b", at="2026-11-09 10:00")
    assert (late["status"], late["rule"], late["proposal"]) == ("late", "DSP-WINDOW", {"a": 100})
    assert {d["id"] for d in office.ok("disputes", at="2026-11-09 11:00")} == {timely["id"], late["id"]}
    unknown = office.run("claim", P1, "--by", "nobody", at="2026-11-09 12:00")
    assert unknown.exit_code == 1


def test_complaint_reassignment_moves_the_customer(office):
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:00")
    refused = office.run("reassign", P1, "--to", "b", "--reason", "投诉", actor="a", at="2026-11-02 10:00")
    assert refused.exit_code == 1
    moved = office.ok("reassign", P1, "--to", "b", "--reason", "客户投诉要求更换", at="2026-11-02 10:00")
    assert (moved["owner"], moved["rule"]) == ("b", "ATT-COMPLAINT")


def test_agency_and_claim_disputes_are_found_by_id_and_ruled(make_office):
    """resolve-dispute finds a dispute by its id whatever raised it: a deal, a claim, or (agencies)
    the arrival that confirmed two reports."""
    office = make_office("channel")
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:55")
    for agency in ("链家", "我爱我家"):
        office.ok("report-in", "--agency", agency, "--agent", "经纪", "--name", "张三", "--phone", P1,
                  "--expect", "2026-11-02 14:00", at="2026-11-02 09:00")
    office.ok("register", "--name", "张三", "--phone", P1, "--agency", "链家", at="2026-11-02 14:00")
    claim = office.ok("claim", P1, "--by", "b", "--note", "我先接的电话", at="2026-11-02 15:00")
    found = {d["kind"]: d for d in office.ok("disputes", at="2026-11-02 15:10")}
    assert set(found) == {"agency", "claim"} and found["claim"]["id"] == claim["id"]
    agency_id = found["agency"]["id"]
    ruled = office.ok("resolve-dispute", agency_id, "--award", "链家=70", "--award", "我爱我家=30",
                      "--reason", "带看在先", at="2026-11-02 16:00")
    assert (ruled["dispute"], ruled["award"]) == (agency_id, {"链家": 70, "我爱我家": 30})
    office.ok("resolve-dispute", claim["id"], "--award", "a=100", "--reason", "首接在先", at="2026-11-02 16:05")
    after = {d["id"]: d for d in office.ok("disputes", "--all", at="2026-11-02 16:10")}
    assert after[agency_id]["status"] == after[claim["id"]]["status"] == "ruled"
    assert after[agency_id]["award"] == {"链家": 70, "我爱我家": 30}
    again = office.run("resolve-dispute", agency_id, "--house", "--reason", "改判", at="2026-11-02 16:20")
    assert again.exit_code == 1 and "already ruled" in again.stderr


def test_disputes_are_the_same_whatever_the_batch_of_groups(office, monkeypatch):
    """`analyses` fetches the groups' facts a batch of seeds at a time (memory at five years) and the
    index lets go of its decoded entries between batches: a batch of one gives the same disputes,
    a family whose members fall in different batches included."""
    from rotactl.app import customers as office_mod

    collision(office)
    office.ok("check-in", "a", "b", "c", at="2026-11-04 08:55")
    office.ok("register", "--name", "王五", "--phone", P3, at="2026-11-04 10:00")
    office.ok("claim", P3, "--by", "a", "--note", "老客户", at="2026-11-04 11:00")
    office.ok("deal", P1, "--by", "a", "--stage", "deposit", "--amount", "900000", at="2026-11-04 17:00")
    whole = office.ok("disputes", "--all", at="2026-11-04 18:00")
    assert sorted((d["kind"], d["customer"]) for d in whole) == [("claim", "139****0003"), ("staff", "139****0002")]
    monkeypatch.setattr(office_mod, "ANALYSIS_BATCH", 1)
    assert office.ok("disputes", "--all", at="2026-11-04 18:00") == whole
