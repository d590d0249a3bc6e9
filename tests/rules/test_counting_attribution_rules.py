"""SPEC §5.3 (what counts) and §5.4 (attribution), through the pure core only (tests/rules/kit.py)."""
import pytest

from rotactl.core import rules
from rotactl.core.errors import DomainError
from tests.rules.kit import Floor, floor, phone

D2, D3, D4 = "2026-11-03", "2026-11-04", "2026-11-05"



def on(f: Floor, date: str, *ids: str) -> None:
    """Check people in on another day (presence does not cross midnight)."""
    f.check_in(*(ids or ("a", "b", "c")), when=f"{date} 08:30")


def skips(decision) -> list[tuple]:
    return [tuple(s) for s in decision.skipped]


# -- CNT-NEW -----------------------------------------------------------------------------------

def test_cnt_new_customer_received_in_turn_is_counted_and_moves_the_order():
    """CNT-NEW — a new customer received in turn: counted."""
    f = floor()
    first = f.register("09:00", name="张三", phone=phone(1))
    assert (first.decision.receiver, first.decision.counted, first.decision.rule) == ("a", True, rules.ROT_NEXT)
    assert first.decision.claim == "a" and first.owner == "a"
    assert f.register("09:05", name="李四", phone=phone(2)).decision.receiver == "b"
    assert f.day().stats["a"].turns == 1


# -- CNT-PARTY ---------------------------------------------------------------------------------

def test_cnt_party_of_three_is_one_reception_and_one_count():
    """CNT-PARTY — a family or group arriving together is one customer, one count (轮岗3 四)."""
    f = floor()
    party = f.register("09:00", name="张三", phone=phone(1), party=3)
    assert (party.decision.receiver, party.decision.counted) == ("a", True)
    stats = f.day().stats["a"]
    assert (stats.turns, stats.receptions) == (1, 1)
    nxt = f.register("09:05", name="李四", phone=phone(2))
    assert (nxt.decision.receiver, nxt.decision.rule) == ("b", rules.ROT_NEXT)


def test_cnt_party_member_registered_later_the_same_day_is_not_a_new_count():
    """CNT-PARTY — the wife of a party already received goes to its receiver, uncounted."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1), party=2)
    f.done("a", "09:40")
    wife = f.register("09:50", name="李梅", phone=phone(2), family_of=phone(1), relation="spouse")
    assert (wife.decision.receiver, wife.decision.counted, wife.decision.rule) == ("a", False, rules.CNT_REPEAT)
    assert f.register("10:00", name="王五", phone=phone(3)).decision.receiver == "b"


# -- CNT-REPEAT --------------------------------------------------------------------------------

def test_cnt_repeat_same_customer_same_day_goes_back_uncounted():
    """CNT-REPEAT — the same customer again on the same day: not counted again (客户接待管理制度 6)."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))
    f.done("a", "09:30")
    again = f.register("14:00", name="张三", phone=phone(1))
    assert (again.decision.receiver, again.decision.counted, again.decision.rule) == ("a", False, rules.CNT_REPEAT)
    assert f.register("14:05", name="李四", phone=phone(2)).decision.receiver == "b"
    assert f.day().stats["a"].turns == 1


def test_cnt_repeat_counted_knob_counts_the_second_visit():
    """CNT-REPEAT — knob counting.repeat_same_day = counted: the repeat uses the receiver's turn."""
    f = floor(counting__repeat_same_day="counted")
    f.register("09:00", name="张三", phone=phone(1))
    f.done("a", "09:30")
    again = f.register("14:00", name="张三", phone=phone(1))
    assert (again.decision.receiver, again.decision.counted, again.decision.rule) == ("a", True, rules.CNT_REPEAT)
    assert f.day().stats["a"].turns == 2


def test_cnt_repeat_does_not_carry_to_the_next_day():
    """CNT-REPEAT — only on the same day; the next day it is an old customer's revisit (CNT-UNSIGNED)."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))
    on(f, D2)
    again = f.register(f"{D2} 10:00", name="张三", phone=phone(1))
    assert (again.decision.receiver, again.decision.rule) == ("a", rules.CNT_UNSIGNED)


# -- CNT-SIGNED --------------------------------------------------------------------------------

def test_cnt_signed_revisit_goes_to_the_owner_uncounted_and_keeps_the_order():
    """CNT-SIGNED — a signed customer's revisit goes to their salesperson and is not counted."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "deposit", "11:00")
    on(f, D2)                                        # ORD-CONTINUE: b, c, a
    revisit = f.register(f"{D2} 09:00", name="张三", phone=phone(1))
    assert (revisit.decision.receiver, revisit.decision.counted, revisit.decision.rule) == \
        ("a", False, rules.CNT_SIGNED)
    assert f.register(f"{D2} 09:05", name="李四", phone=phone(2)).decision.receiver == "b"


def test_cnt_signed_owner_skipped_while_busy_with_the_revisit_gets_a_make_up():
    """CNT-SIGNED — if that salesperson was skipped meanwhile they get a make-up (轮序 5)."""
    f = floor("default", "a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "deposit", "11:00")
    on(f, D2, "a", "b")                              # ORD-CONTINUE: b, a
    f.register(f"{D2} 09:00", name="李四", phone=phone(2))     # b
    f.done("b", f"{D2} 09:20")
    f.register(f"{D2} 09:30", name="张三", phone=phone(1))     # a, signed revisit, a is next-up
    new = f.register(f"{D2} 09:40", name="王五", phone=phone(3))
    assert (new.decision.receiver, new.decision.rule) == ("b", rules.ROT_NEXT)
    assert skips(new.decision) == [("a", "make-up", rules.ROT_BUSY)]
    f.done("a", f"{D2} 10:00")
    makeup = f.register(f"{D2} 10:10", name="赵六", phone=phone(4))
    assert (makeup.decision.receiver, makeup.decision.rule, makeup.decision.counted) == \
        ("a", rules.ROT_MAKEUP, True)


def test_cnt_signed_counted_knob_uses_the_owners_turn():
    """CNT-SIGNED — knob counting.signed_revisit = counted: the revisit uses the owner's next turn."""
    f = floor(counting__signed_revisit="counted")
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "contract", "11:00")
    on(f, D2)                                        # b, c, a
    revisit = f.register(f"{D2} 09:00", name="张三", phone=phone(1))
    assert (revisit.decision.receiver, revisit.decision.counted, revisit.decision.rule) == \
        ("a", True, rules.CNT_SIGNED)


def test_cnt_signed_jiuzhou_owner_skipped_meanwhile_misses_the_turn():
    """CNT-SIGNED — jiuzhou: signed revisit to the original, who misses their turn if it passed meanwhile."""
    f = floor("jiuzhou", "a", "b")
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "contract", "11:00")
    on(f, D2, "a", "b")
    f.register(f"{D2} 09:00", name="李四", phone=phone(2))     # b
    f.done("b", f"{D2} 09:20")
    assert f.register(f"{D2} 09:30", name="张三", phone=phone(1)).decision.rule == rules.CNT_SIGNED
    new = f.register(f"{D2} 09:40", name="王五", phone=phone(3))
    assert new.decision.receiver == "b" and skips(new.decision) == [("a", "forfeit", rules.ROT_BUSY)]


# -- CNT-UNSIGNED ------------------------------------------------------------------------------

def test_cnt_unsigned_default_revisit_goes_to_owner_uncounted():
    """CNT-UNSIGNED — default: an unsigned old customer's revisit goes to their salesperson, not counted."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))
    on(f, D2)                                        # b, c, a
    revisit = f.register(f"{D2} 09:00", name="张三", phone=phone(1))
    assert (revisit.decision.receiver, revisit.decision.counted, revisit.decision.rule) == \
        ("a", False, rules.CNT_UNSIGNED)
    assert f.register(f"{D2} 09:05", name="李四", phone=phone(2)).decision.receiver == "b"


def test_cnt_unsigned_carshowroom_revisit_is_counted_and_uses_the_turn():
    """CNT-UNSIGNED — carshowroom: unsigned revisit counted, no make-up (客户接待管理制度 4)."""
    f = floor("carshowroom")
    f.register("09:00", name="张三", phone=phone(1))
    on(f, D2)                                        # ORD-FIXED: a, b, c
    revisit = f.register(f"{D2} 09:00", name="张三", phone=phone(1))
    assert (revisit.decision.receiver, revisit.decision.counted, revisit.decision.rule) == \
        ("a", True, rules.CNT_UNSIGNED)
    f.done("a", f"{D2} 09:30")
    new = f.register(f"{D2} 09:40", name="李四", phone=phone(2))
    assert new.decision.receiver == "b" and skips(new.decision) == [("a", "consumed", rules.ROT_CONSUMED)]


def test_cnt_unsigned_jiuzhou_revisit_goes_to_the_rotation_and_a_new_owner():
    """CNT-UNSIGNED — jiuzhou: unsigned old customer who names nobody → rotation and a new owner."""
    f = floor("jiuzhou")
    f.register("09:00", name="张三", phone=phone(1))
    on(f, D2)                                        # ORD-CONTINUE: b, c, a
    revisit = f.register(f"{D2} 09:00", name="张三", phone=phone(1))
    assert (revisit.decision.receiver, revisit.decision.counted, revisit.decision.rule) == \
        ("b", True, rules.ROT_NEXT)
    assert revisit.decision.takeover and revisit.owner == "b"
    assert f.who(phone(1), f"{D2} 10:00").owner == "b"


def test_cnt_unsigned_jiuzhou_revisit_naming_the_owner_goes_to_them():
    """CNT-UNSIGNED — jiuzhou: rotation only for an old customer who names nobody."""
    f = floor("jiuzhou")
    f.register("09:00", name="张三", phone=phone(1))
    on(f, D2)
    revisit = f.register(f"{D2} 09:00", name="张三", phone=phone(1), designated="a")
    assert (revisit.decision.receiver, revisit.decision.counted, revisit.decision.rule) == \
        ("a", False, rules.CNT_UNSIGNED)
    assert revisit.owner == "a"


# -- CNT-DESIGNATED ----------------------------------------------------------------------------

def test_cnt_designated_goes_to_the_named_person_uncounted_who_keeps_their_place():
    """CNT-DESIGNATED — 导购 5.1: a designated customer is not counted and the person keeps their place."""
    f = floor()
    named = f.register("09:00", name="张三", phone=phone(1), designated="c")
    assert (named.decision.receiver, named.decision.counted, named.decision.rule) == \
        ("c", False, rules.CNT_DESIGNATED)
    assert named.owner == "c"
    f.done("c", "09:30")
    for n, who in ((2, "a"), (3, "b"), (4, "c")):
        assert f.register(f"10:0{n}", name=f"客{n}", phone=phone(n)).decision.receiver == who


def test_cnt_designated_counted_knob_uses_the_named_persons_next_turn():
    """CNT-DESIGNATED — knob counting.designated = counted: the turn is used (ROT-CONSUMED)."""
    f = floor(counting__designated="counted")
    named = f.register("09:00", name="张三", phone=phone(1), designated="c")
    assert (named.decision.receiver, named.decision.counted) == ("c", True)
    f.done("c", "09:30")
    f.register("10:00", name="李四", phone=phone(2))           # a
    f.register("10:05", name="王五", phone=phone(3))           # b
    f.done("a", "10:10")
    nxt = f.register("10:20", name="赵六", phone=phone(4))
    assert nxt.decision.receiver == "a" and ("c", "consumed", rules.ROT_CONSUMED) in skips(nxt.decision)


# -- CNT-REFERRAL ------------------------------------------------------------------------------

def test_cnt_referral_default_goes_to_the_referrers_salesperson_uncounted():
    """CNT-REFERRAL — 老带新, knob `owner`: to the old customer's salesperson, uncounted; the order is kept."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))           # a
    f.done("a", "09:30")
    new = f.register("10:00", name="李四", phone=phone(2), referred_by=phone(1))
    assert (new.decision.receiver, new.decision.counted, new.decision.rule) == ("a", False, rules.ATT_REFERRAL)
    assert f.register("10:05", name="王五", phone=phone(3)).decision.receiver == "b"


def test_cnt_referral_rotation_knob_received_by_the_rotation_and_counted():
    """CNT-REFERRAL — knob counting.referral = rotation: the referred customer is a new lead."""
    f = floor(counting__referral="rotation")
    f.register("09:00", name="张三", phone=phone(1))
    f.done("a", "09:30")
    new = f.register("10:00", name="李四", phone=phone(2), referred_by=phone(1))
    assert (new.decision.receiver, new.decision.counted, new.decision.rule) == ("b", True, rules.ROT_NEXT)
    assert new.owner == "b"


# -- CNT-NONCUSTOMER ---------------------------------------------------------------------------

def test_cnt_noncustomer_next_up_receives_uncounted_and_gets_a_make_up_when_skipped():
    """CNT-NONCUSTOMER — next-up takes them, not counted, with a make-up (案场客户判定办法 5)."""
    f = floor()
    pitch = f.register("09:00", name="推销", phone=phone(9), ckind="vendor")
    assert (pitch.decision.receiver, pitch.decision.counted, pitch.decision.rule) == \
        ("a", False, rules.CNT_NONCUSTOMER)
    assert pitch.decision.claim == "" and f.who(phone(9)).owner is None
    new = f.register("09:05", name="张三", phone=phone(1))
    assert new.decision.receiver == "b" and skips(new.decision) == [("a", "make-up", rules.ROT_BUSY)]
    f.done("a", "09:20")
    assert f.register("09:30", name="李四", phone=phone(2)).decision.rule == rules.ROT_MAKEUP


def test_cnt_noncustomer_developer_last_in_rotation_takes_the_press():
    """CNT-NONCUSTOMER — developer: non-customers go to the last in the rotation, not counted (客户管理制度 3)."""
    f = floor("developer")
    press = f.register("09:00", name="记者", ckind="press")
    assert (press.decision.receiver, press.decision.counted, press.decision.rule) == \
        ("c", False, rules.CNT_NONCUSTOMER)
    assert f.register("09:05", name="张三", phone=phone(1)).decision.receiver == "a"


def test_cnt_noncustomer_surveyor_not_a_customer_by_default_but_counts_in_jiuzhou():
    """CNT-NONCUSTOMER — surveyors: 青岛 六 not customers; 九州名座 11 customers after all."""
    f = floor()
    survey = f.register("09:00", name="调研", phone=phone(8), ckind="survey")
    assert (survey.decision.counted, survey.decision.rule) == (False, rules.CNT_NONCUSTOMER)
    j = floor("jiuzhou")
    survey = j.register("09:00", name="调研", phone=phone(8), ckind="survey")
    assert (survey.decision.receiver, survey.decision.counted, survey.decision.rule) == \
        ("a", True, rules.ROT_NEXT)
    assert j.register("09:05", name="张三", phone=phone(1)).decision.receiver == "b"


# -- ATT-FIRST ---------------------------------------------------------------------------------

def test_att_first_name_and_phone_claims_the_customer():
    """ATT-FIRST — a customer belongs to whoever first registered them with both name and phone (首接)."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))
    att = f.who(phone(1))
    assert att.owner == "a" and [c["party"] for c in att.claims] == ["a"]


def test_att_first_phone_only_claims_nothing_and_a_later_full_registration_does():
    """ATT-FIRST — a registration with a phone only claims nothing; the first with name and phone does."""
    f = floor()
    bare = f.register("09:00", name="", phone=phone(1))
    assert bare.decision.receiver == "a" and bare.decision.claim == "" and bare.owner is None
    assert f.who(phone(1)).owner is None
    on(f, D2)                                        # b, c, a
    full = f.register(f"{D2} 09:00", name="张三", phone=phone(1))
    assert (full.decision.receiver, full.decision.rule, full.owner) == ("b", rules.ROT_NEXT, "b")


def test_att_first_name_only_claims_nothing():
    """ATT-FIRST — a registration with a name only claims nothing."""
    f = floor()
    named = f.register("09:00", name="张三")
    assert (named.decision.receiver, named.decision.counted, named.decision.claim) == ("a", True, "")


# -- ATT-PROTECT -------------------------------------------------------------------------------

def test_att_protect_visit_protected_seven_days_then_expires():
    """ATT-PROTECT / §5.8 — a visit on 11-02 with 7 days is protected through 11-09."""
    f = floor()
    reg = f.register("09:00", name="张三", phone=phone(1))
    assert reg.protected_until == "2026-11-09"
    assert f.who(phone(1), "2026-11-09 23:00").owner == "a"
    assert f.who(phone(1), "2026-11-10 09:00").owner is None


def test_att_protect_periods_by_source_call_deposit_contract():
    """ATT-PROTECT — default: call 15 / deposit 90 days / contract permanent."""
    f = floor()
    call = f.register("09:00", name="张三", phone=phone(1), queue="call")
    assert call.protected_until == "2026-11-17"
    f.deal(phone(1), "a", "deposit", "11:00")
    assert f.who(phone(1), "11:30").protected_until == "2027-01-31"
    f.deal(phone(1), "a", "contract", "15:00")
    att = f.who(phone(1), "2030-01-01 09:00")
    assert (att.owner, att.until, att.protected_until, att.signed) == ("a", "permanent", None, True)


def test_att_protect_expired_customer_is_received_as_new():
    """ATT-PROTECT — after the period the customer is nobody's: the rotation receives and claims them."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                  # a
    f.check_in("a", "b", "c", when="2026-11-10 08:30")              # order continues: b, c, a
    back = f.register("2026-11-10 09:00", name="张三", phone=phone(1))
    assert (back.decision.receiver, back.decision.rule, back.decision.counted, back.owner) == \
        ("b", rules.ROT_NEXT, True, "b")


# -- ATT-RENEW ---------------------------------------------------------------------------------

def test_att_renew_owners_follow_up_restarts_the_period_anothers_does_not():
    """ATT-RENEW / §5.8 — a revisit or follow-up restarts the period from its own date."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))
    f.follow_up(phone(1), "b", "2026-11-05 10:00")
    assert f.who(phone(1), "2026-11-05 11:00").protected_until == "2026-11-09"
    f.follow_up(phone(1), "a", "2026-11-06 10:00")
    att = f.who(phone(1), "2026-11-12 09:00")
    assert (att.owner, att.protected_until) == ("a", "2026-11-13")


def test_att_renew_revisit_restarts_the_period():
    """ATT-RENEW — a recorded visit renews protection."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))
    on(f, D4)
    revisit = f.register(f"{D4} 10:00", name="张三", phone=phone(1))
    assert (revisit.owner, revisit.protected_until) == ("a", "2026-11-12")


def test_att_renew_developer_lapse_without_follow_up():
    """ATT-RENEW — developer: 7 days without follow-up → a new customer (客户管理制度 四)."""
    f = floor("developer", protection__visit_days=30)
    f.register("09:00", name="张三", phone=phone(1))
    assert f.who(phone(1), "2026-11-09 12:00").owner == "a"
    assert f.who(phone(1), "2026-11-10 09:00").owner is None
    g = floor("developer", protection__visit_days=30)
    g.register("09:00", name="张三", phone=phone(1))
    g.follow_up(phone(1), "a", "2026-11-08 10:00")
    assert g.who(phone(1), "2026-11-15 12:00").owner == "a"
    assert g.who(phone(1), "2026-11-16 09:00").owner is None


def test_att_renew_developer_lapse_does_not_touch_a_signed_customer():
    """ATT-RENEW — the lapse applies to unsigned claims only; a deposit keeps its 90 days."""
    f = floor("developer")
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "deposit", "11:00")
    att = f.who(phone(1), "2026-11-20 09:00")
    assert (att.owner, att.signed, att.protected_until) == ("a", True, "2027-01-31")


# -- ATT-FAMILY --------------------------------------------------------------------------------

def test_att_family_spouse_joins_the_group_and_goes_to_its_owner():
    """ATT-FAMILY — spouses form one customer group; the group's earliest valid registration owns it."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a
    on(f, D2)                                                         # b, c, a
    wife = f.register(f"{D2} 09:00", name="李梅", phone=phone(2), family_of=phone(1), relation="spouse")
    assert (wife.decision.receiver, wife.decision.rule, wife.decision.counted) == \
        ("a", rules.CNT_UNSIGNED, False)
    assert f.who(phone(2), f"{D2} 10:00").owner == "a"
    assert f.group(phone(2), f"{D2} 10:00").members == sorted([phone(1), phone(2)])


def test_att_family_sibling_is_a_separate_customer_by_default():
    """ATT-FAMILY — siblings are separate (default family = spouse, parent, child)."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a
    on(f, D2)
    sister = f.register(f"{D2} 09:00", name="张丽", phone=phone(2), family_of=phone(1), relation="sibling")
    assert (sister.decision.receiver, sister.decision.rule, sister.owner) == ("b", rules.ROT_NEXT, "b")
    assert f.group(phone(2), f"{D2} 10:00").members == [phone(2)]


def test_att_family_link_after_the_fact_gives_the_group_to_the_earliest_claim():
    """ATT-FAMILY — linked later, the group's earliest valid registration owns it."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a
    f.register("10:00", name="李梅", phone=phone(2))                   # b
    assert f.who(phone(2), "10:30").owner == "b"
    f.link(phone(2), phone(1), "spouse", "11:00")
    assert f.who(phone(2), "11:30").owner == "a"


# -- ATT-DESIGNATED ----------------------------------------------------------------------------

def test_att_designated_absent_person_next_up_receives_designated_keeps_claim():
    """ATT-DESIGNATED — if they are absent the next-up receives; otherwise the designated person follows up."""
    f = floor()
    f.away("c", "personal", "08:45")
    visit = f.register("09:00", name="张三", phone=phone(1), designated="c")
    assert (visit.decision.receiver, visit.decision.counted, visit.decision.rule) == ("a", True, rules.ROT_NEXT)
    assert visit.decision.claim == "c" and visit.owner == "c"
    assert f.who(phone(1), "2026-11-04 09:00").owner == "c"


def test_att_designated_same_day_deal_is_the_receivers():
    """ATT-DESIGNATED — a deal that same day is the receiver's (splits.designated_absent = receiver)."""
    f = floor()
    f.away("c", "personal", "08:45")
    f.register("09:00", name="张三", phone=phone(1), designated="c")          # a receives
    _deal, credit, fine = f.deal(phone(1), "a", "deposit", "11:00")
    assert (credit["split"], credit["rule"], fine) == ({"a": 100}, rules.ATT_DESIGNATED, None)


def test_att_designated_not_found_by_the_desk_is_treated_as_absent():
    """ATT-DESIGNATED — the desk could not find the designated person (`--absent`)."""
    f = floor()
    visit = f.register("09:00", name="张三", phone=phone(1), designated="b", absent=("b",))
    assert (visit.decision.receiver, visit.decision.claim, visit.owner) == ("a", "b", "b")


# -- ATT-REFERRAL ------------------------------------------------------------------------------

def test_att_referral_new_customer_owned_by_the_referrers_salesperson():
    """ATT-REFERRAL — 老带新: the new customer goes to the old customer's salesperson."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a
    on(f, D2)
    friend = f.register(f"{D2} 10:00", name="李四", phone=phone(2), referred_by=phone(1))
    assert (friend.decision.receiver, friend.decision.rule, friend.owner) == ("a", rules.ATT_REFERRAL, "a")


def test_att_referral_referrers_salesperson_busy_helper_receives_claim_stays():
    """ATT-REFERRAL — the owner is busy: the last in the rotation helps, the customer is the owner's."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a, still busy
    friend = f.register("09:10", name="李四", phone=phone(2), referred_by=phone(1))
    assert (friend.decision.receiver, friend.decision.rule, friend.decision.counted) == \
        ("c", rules.ROT_LAST, False)
    assert friend.owner == "a"


def test_att_referral_unprotected_referrer_means_the_rotation():
    """ATT-REFERRAL — otherwise the rotation: the referrer's claim has expired."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a
    f.check_in("a", "b", "c", when="2026-11-12 08:30")
    friend = f.register("2026-11-12 10:00", name="李四", phone=phone(2), referred_by=phone(1))
    assert (friend.decision.receiver, friend.decision.rule, friend.owner) == ("b", rules.ROT_NEXT, "b")


# -- ATT-RECOGNISED ----------------------------------------------------------------------------

def test_att_recognised_handover_during_reception_receiver_gets_make_up():
    """ATT-RECOGNISED — recognised during the reception: back to the original, the receiver gets a make-up."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a owns 张三
    f.done("a", "09:30")
    unknown = f.register("10:00", name="张三")                         # no phone: nobody recognises him
    assert unknown.decision.receiver == "b"
    hand = f.handover("a", "10:05", ref=unknown.entry.id)
    assert (hand.staff, hand.receiver, hand.counted, hand.rule) == ("b", "a", False, rules.ATT_RECOGNISED)
    assert [tuple(s) for s in hand.skipped] == [("b", "make-up", rules.ATT_RECOGNISED)]
    nxt = f.register("10:10", name="李四", phone=phone(2))
    assert (nxt.decision.receiver, nxt.decision.rule) == ("b", rules.ROT_MAKEUP)


def test_att_recognised_handover_gives_the_taker_the_claim_and_after_the_reception_is_refused():
    """ATT-RECOGNISED — the colleague takes the customer; hand over only during the reception."""
    f = floor()
    first = f.register("09:00", name="", phone=phone(1))               # a, claims nothing
    assert first.owner is None
    f.done("a", "09:20")
    second = f.register("09:30", name="", phone=phone(2))              # b
    hand = f.handover("c", "09:35", phone=phone(2))
    assert hand.receiver == "c" and f.who(phone(2), "09:40").owner == "c"
    with pytest.raises(DomainError):
        f.handover("b", "09:50", ref=first.entry.id)
    assert second.decision.receiver == "b"


def test_att_recognised_carshowroom_handover_is_counted_for_the_colleague():
    """ATT-RECOGNISED — carshowroom: handed over, counted for the colleague, discoverer make-up."""
    f = floor("carshowroom")
    f.register("09:00", name="张三", phone=phone(1))                   # a
    f.done("a", "09:30")
    unknown = f.register("10:00", name="张三")                         # b
    hand = f.handover("a", "10:05", ref=unknown.entry.id)
    assert (hand.receiver, hand.counted) == ("a", True)
    assert f.day("10:06").stats["a"].turns == 2


# -- ATT-COMPLAINT -----------------------------------------------------------------------------

def test_att_complaint_reassign_moves_the_owner():
    """ATT-COMPLAINT — a customer who complains and asks for another salesperson goes to the new one."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a
    f.reassign(phone(1), "c", "2026-11-03 10:00")
    att = f.who(phone(1), "2026-11-03 11:00")
    assert (att.owner, att.protected_until) == ("c", "2026-11-10")
    on(f, D4)
    revisit = f.register(f"{D4} 09:00", name="张三", phone=phone(1))
    assert (revisit.decision.receiver, revisit.decision.rule) == ("c", rules.CNT_UNSIGNED)


# -- ATT-DEPARTED ------------------------------------------------------------------------------

def test_att_departed_customers_return_to_the_pool():
    """ATT-DEPARTED — a departed salesperson's unsigned customers return to the pool."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a
    f.leave("a", f"{D2} 08:00")
    assert f.who(phone(1), f"{D2} 07:59").owner == "a"
    assert f.who(phone(1), f"{D2} 09:00").owner is None
    on(f, D2, "b", "c")
    back = f.register(f"{D2} 10:00", name="张三", phone=phone(1))
    assert (back.decision.receiver, back.decision.rule, back.owner) == ("b", rules.ROT_NEXT, "b")


def test_att_departed_reassigned_to_a_colleague():
    """ATT-DEPARTED — … or are reassigned by a manager."""
    f = floor()
    f.register("09:00", name="张三", phone=phone(1))                   # a
    f.leave("a", f"{D2} 08:00", reassign_to="c")
    assert f.who(phone(1), f"{D2} 09:00").owner == "c"
    on(f, D2, "b", "c")
    back = f.register(f"{D2} 10:00", name="张三", phone=phone(1))
    assert (back.decision.receiver, back.decision.rule, back.decision.counted) == \
        ("c", rules.CNT_UNSIGNED, False)


# -- ATT-REPORT (channel) ----------------------------------------------------------------------

def test_att_report_made_30_minutes_before_arrival_claims_for_the_agency():
    """ATT-REPORT — a report-in claims a customer if made at least the lead time (30 min) before arrival."""
    f = floor("channel")
    f.report_in("链家", "张三", "09:00", phone=phone(1))
    arrival = f.register("09:30", name="张三", phone=phone(1), agency="链家")
    assert arrival.channel == "链家"
    assert f.channel(phone(1), "10:00").agency == "链家"
    assert arrival.owner == "a"                                        # the floor claim is separate


def test_att_report_too_late_claims_nothing():
    """ATT-REPORT — a report made less than the lead time before arrival: no claim."""
    f = floor("channel")
    f.report_in("链家", "张三", "09:31", phone=phone(1))
    arrival = f.register("10:00", name="张三", phone=phone(1), agency="链家")
    assert arrival.channel is None and f.channel(phone(1), "10:30").claims == {}


def test_att_report_masked_phone_matches_with_the_name():
    """ATT-REPORT — matched on arrival by the masked phone (前三后四) and name."""
    f = floor("channel")
    f.report_in("链家", "张三", "08:00", mask="+86 139****0001")
    f.report_in("我爱我家", "王五", "08:00", mask="+86 139****0002")
    assert f.register("09:00", name="张三", phone=phone(1)).channel == "链家"
    assert f.register("09:05", name="李四", phone=phone(2)).channel is None    # the name differs


def test_att_report_earliest_valid_report_wins_and_validity_is_seven_days():
    """ATT-REPORT — the earliest valid report wins; the customer must arrive within its validity."""
    f = floor("channel")
    f.report_in("链家", "张三", "08:00", phone=phone(1))
    f.report_in("我爱我家", "张三", "08:10", phone=phone(1))
    f.register("09:00", name="张三", phone=phone(1))
    ch = f.channel(phone(1), "10:00")
    assert ch.agency == "链家" and sorted(ch.claims) == ["我爱我家", "链家"]
    f.report_in("链家", "李四", "08:20", phone=phone(2))
    f.check_in("a", "b", "c", when="2026-11-10 08:30")
    late = f.register("2026-11-10 09:00", name="李四", phone=phone(2))
    assert late.channel is None


# -- ATT-INHOUSE -------------------------------------------------------------------------------

def test_att_inhouse_walk_in_before_any_report_is_protected_against_agencies():
    """ATT-INHOUSE — a customer who visited first is protected for the in-house period (秀兰森活里 1)."""
    f = floor("channel")
    f.register("09:00", name="张三", phone=phone(1))                   # walk-in, no report
    f.report_in("链家", "张三", f"{D2} 09:00", phone=phone(1))
    on(f, D2)
    revisit = f.register(f"{D2} 10:00", name="张三", phone=phone(1), agency="链家")
    assert revisit.channel is None and revisit.owner == "a"


def test_att_inhouse_after_the_period_the_agency_that_brings_them_gets_them():
    """ATT-INHOUSE — after it, the agency that brings the deal gets it."""
    f = floor("channel")
    f.register("09:00", name="张三", phone=phone(1))                   # in-house through 11-09
    f.report_in("链家", "张三", "2026-11-10 08:00", phone=phone(1))
    f.check_in("a", "b", "c", when="2026-11-10 08:30")
    back = f.register("2026-11-10 09:00", name="张三", phone=phone(1), agency="链家")
    assert back.channel == "链家"
