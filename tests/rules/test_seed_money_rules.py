"""Issue 9 (SPEC §5.9): agencies, disputes and money found missing against the seeds, on the pure core."""
from rotactl.core import rules
from tests.rules.kit import Floor, phone


def only(f, when=None, kind=None):
    found = [d for d in f.disputes(when) if kind is None or d["kind"] == kind]
    assert len(found) == 1, found
    return found[0]


def channel_floor(**knobs):
    f = Floor("channel", **knobs)
    f.staff("a", "b")
    f.check_in("a", "b")
    return f


# -- ATT-REPORT, renewal (003 报备细则 2: 7 天有效…至少5天有一次跟进…需再次报备) ---------------------------------

def renewal_floor(renew: int):
    f = channel_floor(channel__report_renew_days=renew, channel__report_valid_days=7)
    f.report_in("X", "张三", "2026-11-01 09:00", phone=phone(1))     # valid through 11-08
    f.report_in("Y", "张三", "2026-11-03 09:00", phone=phone(1))
    f.report_in("X", "张三", "2026-11-05 09:00", phone=phone(1))     # X renews within 5 days, while valid
    f.date = "2026-11-09"
    f.check_in("a", "b")
    f.register("10:00", name="张三", phone=phone(1))
    return f


def test_att_report_a_renewal_within_the_interval_keeps_the_first_reports_priority():
    f = renewal_floor(5)
    assert f.channel(phone(1)).agency == "X"
    d = only(f, kind="agency")
    assert (d["proposal"], d["claimants"][0]["party"], d["claimants"][0]["since"]) == (
        {"X": 100}, "X", "2026-11-01 09:00")


def test_att_report_without_renewal_the_earliest_report_still_valid_wins():
    f = renewal_floor(0)
    assert f.channel(phone(1)).agency == "Y"


def test_att_report_a_report_after_the_interval_is_a_new_report():
    f = channel_floor(channel__report_renew_days=5, channel__report_valid_days=7)
    f.report_in("X", "张三", "2026-11-01 09:00", phone=phone(1))
    f.report_in("Y", "张三", "2026-11-03 09:00", phone=phone(1))
    f.report_in("X", "张三", "2026-11-07 09:00", phone=phone(1))     # 6 days later: not a renewal
    f.date = "2026-11-09"
    f.check_in("a", "b")
    f.register("10:00", name="张三", phone=phone(1))
    assert f.channel(phone(1)).agency == "Y"


# -- families across agencies (003 金桥 备注) -------------------------------------------------------------

def family_floor(second_day: str):
    """X brings 张先生 on 11-02; Y brings his wife on `second_day`; the wife signs."""
    f = channel_floor()
    f.report_in("X", "张先生", "08:00", phone=phone(1))
    f.register("09:00", name="张先生", phone=phone(1), agency="X")
    if second_day != f.date:
        f.date = second_day
        f.check_in("a", "b")
    f.report_in("Y", "李女士", "09:30", phone=phone(2))
    f.register("10:30", name="李女士", phone=phone(2), agency="Y", family_of=phone(1), relation="spouse")
    f.deal(phone(2), "a", "deposit", "15:00")
    return f


def test_spl_agency_one_family_brought_by_two_agencies_the_same_day_is_50_50():
    d = only(family_floor("2026-11-02"), kind="agency")
    assert (d["rule"], d["proposal"], d["customer"]) == (rules.SPL_AGENCY, {"X": 50, "Y": 50}, phone(2))


def test_att_family_one_family_brought_on_different_days_goes_to_the_agency_first():
    d = only(family_floor("2026-11-04"), kind="agency")
    assert (d["rule"], d["proposal"], d["customer"]) == (rules.ATT_FAMILY, {"X": 100}, phone(2))


# -- DSP-DETECT: a dispute's customer is the phone of the deal it is about --------------------------------

def test_dsp_detect_a_claim_on_a_family_names_the_deals_phone():
    f = Floor()
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张先生", phone=phone(1))
    f.register("09:30", name="李女士", phone=phone(2), family_of=phone(1), relation="spouse")
    f.deal(phone(2), "a", "deposit", "11:00")
    f.claim(phone(1), "b", "12:00")
    d = only(f, kind="claim")
    assert d["customer"] == phone(2)


# -- commission (004 佣金制度: 定金不计提成; 首付款金额的90%+提佣金; 放款后…) -------------------------------------------

def test_spl_owner_commission_base_and_commission_per_stage():
    """developer: deposit 0, contract 90% of its amount (the down payment), handover the remaining 10%; the
    rate is per mille of the base; exact to the fen."""
    from decimal import Decimal

    from rotactl.core.entries import Deal
    from rotactl.core.reports import credited_deals, report_rows

    f = Floor("developer", commission__rate_permille="2.5", commission__deposit_percent=0,
              commission__contract_percent=90, commission__handover_percent=10)
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "deposit", "10:00", amount="50000")
    f.deal(phone(1), "a", "contract", "11:00", amount="333333.33")
    f.deal(phone(1), "a", "handover", "2026-12-20 10:00", amount="1000000")
    deals = [e for e in f.entries if isinstance(e, Deal)]
    shares = credited_deals(deals, f.credits("2026-12-20 23:00"), f.policy.commission)
    assert [(s["stage"], s["commission_base"], s["commission"]) for s in shares] == [
        ("deposit", Decimal("0.00"), Decimal("0.00")),
        ("contract", Decimal("300000.00"), Decimal("750.00")),
        ("handover", Decimal("100000.00"), Decimal("250.00"))]
    row = next(r for r in report_rows(f.day().carry.roster, [], shares) if r["staff"] == "a")
    assert (row["commission_base"], row["commission"], row["credited"], row["amount"]) == (
        Decimal("400000.00"), Decimal("1000.00"), 2, Decimal("383333.33"))


def test_spl_help_commission_follows_the_credited_share():
    """A split deal earns commission on each party's share of the amount."""
    from decimal import Decimal

    from rotactl.core.entries import Deal
    from rotactl.core.reports import credited_deals

    f = Floor("default", commission__rate_permille=3)
    f.staff("a", "b", "c")
    f.check_in("a", "b", "c")
    f.register("09:00", name="王五", phone=phone(1))                  # a owns 王五
    f.away("a", "personal", "10:00")
    assert f.register("10:05", name="王五", phone=phone(1)).decision.receiver == "c"   # c helps
    f.deal(phone(1), "c", "contract", "11:00", amount="200000")      # same day: SPL-HELP 50/50
    shares = credited_deals([e for e in f.entries if isinstance(e, Deal)], f.credits(), f.policy.commission)
    assert {(s["staff"], s["commission_base"], s["commission"]) for s in shares} == {
        ("a", Decimal("100000.00"), Decimal("300.00")), ("c", Decimal("100000.00"), Decimal("300.00"))}


# -- ATT-PROTECT for referred customers (004 案场与外场 四: 40天内成交的归第一接待人,40天内无成交的自动转给新接待人员) -------

def test_att_protect_a_referred_customer_is_protected_for_the_referral_days():
    f = Floor("default", protection__referral_days=40)
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="老客户", phone=phone(1))
    f.done("a", "09:30")
    new = f.register("10:00", name="新客户", phone=phone(2), referred_by=phone(1))
    assert (new.decision.receiver, new.owner, new.protected_until) == ("a", "a", "2026-12-12")
    assert f.who(phone(2), "2026-12-12 18:00").owner == "a"
    assert f.who(phone(2), "2026-12-13 09:00").owner is None


# -- DSP-FINAL with a fine for the party the ruling gives nothing (精品: 处罚非客户归属方100元) ---------------------

def test_dsp_final_a_ruling_fines_each_staff_claimant_it_awards_nothing():
    from rotactl.core.disputes import ruling_fines
    from rotactl.core.entries import Ruling

    f = Floor("default", disputes__ruling_fine_yuan=100)
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "b", "deposit", "11:00")
    d = only(f, kind="staff")
    roster = f.day().carry.roster
    to_a = Ruling(id="r1", at=f.at("12:00"), actor="m", dispute=d["id"], award={"a": 100})
    assert [(x.staff, x.fine, x.rule, x.ref) for x in ruling_fines(d, to_a, f.policy, roster)] == [
        ("b", 100, rules.DSP_FINAL, "r1")]
    split = Ruling(id="r2", at=f.at("12:00"), actor="m", dispute=d["id"], award={"a": 50, "b": 50})
    house = Ruling(id="r3", at=f.at("12:00"), actor="m", dispute=d["id"], house=True)
    assert ruling_fines(d, split, f.policy, roster) == [] and ruling_fines(d, house, f.policy, roster) == []
