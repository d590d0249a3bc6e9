"""Issue 9 (SPEC §5.9): the floor rules found missing or misread against the seeds, on the pure core."""
import pytest

from rotactl.core import rules
from rotactl.core.errors import DomainError
from tests.rules.kit import floor, phone

# -- PEN-PASSES, free pass: from the moment the person became next-up (青岛 二) ---------------------

def test_pen_passes_idle_time_counts_from_becoming_next_up_not_from_check_in():
    """Idle since check-in at 08:30 but next-up only since a took the 09:00 lead: b's pass at 09:20
    is not free (the old reading let it pass free and never be fined)."""
    f = floor("qingdao")
    assert f.register("09:00", phone=phone(1)).decision.receiver == "a"
    passed = f.pass_("b", "09:20")
    assert (passed.free, f.day("09:20").passes) == (False, {"b": 1})


def test_pen_passes_after_thirty_minutes_as_next_up_the_pass_is_free():
    f = floor("qingdao")
    f.register("09:00", phone=phone(1))
    f.pass_("b", "09:10")                                  # c is next-up from 09:10
    early, late = f.day("09:39").nextup["visit"], f.pass_("c", "09:41")
    assert early == ("c", f.at("09:10")) and late.free


def test_pen_passes_a_return_from_away_restarts_the_wait():
    """Someone away is not next-up; they become it again when they come back."""
    f = floor("qingdao", "a")
    f.away("a", "personal", "08:40")
    f.back("a", "09:20")
    assert not f.pass_("a", "09:40").free
    assert f.pass_("a", "10:11").free


# -- CNT-PARTY with families (轮岗3 四; 案场客户区分 8) ----------------------------------------------------

def test_cnt_party_a_relative_registered_while_the_family_is_received_goes_to_that_receiver_uncounted():
    f = floor()
    first = f.register("09:00", name="张先生", phone=phone(1)).decision
    assert (first.receiver, first.counted) == ("a", True)
    wife = f.register("09:05", name="李女士", phone=phone(2), family_of=phone(1), relation="spouse").decision
    assert (wife.receiver, wife.counted, wife.rule) == ("a", False, rules.CNT_PARTY)
    assert f.next("09:06")["next"] == "b"                  # the order did not move


def test_cnt_party_does_not_join_relations_outside_the_family_set():
    """Siblings are separate customers (default family = spouse, parent, child): the rotation."""
    f = floor()
    f.register("09:00", name="张先生", phone=phone(1))
    sister = f.register("09:05", name="张小姐", phone=phone(2), family_of=phone(1), relation="sibling").decision
    assert (sister.receiver, sister.counted, sister.rule) == ("b", True, rules.ROT_NEXT)


def test_cnt_party_once_the_family_has_left_the_relative_is_a_same_day_repeat():
    """After the party left, a relative coming later that day is the same customer again (CNT-REPEAT)."""
    f = floor()
    f.register("09:00", name="张先生", phone=phone(1))
    f.done("a", "09:30")
    later = f.register("10:00", name="李女士", phone=phone(2), family_of=phone(1), relation="spouse").decision
    assert (later.receiver, later.rule) == ("a", rules.CNT_REPEAT)


# -- ATT-RECOGNISED, the hand-back limit (轮岗3 八: 10 minutes) -------------------------------------------

def test_att_recognised_hand_back_within_the_limit():
    f = floor("table3", counting__handover_minutes=10)
    f.register("09:00", name="王五", phone=phone(1))
    handed = f.handover("b", "09:10", phone=phone(1))
    assert (handed.staff, handed.receiver, handed.rule) == ("a", "b", rules.ATT_RECOGNISED)


def test_att_recognised_hand_back_after_the_limit_is_refused():
    f = floor("table3", counting__handover_minutes=10)
    f.register("09:00", name="王五", phone=phone(1))
    with pytest.raises(DomainError, match="more than 10 minutes.*a keeps the customer and the dispute rules apply"):
        f.handover("b", "09:11", phone=phone(1))


def test_att_recognised_without_a_limit_hand_back_during_the_whole_reception():
    f = floor()
    f.register("09:00", name="王五", phone=phone(1))
    assert f.handover("b", "11:00", phone=phone(1)).receiver == "b"


# -- ATT-FIRST: calls that claim nothing (精品: 来电客户无保护期) -----------------------------------------

def test_att_first_a_call_claims_nothing_when_calls_do_not_claim():
    f = floor(protection__call_claims=False)
    call = f.register("09:00", name="赵六", phone=phone(1), queue="call")
    assert call.decision.receiver == "a" and call.owner is None
    assert f.who(phone(1)).owner is None
    f.rollover()
    f.check_in("a", "b", "c")
    visit = f.register("10:00", name="赵六", phone=phone(1))           # received as new: theirs from now on
    assert visit.decision.rule == rules.ROT_NEXT and visit.owner == visit.decision.receiver


# -- ROT-FREE (004 客户管理制度 12 开盘日/解筹日/看楼团) ------------------------------------------------------

def free(f, when="08:00", day=""):
    from rotactl.core.entries import FreeDay
    return f.add(FreeDay(at=f.at(when), day=day or f.date, reason="开盘日"))


def test_rot_free_leads_are_not_counted_and_the_order_is_untouched():
    f = floor()
    free(f)
    one = f.register("09:00", phone=phone(1)).decision
    two = f.register("09:05", phone=phone(2)).decision     # a is busy: the next free person
    assert [(d.receiver, d.counted, d.rule, d.skipped) for d in (one, two)] == [
        ("a", False, rules.ROT_FREE, ()), ("b", False, rules.ROT_FREE, ())]
    day = f.day()
    assert (day.stat("a").turns, day.stat("a").receptions, day.queue("visit").debts) == (0, 1, [])
    f.rollover()
    f.check_in("a", "b", "c")
    assert f.next("08:40")["next"] == "a"                  # as if the free day had no counted reception


def test_rot_free_the_desk_names_the_receiver():
    f = floor()
    free(f)
    named = f.register("09:00", phone=phone(1), to="c").decision
    assert (named.receiver, named.counted, named.rule) == ("c", False, rules.ROT_FREE)
    assert f.who(phone(1)).owner == "c"                     # the customer is credited as usual


def test_rot_free_declared_in_advance_applies_on_that_day_only():
    f = floor()
    free(f, "08:00", day="2026-11-04")
    assert f.register("09:00", phone=phone(1)).decision.rule == rules.ROT_NEXT
    f.rollover()                                            # 11-03: an ordinary day
    f.check_in("a", "b", "c")
    assert f.register("09:00", phone=phone(2)).decision.rule == rules.ROT_NEXT
    f.rollover()                                            # 11-04: the free day
    f.check_in("a", "b", "c")
    assert f.register("09:00", phone=phone(3)).decision.rule == rules.ROT_FREE
    f.rollover()
    f.check_in("a", "b", "c")
    assert f.register("09:00", phone=phone(4)).decision.rule == rules.ROT_NEXT
    assert f.day().carry.free_days == []


def test_rot_free_non_customers_keep_their_own_rule():
    f = floor()
    free(f)
    assert f.register("09:00", ckind="vendor").decision.rule == rules.CNT_NONCUSTOMER


# -- CNT-HELP at day end (客户接待管理制度 二8(2)) ----------------------------------------------------------

def helped(**knobs):
    """a owns 王五 (received yesterday); today a is busy with a new customer when 王五 comes back."""
    f = floor("carshowroom", **knobs)
    f.register("09:00", name="王五", phone=phone(1))
    f.rollover()
    f.check_in("a", "b", "c")
    assert f.register("09:00", name="新客", phone=phone(2)).decision.receiver == "a"
    help_ = f.register("09:10", name="王五", phone=phone(1)).decision
    assert (help_.receiver, help_.counted, help_.rule, help_.claim) == ("c", False, rules.ROT_LAST, "a")
    return f


def test_cnt_help_no_deal_that_day_counts_for_the_owner_and_owes_the_helper_a_make_up():
    f = helped(counting__help="owner-makeup")
    assert f.day().stat("a").turns == 1
    credits = f.rollover()
    assert [(e.kind, e.staff, e.owner, e.rule) for e in credits] == [("help-credit", "c", "a", rules.CNT_HELP)]
    closed = f.day(f"{credits[0].at[:10]} 23:59:59")
    assert closed.stat("a").turns == 2
    f.check_in("a", "b", "c")                                     # make-ups lapse in carshowroom, this one not
    first = f.register("09:00", phone=phone(3)).decision
    assert (first.receiver, first.rule) == ("c", rules.ROT_MAKEUP)
    assert f.register("09:05", phone=phone(4)).decision.receiver == "a"


def test_cnt_help_a_deal_the_same_day_is_a_split_not_a_credit():
    f = helped(counting__help="owner-makeup")
    f.deal(phone(1), "c", "deposit", "11:00")
    assert f.rollover() == []


def test_cnt_help_as_an_obligation_nothing_is_owed():
    f = helped(counting__help="obligation")
    assert f.rollover() == []
    f.check_in("a", "b", "c")
    assert f.register("09:00", phone=phone(3)).decision.rule == rules.ROT_NEXT


# -- call handling modes (SPEC §6, §5.9) ----------------------------------------------------------------

def test_rot_next_calls_next_after_receiver_the_walk_in_next_up_keeps_the_turn():
    """客户接待管理制度 二10: 销售顾问当值时,由下一名次销售顾问负责接听来电,以此类推."""
    f = floor("carshowroom", calls__mode="next-after-receiver")
    call = f.register("09:00", name="电话客", phone=phone(1), queue="call").decision
    assert (call.receiver, call.counted) == ("b", True)
    assert f.next("09:01")["next"] == "a"                         # a keeps the walk-in turn
    second = f.register("09:02", name="电话客2", phone=phone(2), queue="call").decision
    assert second.receiver == "c"                                  # 以此类推: b is busy with the first call
    walk_in = f.register("09:03", phone=phone(3)).decision
    assert (walk_in.receiver, walk_in.rule) == ("a", rules.ROT_NEXT)
    assert f.who(phone(1)).owner == "b"


def test_rot_duty_calls_go_to_the_days_duty_person_uncounted():
    from rotactl.core.entries import Duty
    f = floor(calls__mode="duty")
    first = f.register("09:00", name="电话客", phone=phone(1), queue="call").decision
    assert (first.receiver, first.counted, first.rule) == ("a", False, rules.ROT_DUTY)   # no duty named: the first
    f.add(Duty(at=f.at("09:05"), staff="c"))
    named = f.register("09:10", name="电话客2", phone=phone(2), queue="call").decision
    assert (named.receiver, named.counted, named.rule) == ("c", False, rules.ROT_DUTY)
    assert f.next("09:11")["next"] == "a"                          # the walk-in order is untouched


def test_day_rollover_distributes_the_days_calls_in_the_call_order():
    """九州名座: calls are logged and distributed in order once a day."""
    f = floor("jiuzhou", calls__mode="day-end")
    logged = [f.register(f"09:0{i}", name=f"电话客{i}", phone=phone(i), queue="call").decision for i in (1, 2, 3, 4)]
    assert {(d.receiver, d.counted, d.rule) for d in logged} == {(None, False, rules.DAY_ROLLOVER)}
    assert f.who(phone(1)).owner is None
    given = f.rollover()
    assert [(e.kind, e.receiver, e.rule) for e in given] == [
        ("distribute", "a", rules.ROT_NEXT), ("distribute", "b", rules.ROT_NEXT),
        ("distribute", "c", rules.ROT_NEXT), ("distribute", "a", rules.ROT_NEXT)]
    closed = f.day(f"{given[0].at[:10]} 23:59:59")
    assert [closed.stat(s).calls for s in "abc"] == [2, 1, 1]
    assert f.who(phone(4)).owner == "a"
    f.check_in("a", "b", "c")                                        # ORD-CONTINUE after the last call given out
    assert f.next("08:40", queue="call")["order"][0]["staff"] == "b"
