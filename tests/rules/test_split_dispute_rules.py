"""SPEC §5.5 splits and §5.6 disputes, through the pure core only (kit + rotactl.core)."""
import pytest

from rotactl.core import disputes, rules
from rotactl.core.entries import Fine
from rotactl.core.errors import DomainError
from rotactl.core.splits import HOUSE
from tests.rules.kit import Floor, phone

# -- scenes -------------------------------------------------------------------------------------

def spouse_floor(preset="default", **knobs):
    """a owns 张三 (phone 1); b, unaware, receives his wife 李梅 (phone 2)."""
    f = Floor(preset, **knobs)
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    f.done("a", "09:30")
    assert f.register("10:00", name="李梅", phone=phone(2)).decision.receiver == "b"
    return f


def helped_floor(preset="default", **knobs):
    """a owns 张三; a is away when he comes back and the last in the rotation (c) helps."""
    f = Floor(preset, **knobs)
    f.staff("a", "b", "c")
    f.check_in("a", "b", "c")
    f.register("09:00", name="张三", phone=phone(1))
    f.done("a", "09:30")
    f.away("a", "personal", "10:00")
    helped = f.register("10:30", name="张三", phone=phone(1))
    assert (helped.decision.receiver, helped.decision.rule, helped.entry.claim) == ("c", rules.ROT_LAST, "a")
    return f


def agency_floor(**knobs):
    """channel: agencies X and Y both report 张三 in time; Y brings him on the arrival visit."""
    f = Floor("channel", **knobs)
    f.staff("a", "b")
    f.check_in("a", "b")
    f.report_in("X", "张三", "08:40", phone=phone(1))
    f.report_in("Y", "张三", "08:50", phone=phone(1))
    f.register("10:00", name="张三", phone=phone(1), agency="Y")
    return f


def only(f, when=None, kind=None):
    found = [d for d in f.disputes(when) if kind is None or d["kind"] == kind]
    assert len(found) == 1, found
    return found[0]


# -- SPL-OWNER ----------------------------------------------------------------------------------

def test_spl_owner_no_collision_gives_the_owner_100_and_no_dispute():
    """SPL-OWNER: the owner closes their own customer: 100% to them, nothing disputed."""
    f = Floor()
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    deal, credit, fine = f.deal(phone(1), "a", "deposit", "11:00")
    assert credit == {"split": {"a": 100}, "rule": rules.SPL_OWNER, "status": "", "dispute": None}
    assert fine is None and f.disputes() == []
    assert f.credits()[deal.id]["split"] == {"a": 100}


def test_spl_owner_unowned_customer_closed_by_anyone_is_theirs():
    """SPL-OWNER: a deal on a customer nobody registered (no protected owner) is not a collision."""
    f = Floor()
    f.staff("a", "b")
    deal, credit, _ = f.deal(phone(5), "b", "contract", "11:00")
    assert (credit["split"], credit["rule"], credit["dispute"]) == ({"b": 100}, rules.SPL_OWNER, None)
    assert f.disputes() == []


# -- SPL-STAGE ----------------------------------------------------------------------------------

def test_spl_stage_recognised_before_the_deposit_gives_the_original_100():
    """SPL-STAGE: recognised (spouse link) after b served her but before the deposit: original 100."""
    f = spouse_floor()
    f.link(phone(2), phone(1), "spouse", "10:30")
    f.deal(phone(2), "b", "deposit", "11:00")
    d = only(f)
    assert (d["kind"], d["rule"], d["proposal"], d["closer"]) == ("staff", rules.SPL_STAGE, {"a": 100}, "b")


def test_spl_stage_recognised_after_the_deposit_splits_50_50():
    """SPL-STAGE: recognised after the deposit (before any contract): 50/50 (000: 轮排制度表 5)."""
    f = spouse_floor()
    deal, _, _ = f.deal(phone(2), "b", "deposit", "11:00")
    f.link(phone(2), phone(1), "spouse", "12:00")
    d = only(f)
    assert (d["rule"], d["proposal"], d["stage"], d["status"]) == (rules.SPL_STAGE, {"a": 50, "b": 50},
                                                                    "deposit", "open")
    assert f.credits()[deal.id]["split"] == {"a": 50, "b": 50}


def test_spl_stage_recognised_after_the_contract_gives_the_closer_100():
    """SPL-STAGE: recognised only after the contract: the closer 100."""
    f = spouse_floor()
    f.deal(phone(2), "b", "deposit", "11:00")
    f.deal(phone(2), "b", "contract", "11:30")
    f.link(phone(2), phone(1), "spouse", "12:00")
    d = only(f)
    assert (d["rule"], d["proposal"], d["stage"]) == (rules.SPL_STAGE, {"b": 100}, "contract")


# -- SPL-UNAWARE --------------------------------------------------------------------------------

def test_spl_unaware_table3_splits_one_third_original_two_thirds_closer():
    """SPL-UNAWARE (table3, 000: 轮岗3 八): missed and closed by another: 33 first / 67 closer."""
    f = spouse_floor("table3")
    f.deal(phone(2), "b", "deposit", "11:00")
    f.link(phone(2), phone(1), "spouse", "12:00")
    d = only(f)
    assert (d["rule"], d["proposal"]) == (rules.SPL_UNAWARE, {"a": 33, "b": 67})


def test_spl_unaware_ratio_knob_ignores_the_stage():
    """SPL-UNAWARE: with unaware = ratio the knob's share applies even after the contract (001: 3:7)."""
    f = spouse_floor(splits__unaware="ratio", splits__unaware_original=30)
    f.deal(phone(2), "b", "contract", "11:00")
    f.link(phone(2), phone(1), "spouse", "12:00")
    d = only(f)
    assert (d["rule"], d["proposal"]) == (rules.SPL_UNAWARE, {"a": 30, "b": 70})


# -- SPL-HELP -----------------------------------------------------------------------------------

def test_spl_help_same_day_deal_by_the_helper_is_split_by_policy():
    """SPL-HELP: owner absent, the ROT-LAST helper closes the same day: 50/50 (default)."""
    f = helped_floor()
    deal, credit, fine = f.deal(phone(1), "c", "deposit", "11:30")
    assert (credit["split"], credit["rule"], credit["status"]) == ({"a": 50, "c": 50}, rules.SPL_HELP, "open")
    assert fine is None
    d = only(f)
    assert d["id"] == credit["dispute"] == disputes.dispute_id("staff", deal.id)


def test_spl_help_owner_share_follows_the_knob():
    """SPL-HELP: the owner's percent is the knob help_owner (20 original / 80 helper, 004: 老带新)."""
    f = helped_floor(splits__help_owner=20)
    _, credit, _ = f.deal(phone(1), "c", "deposit", "11:30")
    assert (credit["split"], credit["rule"]) == ({"a": 20, "c": 80}, rules.SPL_HELP)


def test_spl_help_deal_on_a_later_day_stays_the_owners():
    """SPL-HELP: no deal that day: the help was an obligation, a later deal is the owner's 100."""
    f = helped_floor()
    _, credit, _ = f.deal(phone(1), "c", "deposit", "2026-11-03 11:30")
    assert (credit["split"], credit["rule"]) == ({"a": 100}, rules.SPL_HELP)


# -- SPL-HELPED-OWNER-CLOSED --------------------------------------------------------------------

def test_spl_helped_owner_closed_developer_gives_helper_30_owner_70():
    """SPL-HELPED-OWNER-CLOSED (developer, 004: 界定方法): helper received, owner closed: 30/70."""
    f = helped_floor("developer")
    f.done("c", "10:50")
    f.back("a", "11:00")
    deal, credit, fine = f.deal(phone(1), "a", "deposit", "11:30")
    assert (credit["split"], credit["rule"], credit["dispute"]) == ({"c": 30, "a": 70},
                                                                   rules.SPL_HELPED_OWNER_CLOSED, None)
    assert fine is None and f.disputes() == []
    assert f.credits()[deal.id]["rule"] == rules.SPL_HELPED_OWNER_CLOSED


def test_spl_helped_owner_closed_off_by_default_owner_keeps_100():
    """SPL-HELPED-OWNER-CLOSED: helped_owner_closed = 0 (default) leaves the owner's deal at SPL-OWNER."""
    f = helped_floor()
    f.done("c", "10:50")
    f.back("a", "11:00")
    _, credit, _ = f.deal(phone(1), "a", "deposit", "11:30")
    assert (credit["split"], credit["rule"]) == ({"a": 100}, rules.SPL_OWNER)


# -- SPL-KNOWING --------------------------------------------------------------------------------

def test_spl_knowing_original_gets_100_and_the_closer_a_fine():
    """SPL-KNOWING: b closes a customer already a's: a 100, and a fine entry (004: 界定方法 (二)1)."""
    f = Floor(splits__knowing_fine_yuan=200)
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    deal, credit, fine = f.deal(phone(1), "b", "deposit", "11:00")
    assert (credit["split"], credit["rule"]) == ({"a": 100}, rules.SPL_KNOWING)
    assert isinstance(fine, Fine)
    assert (fine.staff, fine.fine, fine.rule, fine.ref) == ("b", 200, rules.SPL_KNOWING, deal.id)
    assert [(e.staff, e.fine, e.ref) for e in f.entries if isinstance(e, Fine)] == [("b", 200, deal.id)]


def test_spl_knowing_fines_once_per_collision_not_per_deal():
    """SPL-KNOWING: the contract that follows the fined deposit raises no second fine."""
    f = Floor("developer")
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    _, _, first = f.deal(phone(1), "b", "deposit", "11:00")
    _, credit, second = f.deal(phone(1), "b", "contract", "11:30")
    assert first is not None and first.fine == 1000
    assert second is None and credit["rule"] == rules.SPL_KNOWING
    assert len([e for e in f.entries if isinstance(e, Fine)]) == 1


def test_spl_knowing_without_a_fine_knob_writes_no_fine_entry():
    """SPL-KNOWING: knowing_fine_yuan = 0 (default): original 100, no fine entry."""
    f = Floor()
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    _, credit, fine = f.deal(phone(1), "b", "deposit", "11:00")
    assert (credit["split"], credit["rule"], fine) == ({"a": 100}, rules.SPL_KNOWING, None)


def test_spl_knowing_when_the_family_link_was_known_before_b_served_her():
    """SPL-KNOWING: the spouse link existed before b's deal with no earlier reception: original 100."""
    f = Floor(splits__knowing_fine_yuan=50)
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    f.link(phone(2), phone(1), "spouse", "09:30")
    deal, credit, fine = f.deal(phone(2), "b", "deposit", "11:00")
    assert (credit["split"], credit["rule"]) == ({"a": 100}, rules.SPL_KNOWING)
    assert fine is not None and fine.ref == deal.id


# -- SPL-AGENCY ---------------------------------------------------------------------------------

def test_spl_agency_one_only_reported_the_other_toured_and_closed_10_90():
    """SPL-AGENCY (channel, 001: 第八条 6(1)): X only reported, Y toured and closed: 10/90."""
    f = agency_floor()
    f.deal(phone(1), "a", "deposit", "11:00", agency="Y")
    d = only(f, kind="agency")
    assert (d["rule"], d["proposal"]) == (rules.SPL_AGENCY, {"X": 10, "Y": 90})
    assert [c["party"] for c in d["claimants"]] == ["X", "Y"]


def test_spl_agency_both_toured_one_closed_40_60():
    """SPL-AGENCY (001: 第八条 6(2)): both toured, Y came to the deal: 40 X / 60 Y."""
    f = agency_floor()
    f.done("a", "10:30")
    f.register("10:45", name="张三", phone=phone(1), agency="X")     # X tours him too
    f.deal(phone(1), "a", "deposit", "11:00", agency="Y")
    d = only(f, kind="agency")
    assert (d["rule"], d["proposal"]) == (rules.SPL_AGENCY, {"X": 40, "Y": 60})


def test_spl_agency_both_came_to_the_deal_50_50():
    """SPL-AGENCY (001: 第八条 6(3)): both toured and both brought the customer to the deal: 50/50."""
    f = agency_floor()
    f.done("a", "10:30")
    f.register("10:45", name="张三", phone=phone(1), agency="X")
    f.deal(phone(1), "a", "deposit", "11:00", agency="X")
    f.deal(phone(1), "a", "contract", "15:00", agency="Y")
    d = only(f, "16:00", kind="agency")
    assert (d["rule"], d["proposal"]) == (rules.SPL_AGENCY, {"X": 50, "Y": 50})


def test_spl_agency_no_deal_yet_earliest_report_wins():
    """SPL-AGENCY / ATT-REPORT: two valid reports, no deal yet: the earliest report, 100."""
    f = agency_floor()
    d = only(f, kind="agency")
    assert (d["rule"], d["proposal"], d["closer"]) == (rules.ATT_REPORT, {"X": 100}, None)


# -- SPL-HOUSE ----------------------------------------------------------------------------------

def stage_dispute():
    f = spouse_floor("stage")
    f.deal(phone(2), "b", "deposit", "11:00")
    f.link(phone(2), phone(1), "spouse", "12:00")
    return f


def test_spl_house_unruled_after_house_after_days_goes_to_the_house():
    """SPL-HOUSE (stage, 000: 轮排制度表 2): unruled 7 days after it arose: the house account 100."""
    f = stage_dispute()
    on_time = only(f, "2026-11-09 18:00")
    assert (on_time["proposal"], on_time["rule"], on_time["deadline"]) == ({"a": 50, "b": 50},
                                                                          rules.SPL_STAGE, "2026-11-09")
    late = only(f, "2026-11-10 09:00")
    assert (late["proposal"], late["rule"], late["id"]) == ({HOUSE: 100}, rules.SPL_HOUSE, on_time["id"])


def test_spl_house_a_ruling_in_time_keeps_it_out_of_the_house():
    """SPL-HOUSE: a dispute ruled before the deadline stays with its award."""
    f = stage_dispute()
    d = only(f)
    f.rule(d["id"], "2026-11-05 10:00", award={"a": 70, "b": 30})
    later = only(f, "2026-11-20 09:00")
    assert (later["status"], later["award"]) == ("ruled", {"a": 70, "b": 30})
    assert later["proposal"] == {"a": 50, "b": 50}


def test_spl_house_ruled_so_credits_the_house_account():
    """SPL-HOUSE: 'or ruled so' — a house ruling credits the deal 100 to the house."""
    f = stage_dispute()
    d = only(f)
    f.rule(d["id"], "13:00", house=True)
    (deal_id,) = f.credits()
    assert f.credits()[deal_id]["split"] == {HOUSE: 100}


def test_spl_house_default_never_sends_to_the_house():
    """SPL-HOUSE: house_after_days = 0 (default) keeps the proposal however long unruled."""
    f = spouse_floor()
    f.deal(phone(2), "b", "deposit", "11:00")
    f.link(phone(2), phone(1), "spouse", "12:00")
    assert only(f, "2027-01-01 09:00")["proposal"] == {"a": 50, "b": 50}


# -- DSP-DETECT ---------------------------------------------------------------------------------

def test_dsp_detect_staff_dispute_id_is_stable_over_time_and_unrelated_facts():
    """DSP-DETECT / §5.8: a dispute's id depends only on the deal that raised it."""
    f = spouse_floor()
    deal, _, _ = f.deal(phone(2), "b", "deposit", "11:00")
    f.link(phone(2), phone(1), "spouse", "12:00")
    first = only(f, "12:30")
    f.register("13:00", name="王五", phone=phone(7))      # another customer, later
    f.deal(phone(7), "a", "deposit", "14:00")
    again = only(f, "2026-11-04 09:00")
    assert first["id"] == again["id"] == disputes.dispute_id("staff", deal.id)
    assert (again["kind"], again["customer"], again["closer"]) == ("staff", phone(2), "b")


def test_dsp_detect_same_facts_in_two_floors_give_the_same_id():
    """DSP-DETECT: the same facts give the same id (two replays of one story)."""
    ids = []
    for _ in range(2):
        f = stage_dispute()
        ids.append(only(f)["id"])
    assert ids[0] == ids[1] and ids[0].startswith("D-")


def test_dsp_detect_two_agencies_raise_one_agency_dispute():
    """DSP-DETECT: a customer claimed by two agencies is one dispute, raised by the arrival."""
    f = agency_floor()
    arrival = [e for e in f.entries if e.kind == "visit"][0]
    f.deal(phone(1), "a", "deposit", "11:00", agency="Y")
    d = only(f)
    assert (d["kind"], d["id"], d["customer"]) == ("agency", disputes.dispute_id("agency", arrival.id), phone(1))


def test_dsp_detect_one_agency_is_no_dispute():
    """DSP-DETECT: a single valid report-in claims the customer without a dispute."""
    f = Floor("channel")
    f.staff("a")
    f.check_in("a")
    f.report_in("X", "张三", "08:40", phone=phone(1))
    f.register("10:00", name="张三", phone=phone(1), agency="X")
    f.deal(phone(1), "a", "deposit", "11:00", agency="X")
    assert f.disputes() == []


def test_dsp_detect_each_claim_entry_raises_its_own_dispute():
    """DSP-DETECT: every claim entry is a dispute, id from the claim entry."""
    f = Floor()
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "deposit", "11:00")
    c1 = f.claim(phone(1), "b", "12:00")
    c2 = f.claim(phone(1), "X", "13:00", agency=True)
    found = f.disputes()
    assert [(d["kind"], d["id"]) for d in found] == [("claim", disputes.dispute_id("claim", c1.id)),
                                                    ("claim", disputes.dispute_id("claim", c2.id))]
    assert all(d["proposal"] == {"a": 100} and d["rule"] == rules.SPL_OWNER for d in found)
    assert found[0]["claimants"][0] == {"party": "b", "basis": "claim", "since": "2026-11-02 12:00"}


def test_dsp_detect_claim_on_a_staff_dispute_carries_its_proposal():
    """DSP-DETECT: a claim on a deal already disputed proposes what the staff dispute proposes."""
    f = helped_floor()
    f.deal(phone(1), "c", "deposit", "11:30")
    f.claim(phone(1), "a", "12:00")
    kinds = {d["kind"]: d for d in f.disputes()}
    assert set(kinds) == {"staff", "claim"}
    assert kinds["claim"]["proposal"] == kinds["staff"]["proposal"] == {"a": 50, "c": 50}
    assert kinds["claim"]["rule"] == rules.SPL_HELP


# -- DSP-WINDOW ---------------------------------------------------------------------------------

def closed_by_b():
    f = Floor()
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))      # a receives …
    f.done("a", "09:30")
    f.register("10:00", name="李四", phone=phone(2))      # … b receives and closes 李四
    f.deal(phone(2), "b", "deposit", "11:00")
    return f


def test_dsp_window_claim_after_window_days_is_late_and_proposes_the_closer():
    """DSP-WINDOW (default: 3 days after the deal, 003: 仲裁 5): a later claim is late, closer 100."""
    f = closed_by_b()
    f.claim(phone(2), "a", "2026-11-06 09:00")
    d = only(f, "2026-11-06 10:00")
    assert (d["status"], d["rule"], d["proposal"], d["deadline"]) == ("late", rules.DSP_WINDOW, {"b": 100},
                                                                     "2026-11-05")


def test_dsp_window_claim_on_the_last_day_is_open():
    """DSP-WINDOW: a claim on the window's last day is in time (open)."""
    f = closed_by_b()
    f.claim(phone(2), "a", "2026-11-05 17:00")
    d = only(f, "2026-11-05 18:00")
    assert (d["status"], d["rule"], d["proposal"]) == ("open", rules.SPL_OWNER, {"b": 100})


def test_dsp_window_family_recognised_after_the_window_is_late():
    """DSP-WINDOW: a collision recognised only after the window proposes the closer 100, late."""
    f = spouse_floor()
    deal, _, _ = f.deal(phone(2), "b", "deposit", "11:00")
    f.link(phone(2), phone(1), "spouse", "2026-11-07 10:00")
    d = only(f, "2026-11-07 11:00")
    assert (d["status"], d["rule"], d["proposal"]) == ("late", rules.DSP_WINDOW, {"b": 100})
    assert f.credits("2026-11-07 11:00")[deal.id]["split"] == {"b": 100}


def test_dsp_window_channel_claims_only_before_the_contract():
    """DSP-WINDOW (channel, 001: 分销 8): an objection after the contract is late."""
    f = Floor("channel")
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "deposit", "10:00")
    before = f.claim(phone(1), "X", "11:00", agency=True)
    f.deal(phone(1), "a", "contract", "12:00")
    after = f.claim(phone(1), "X", "13:00", agency=True)
    by_id = {d["id"]: d for d in f.disputes()}
    assert by_id[disputes.dispute_id("claim", before.id)]["status"] == "open"
    late = by_id[disputes.dispute_id("claim", after.id)]
    assert (late["status"], late["rule"], late["proposal"]) == ("late", rules.DSP_WINDOW, {"a": 100})


# -- DSP-FINAL ----------------------------------------------------------------------------------

def test_dsp_final_ruling_overrides_the_proposal_in_credits():
    """DSP-FINAL: resolve-dispute's award replaces the proposal for the deal's credit."""
    f = stage_dispute()
    d = only(f)
    (deal_id,) = f.credits()
    f.rule(d["id"], "13:00", award={"a": 60, "b": 40})
    credit = f.credits()[deal_id]
    assert credit == {"split": {"a": 60, "b": 40}, "rule": rules.DSP_FINAL, "status": "ruled", "dispute": d["id"]}
    ruled = only(f)
    assert (ruled["status"], ruled["award"], ruled["ruling"]["by"]) == ("ruled", {"a": 60, "b": 40}, "m")


def test_dsp_final_first_ruling_wins_over_a_later_one():
    """DSP-FINAL (一判终身): a second ruling entry on the same dispute changes nothing."""
    f = stage_dispute()
    d = only(f)
    f.rule(d["id"], "13:00", award={"a": 60, "b": 40})
    f.rule(d["id"], "14:00", award={"b": 100}, by="boss")
    ruled = only(f)
    assert (ruled["award"], ruled["ruling"]["by"]) == ({"a": 60, "b": 40}, "m")


def test_dsp_final_rule_on_refuses_a_second_ruling():
    """DSP-FINAL: rule_on refuses to rule on a dispute already ruled."""
    f = stage_dispute()
    d = only(f)
    assert disputes.rule_on(d, {"a": 60, "b": 40}, False, {"a", "b"}) == {"a": 60, "b": 40}
    f.rule(d["id"], "13:00", award={"a": 60, "b": 40})
    with pytest.raises(DomainError, match="already ruled"):
        disputes.rule_on(only(f), {"b": 100}, False, {"a", "b"})


def test_dsp_final_rule_on_refuses_an_unknown_party():
    """DSP-FINAL: an award to someone neither party nor on the roster is refused; house is allowed."""
    f = stage_dispute()
    d = only(f)
    with pytest.raises(DomainError, match="'zz' is not a party"):
        disputes.rule_on(d, {"a": 50, "zz": 50}, False, {"a", "b"})
    assert disputes.rule_on(d, {}, True, {"a", "b"}) == {HOUSE: 100}


def test_dsp_final_ruling_on_a_claim_sets_the_deal_credit():
    """DSP-FINAL: a ruled claim dispute overrides the closer's SPL-OWNER credit."""
    f = closed_by_b()
    claim = f.claim(phone(2), "a", "12:00")
    (deal_id,) = f.credits()
    f.rule(disputes.dispute_id("claim", claim.id), "13:00", award={"a": 20, "b": 80})
    assert f.credits()[deal_id]["split"] == {"a": 20, "b": 80}
    assert f.credits()[deal_id]["rule"] == rules.DSP_FINAL


# -- every proposal sums to 100 ----------------------------------------------------------------

def _scenes():
    f1 = stage_dispute()
    f2 = spouse_floor("table3")
    f2.deal(phone(2), "b", "deposit", "11:00")
    f2.link(phone(2), phone(1), "spouse", "12:00")
    f3 = helped_floor("developer")
    f3.deal(phone(1), "c", "deposit", "11:30")
    f4 = agency_floor()
    f4.done("a", "10:30")
    f4.register("10:45", name="张三", phone=phone(1), agency="X")
    f4.deal(phone(1), "a", "deposit", "11:00", agency="Y")
    f5 = closed_by_b()
    f5.claim(phone(2), "a", "2026-11-09 09:00")
    return [(f1, "2026-11-20 09:00"), (f1, None), (f2, None), (f3, None), (f4, None),
            (f5, "2026-11-09 10:00")]


def test_every_proposal_award_and_credit_sums_to_100():
    """§5.5: every proposed split (and every credit) is whole: its shares sum to 100."""
    seen = 0
    for f, when in _scenes():
        for d in f.disputes(when):
            assert sum(d["proposal"].values()) == 100, d
            seen += 1
        for credit in f.credits(when).values():
            assert sum(credit["split"].values()) == 100, credit
    assert seen >= 6
