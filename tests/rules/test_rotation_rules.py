"""SPEC §5.1 (order of the day), §5.2 (skips, forfeits, make-ups) and §5.7 (penalties, day end),
through the pure core only (tests/rules/kit.py)."""
import pytest

from rotactl.core import rules
from rotactl.core.errors import DomainError
from rotactl.core.penalties import day_end
from rotactl.core.replay import end_day, replay_day
from rotactl.core.rotation import NobodyAvailable
from tests.rules.kit import Floor, floor, phone

D2, D3, D4, D5 = "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"



def skips(decision) -> list[tuple]:
    return [tuple(s) for s in decision.skipped]


def order(f: Floor, when: str) -> list[str]:
    return [row["staff"] for row in f.next(when)["order"]]


def lead(f: Floor, when: str, done: bool = True, **fields):
    """Register a new customer (a fresh phone) at `when`; the receiver is done a minute later unless done=False."""
    decision = f.register(when, phone=phone(1000 + len(f.entries)), **fields).decision
    if done and decision.receiver:
        f.done(decision.receiver, f"{when[:-2]}{int(when[-2:]) + 1:02d}")
    return decision


def receivers(f: Floor, *times: str) -> list[str]:
    return [lead(f, t).receiver for t in times]


# -- ORD-CONTINUE ------------------------------------------------------------------------------

def test_ord_continue_next_day_starts_after_yesterdays_last_counted_receiver():
    """ORD-CONTINUE: 'starting with the person after yesterday's last counted receiver'."""
    f = floor()
    assert receivers(f, "09:00", "09:10") == ["a", "b"]
    f.rollover()
    f.check_in("a", "b", "c")
    first = lead(f, "09:00")
    assert (first.receiver, first.counted, first.rule) == ("c", True, rules.ROT_NEXT)
    assert lead(f, "09:10").receiver == "a"


def test_ord_continue_an_uncounted_duty_reception_does_not_move_the_carried_order():
    """ORD-CONTINUE counts only counted receptions; ROT-DUTY leads are not counted."""
    f = floor()
    assert lead(f, "09:00").receiver == "a"
    duty = lead(f, "18:00")
    assert (duty.receiver, duty.counted, duty.rule) == ("b", False, rules.ROT_DUTY)
    f.rollover()
    f.check_in("a", "b", "c")
    assert f.next("08:40")["next"] == "b"


# -- ORD-CHECKIN -------------------------------------------------------------------------------

def test_ord_checkin_the_order_is_the_order_of_check_in():
    """ORD-CHECKIN: 'today's order is the order of check-in'."""
    f = Floor(order__daily="checkin")
    f.staff("a", "b", "c")
    f.check_in("c", when="08:10")
    f.check_in("a", when="08:20")
    f.check_in("b", when="08:30")
    assert order(f, "08:40") == ["c", "a", "b"]
    assert receivers(f, "09:00", "09:10", "09:20") == ["c", "a", "b"]


def test_ord_checkin_a_new_day_follows_that_days_check_ins_not_yesterdays_order():
    """ORD-CHECKIN: each day's order is that day's order of check-in."""
    f = Floor(order__daily="checkin")
    f.staff("a", "b", "c")
    f.check_in("a", "b", "c")
    assert receivers(f, "09:00") == ["a"]
    f.rollover()
    f.check_in("b", when="08:10")
    f.check_in("a", when="08:20")
    assert order(f, "08:30")[:2] == ["b", "a"]
    assert lead(f, "09:00").receiver == "b"


# -- ORD-FIXED ---------------------------------------------------------------------------------

def test_ord_fixed_every_day_starts_from_the_first_of_the_roster():
    """ORD-FIXED: 'the roster order, every day from its first person' (qingdao)."""
    f = floor("qingdao")
    assert receivers(f, "09:00", "09:10") == ["a", "b"]
    f.rollover()
    f.check_in("a", "b", "c")
    first = lead(f, "09:00")
    assert (first.receiver, first.rule) == ("a", rules.ROT_NEXT)


# -- ORD-RANKING -------------------------------------------------------------------------------

def test_ord_ranking_last_months_deals_most_first():
    """ORD-RANKING: 'ordered by last month's deals, most first'."""
    f = Floor(order__daily="ranking", date="2026-10-05")
    f.staff("a", "b", "c")
    f.deal(phone(1), "c", "deposit", "2026-10-10 10:00")
    f.deal(phone(2), "c", "contract", "2026-10-12 10:00")
    f.deal(phone(3), "b", "deposit", "2026-10-14 10:00")
    f.deal(phone(4), "a", "deposit", "2026-11-01 10:00")       # this month's deal does not rank
    f.date = "2026-11-02"
    f.check_in("a", "b", "c")
    assert order(f, "08:40") == ["c", "b", "a"]
    assert receivers(f, "09:00", "09:10", "09:20") == ["c", "b", "a"]


# -- ORD-NEWCOMER ------------------------------------------------------------------------------

def test_ord_newcomer_checking_in_after_the_first_reception_goes_to_the_end():
    """ORD-NEWCOMER: 'checks in after the day's first reception is placed at the end of today's order'."""
    f = Floor()
    f.staff("a", "b", "c")
    f.check_in("a", "c")
    assert lead(f, "09:00").receiver == "a"
    f.check_in("b", when="09:10")
    assert order(f, "09:15") == ["c", "b", "a"]
    assert receivers(f, "09:20", "09:30") == ["c", "b"]


def test_ord_newcomer_checking_in_before_the_first_reception_keeps_the_roster_place():
    """ORD-NEWCOMER applies only after the day's first reception."""
    f = Floor()
    f.staff("a", "b", "c")
    f.check_in("a", "c")
    f.check_in("b", when="08:50")
    assert receivers(f, "09:00", "09:10", "09:20") == ["a", "b", "c"]


def test_ord_newcomer_joining_the_roster_after_the_first_reception_goes_to_the_end():
    """ORD-NEWCOMER: 'someone who joins the roster … after the day's first reception'."""
    f = floor("default", "a", "b")
    assert lead(f, "09:00").receiver == "a"
    f.staff("n", when="09:05")
    f.check_in("n", when="09:06")
    assert receivers(f, "09:10", "09:20", "09:30") == ["b", "n", "a"]


# -- ORD-TRAINEE -------------------------------------------------------------------------------

def test_ord_trainee_trainees_managers_suspended_and_absent_are_not_in_the_order():
    """ORD-TRAINEE: 'trainees, suspended staff and those not checked in are not in the order'."""
    f = Floor()
    f.staff("t", trainee=True)
    f.staff("m", role="manager")
    f.staff("s", "x", "a")
    f.check_in("t", "m", "s", "a")                       # x does not check in
    f.suspend("s", 1, "08:40")
    first = lead(f, "09:00")
    assert (first.receiver, first.rule, skips(first)) == ("a", rules.ROT_NEXT, [])
    assert lead(f, "09:10").receiver == "a"
    assert [row["staff"] for row in f.next("09:20")["order"]][:1] == ["a"]


# -- ROT-NEXT ----------------------------------------------------------------------------------

def test_rot_next_the_next_up_receives_and_the_order_moves_past_them():
    """ROT-NEXT: 'a new lead goes to the next-up; the order moves past them'."""
    f = floor()
    first = lead(f, "09:00")
    assert (first.receiver, first.counted, first.rule, skips(first)) == ("a", True, rules.ROT_NEXT, [])
    assert f.next("09:05")["next"] == "b"
    assert receivers(f, "09:10", "09:20") == ["b", "c"]
    view = f.next("09:30")
    assert (view["next"], view["round"]) == ("a", 2)


# -- ROT-BUSY ----------------------------------------------------------------------------------

def test_rot_busy_forfeit_by_policy_the_busy_next_up_loses_the_turn():
    """ROT-BUSY with skips.busy = "forfeit" (jiuzhou: misses get no make-up)."""
    f = floor("jiuzhou")
    assert lead(f, "09:00", done=False).receiver == "a"
    assert receivers(f, "09:10", "09:20") == ["b", "c"]
    fourth = lead(f, "09:30")
    assert (fourth.receiver, fourth.rule) == ("b", rules.ROT_NEXT)
    assert skips(fourth) == [("a", "forfeit", rules.ROT_BUSY)]
    f.done("a", "09:40")
    assert lead(f, "09:50").receiver == "c"                 # no make-up for a
    assert [row["owed"] for row in f.next("10:00")["order"] if row["staff"] == "a"] == [0]


def test_rot_busy_make_up_is_served_first_once_free():
    """ROT-BUSY: 'skipped, one make-up owed' (default)."""
    f = floor()
    lead(f, "09:00", done=False)                            # a busy
    assert receivers(f, "09:10", "09:20") == ["b", "c"]
    fourth = lead(f, "09:30")
    assert (fourth.receiver, skips(fourth)) == ("b", [("a", "make-up", rules.ROT_BUSY)])
    f.done("a", "09:40")
    back = lead(f, "09:50")
    assert (back.receiver, back.counted, back.rule) == ("a", True, rules.ROT_MAKEUP)


# -- ROT-OFFICIAL ------------------------------------------------------------------------------

def test_rot_official_away_on_official_business_earns_a_make_up():
    """ROT-OFFICIAL: 'next-up is away on approved official business: skipped, make-up owed'."""
    f = floor()
    f.away("a", "official", "08:40")
    first = lead(f, "09:00")
    assert (first.receiver, first.rule) == ("b", rules.ROT_NEXT)
    assert skips(first) == [("a", "make-up", rules.ROT_OFFICIAL)]
    f.back("a", "09:30")
    served = lead(f, "09:40")
    assert (served.receiver, served.counted, served.rule) == ("a", True, rules.ROT_MAKEUP)
    assert lead(f, "09:50").receiver == "c"


def test_rot_official_forfeit_by_policy():
    """ROT-OFFICIAL with skips.official = "forfeit": no make-up."""
    f = floor(skips__official="forfeit")
    f.away("a", "official", "08:40")
    first = lead(f, "09:00")
    assert skips(first) == [("a", "forfeit", rules.ROT_OFFICIAL)]
    f.back("a", "09:30")
    assert lead(f, "09:40").receiver == "c"


def test_rot_official_at_most_one_make_up_a_round():
    """ROT-OFFICIAL: 'make-up owed, at most one per round' (official_makeups_per_round = 1)."""
    f = floor()
    assert lead(f, "09:00").receiver == "a"
    assert lead(f, "09:02", to="b").rule == rules.ROT_OVERRIDE     # b's turn is consumed
    lead(f, "09:04", done=False, to="c")                           # c consumed and busy
    f.away("a", "official", "09:05")
    x = lead(f, "09:10")                                           # the walk passes a in round 1 …
    assert (x.receiver, x.rule) == ("b", rules.ROT_CONSUMED)
    assert ("a", "make-up", rules.ROT_OFFICIAL) in skips(x)
    y = lead(f, "09:20")                                           # … and again in the same round
    assert y.receiver == "b"
    assert skips(y) == [("c", "make-up", rules.ROT_BUSY), ("a", "forfeit", rules.ROT_OFFICIAL)]
    f.back("a", "09:30")
    owed = {row["staff"]: row["owed"] for row in f.next("09:35")["order"]}
    assert owed == {"a": 1, "b": 0, "c": 1}                           # one for a in the round
    served = lead(f, "09:40")
    assert (served.receiver, served.rule) == ("a", rules.ROT_MAKEUP)


def test_rot_official_no_limit_when_the_knob_is_zero():
    """skips.official_makeups_per_round = 0: every official skip earns a make-up."""
    f = floor(skips__official_makeups_per_round=0)
    assert lead(f, "09:00").receiver == "a"
    lead(f, "09:02", to="b")
    lead(f, "09:04", done=False, to="c")
    f.away("a", "official", "09:05")
    lead(f, "09:10")
    y = lead(f, "09:20")
    assert ("a", "make-up", rules.ROT_OFFICIAL) in skips(y)


# -- ROT-ABSENT --------------------------------------------------------------------------------

def test_rot_absent_away_for_personal_reasons_forfeits():
    """ROT-ABSENT: 'next-up is away for personal reasons …: forfeit, no make-up'."""
    f = floor()
    f.away("a", "personal", "08:40")
    first = lead(f, "09:00")
    assert (first.receiver, first.rule) == ("b", rules.ROT_NEXT)
    assert skips(first) == [("a", "forfeit", rules.ROT_ABSENT)]
    f.back("a", "09:30")
    assert receivers(f, "09:40", "09:50") == ["c", "a"]


def test_rot_absent_the_desk_could_not_find_them():
    """ROT-ABSENT: '… or the desk could not find them (--absent): forfeit'."""
    f = floor()
    first = lead(f, "09:00", absent=("a",))
    assert (first.receiver, skips(first)) == ("b", [("a", "forfeit", rules.ROT_ABSENT)])
    assert receivers(f, "09:10", "09:20") == ["c", "a"]


def test_rot_absent_applies_also_to_someone_owed_a_make_up():
    """ROT-ABSENT: --absent is honoured before ROT-MAKEUP too."""
    f = floor()
    f.away("b", "official", "08:40")
    lead(f, "09:00")                                    # a; b owed a make-up
    f.back("b", "09:10")
    got = lead(f, "09:20", absent=("b",))
    assert (got.receiver, got.rule) == ("c", rules.ROT_NEXT)


# -- ROT-PASS ----------------------------------------------------------------------------------

def test_rot_pass_the_next_up_passes_and_forfeits_the_turn():
    """ROT-PASS: 'next-up passes voluntarily: forfeit'."""
    f = floor()
    passed = f.pass_("a", "09:00")
    assert (passed.rule, passed.free, passed.fine, passed.suspend_days) == (rules.ROT_PASS, False, 0, 0)
    assert f.day("09:00").passes == {"a": 1}
    assert receivers(f, "09:10", "09:20", "09:30") == ["b", "c", "a"]   # no make-up for a


def test_rot_pass_only_the_next_up_may_pass():
    """§5.8: 'pass is only for the next-up; anyone else is refused'."""
    f = floor()
    with pytest.raises(DomainError, match="next-up is a"):
        f.pass_("b", "09:00")
    f.away("a", "personal", "09:05")
    with pytest.raises(DomainError):
        f.pass_("a", "09:10")
    assert f.pass_("b", "09:15").staff == "b"


# -- ROT-MAKEUP --------------------------------------------------------------------------------

def test_rot_makeup_oldest_debt_is_served_first():
    """ROT-MAKEUP: 'takes the next new lead before the normal order; oldest debt first'."""
    f = floor()
    f.away("b", "official", "08:40")
    assert lead(f, "09:00").receiver == "a"
    assert lead(f, "09:05").receiver == "c"             # b owed (first debt)
    f.away("b", "personal", "09:07")
    f.away("a", "official", "09:08")
    third = lead(f, "09:10")                            # a owed (second debt)
    assert skips(third) == [("a", "make-up", rules.ROT_OFFICIAL), ("b", "forfeit", rules.ROT_ABSENT)]
    f.back("a", "09:15")
    f.back("b", "09:15")
    first, second = lead(f, "09:20", done=False), lead(f, "09:25")
    assert (first.receiver, first.rule) == ("b", rules.ROT_MAKEUP)
    assert (second.receiver, second.rule) == ("a", rules.ROT_MAKEUP)


def test_rot_makeup_waits_while_the_holder_is_unavailable():
    """ROT-MAKEUP: only 'a person owed a make-up who is available' takes the lead."""
    f = floor()
    lead(f, "09:00", done=False)                        # a busy
    receivers(f, "09:10", "09:20")                         # b, c
    lead(f, "09:30")                                    # b; a owed
    got = lead(f, "09:40")
    assert (got.receiver, got.rule) == ("c", rules.ROT_NEXT)


# -- ROT-CONSUMED ------------------------------------------------------------------------------

def test_rot_consumed_an_out_of_turn_counted_reception_uses_the_turn():
    """ROT-CONSUMED: 'the next time the order reaches them they are passed over, no make-up'."""
    f = floor()
    out = lead(f, "09:00", to="b")                      # b counted out of turn
    assert (out.receiver, out.counted) == ("b", True)
    assert lead(f, "09:10").receiver == "a"
    third = lead(f, "09:20")
    assert (third.receiver, skips(third)) == ("c", [("b", "consumed", rules.ROT_CONSUMED)])
    assert receivers(f, "09:30", "09:40") == ["a", "b"]    # passed over once only


def test_rot_consumed_never_leaves_a_lead_with_nobody():
    """§5.8: 'a person passed over only for a consumed turn may be taken after the rest of the order'."""
    f = floor()
    lead(f, "09:00", to="b")                            # b consumed
    f.away("c", "personal", "09:05")
    lead(f, "09:10", done=False)                        # a busy
    got = lead(f, "09:20")
    assert (got.receiver, got.counted, got.rule) == ("b", True, rules.ROT_CONSUMED)
    assert skips(got) == [("c", "forfeit", rules.ROT_ABSENT), ("a", "make-up", rules.ROT_BUSY)]


# -- ROT-LAST ----------------------------------------------------------------------------------

def test_rot_last_the_last_in_the_rotation_helps_with_an_absent_owners_customer():
    """ROT-LAST: 'walk backwards from the next-up and take the first available person'."""
    f = floor("default", "a", "b", "c", "d")
    f.register("09:00", name="张三", phone=phone(1))        # a owns 张三
    f.done("a", "09:01")
    lead(f, "09:10")                                    # b; c is next-up
    f.away("a", "personal", "09:20")
    help_ = f.register("09:30", name="张三", phone=phone(1)).decision
    assert (help_.receiver, help_.counted, help_.rule, help_.claim) == ("b", False, rules.ROT_LAST, "a")
    assert f.next("09:35")["next"] == "c"


def test_rot_last_walks_backwards_past_the_unavailable():
    """ROT-LAST: the available person furthest from their next turn."""
    f = floor("default", "a", "b", "c", "d")
    f.register("09:00", name="张三", phone=phone(1))
    f.done("a", "09:01")
    lead(f, "09:10", done=False)                        # b busy; c is next-up
    f.away("a", "personal", "09:20")
    help_ = f.register("09:30", name="张三", phone=phone(1)).decision
    assert (help_.receiver, help_.rule) == ("d", rules.ROT_LAST)


# -- ROT-NOBODY / ROT-OVERRIDE -----------------------------------------------------------------

def test_rot_nobody_refuses_and_says_who_is_where():
    """ROT-NOBODY: 'nobody can take the lead: refuse … and say who is where'."""
    f = floor("default", "a", "b")
    lead(f, "09:00", done=False)
    f.away("b", "personal", "09:05")
    with pytest.raises(NobodyAvailable) as caught:
        f.register("09:10", phone=phone(2))
    assert caught.value.where == ["a busy", "b away"]
    assert f.next("09:10")["next"] is None


def test_rot_nobody_with_nobody_checked_in():
    """ROT-NOBODY: no one in the order at all."""
    f = Floor()
    f.staff("a", "b")
    with pytest.raises(NobodyAvailable, match="nobody"):
        f.register("09:00", phone=phone(1))


def test_rot_override_a_manager_assigns_the_lead():
    """ROT-NOBODY: 'a manager may --to a person (recorded as ROT-OVERRIDE)'."""
    f = floor("default", "a", "b")
    lead(f, "09:00", done=False)
    f.away("b", "personal", "09:05")
    got = f.register("09:10", phone=phone(2), to="b").decision
    assert (got.receiver, got.counted, got.rule, skips(got)) == ("b", True, rules.ROT_OVERRIDE, [])


def test_rot_override_does_not_move_the_order():
    """ROT-OVERRIDE: the next-up keeps the turn (the receiver's is consumed)."""
    f = floor()
    assert lead(f, "09:00", to="c").receiver == "c"
    assert f.next("09:05")["next"] == "a"


# -- ROT-DUTY ----------------------------------------------------------------------------------

def test_rot_duty_after_closing_the_duty_receives_uncounted():
    """ROT-DUTY: 'outside opening hours leads go to the staff on duty and are not counted'."""
    f = floor()
    late = lead(f, "17:30")
    assert (late.receiver, late.counted, late.rule) == ("a", False, rules.ROT_DUTY)
    assert f.next("17:40")["next"] == "a"                  # the order has not moved
    f.check_in("b", when="2026-11-03 07:40")
    early = f.register("2026-11-03 07:50", phone=phone(2)).decision
    assert (early.receiver, early.counted, early.rule) == ("b", False, rules.ROT_DUTY)


def test_rot_duty_in_hours_the_rotation_applies():
    """ROT-DUTY: only outside opening hours (default 08:00–17:30)."""
    f = floor()
    got = lead(f, "17:29")
    assert (got.receiver, got.counted, got.rule) == ("a", True, rules.ROT_NEXT)


def test_rot_duty_after_hours_rotation_by_policy():
    """skips.after_hours = "rotation": after-hours leads are received as in hours."""
    f = floor(skips__after_hours="rotation")
    got = lead(f, "18:00")
    assert (got.receiver, got.counted, got.rule) == ("a", True, rules.ROT_NEXT)


# -- PEN-PASSES --------------------------------------------------------------------------------

def test_pen_passes_fine_at_the_second_pass_suspension_at_the_third():
    """PEN-PASSES: '青岛 三: 2 → 50 yuan, 3 → 3 days'."""
    f = floor("qingdao", "a")
    one, two, three = f.pass_("a", "08:35"), f.pass_("a", "08:40"), f.pass_("a", "08:45")
    assert (one.rule, one.fine, one.suspend_days) == (rules.ROT_PASS, 0, 0)
    assert (two.rule, two.fine, two.suspend_days) == (rules.PEN_PASSES, 50, 0)
    assert (three.rule, three.fine, three.suspend_days) == (rules.PEN_PASSES, 0, 3)
    assert f.day().stat("a").fines == 50
    assert f.next("08:50")["order"][0]["status"] == "suspended"


def test_pen_passes_after_the_idle_minutes_a_pass_is_free():
    """PEN-PASSES, free pass: 青岛 二 — next-up for over 30 minutes without a customer may pass freely."""
    f = floor("qingdao", "a")                              # a is next-up from check-in at 08:30
    free = f.pass_("a", "09:01")
    assert (free.rule, free.free, free.fine) == (rules.ROT_PASS, True, 0)
    assert f.day("09:01").passes == {}


def test_pen_passes_within_the_idle_minutes_a_pass_counts():
    """PEN-PASSES: a pass before 30 idle minutes counts toward the limits."""
    f = floor("qingdao", "a")
    early = f.pass_("a", "08:50")
    assert (early.free, f.day("08:50").passes) == (False, {"a": 1})


def test_pen_passes_without_limits_passes_are_never_fined():
    """PEN-PASSES: default has no pass limits (pass_fine_at = pass_suspend_at = 0)."""
    f = floor("default", "a")
    last = [f.pass_("a", f"09:0{i}") for i in range(4)][-1]
    assert (last.rule, last.fine, last.suspend_days) == (rules.ROT_PASS, 0, 0)


# -- PEN-HALF ----------------------------------------------------------------------------------

def test_pen_half_a_manager_penalty_excludes_every_other_round():
    """PEN-HALF: 'half rotation … takes part in every other round only' (轮岗3 十一)."""
    f = floor()
    f.penalize("b", 7, "08:00")
    assert receivers(f, "09:00", "09:10", "09:20") == ["a", "b", "c"]     # round 1: b takes part
    assert lead(f, "09:30").receiver == "a"
    round2 = lead(f, "09:40")
    assert (round2.receiver, skips(round2)) == ("c", [("b", "excluded", rules.PEN_HALF)])
    assert receivers(f, "09:50", "10:00") == ["a", "b"]                     # round 3: b again


def test_pen_half_no_deal_in_the_week_means_half_rotation_next_week():
    """PEN-HALF: '九州名座 12 no deal in a week → next week' (jiuzhou, rollover on the week's last day)."""
    f = Floor("jiuzhou", date="2026-11-07")                 # Saturday
    f.staff("a", "b")
    f.check_in("a", "b")
    assert f.rollover() == []
    f.check_in("a", "b")                                    # Sunday 11-08
    f.register("09:00", name="张三", phone=phone(1))
    f.deal(phone(1), "a", "deposit", "10:00")
    (penalty,) = f.rollover()
    assert (penalty.staff, penalty.rule, penalty.start, penalty.until) == ("b", rules.PEN_HALF,
                                                                            "2026-11-09", "2026-11-15")
    f.check_in("a", "b")                                    # Monday 11-09: order b, a
    assert receivers(f, "09:00", "09:10") == ["b", "a"]
    round2 = lead(f, "09:20")
    assert (round2.receiver, skips(round2)) == ("a", [("b", "excluded", rules.PEN_HALF)])


def test_pen_half_is_off_without_the_weekly_knob():
    """PEN-HALF weekly rule only with penalties.no_deal_week_half (not in default)."""
    f = Floor(date="2026-11-08")
    f.staff("a", "b")
    f.check_in("a", "b")
    assert f.rollover() == []


# -- PEN-SUSPEND -------------------------------------------------------------------------------

def test_pen_suspend_out_of_the_order_through_the_n_following_days():
    """§5.8: 'A suspension for N days starts at once and lasts through the N following days'."""
    f = floor()
    f.suspend("b", 2, "08:45")
    assert receivers(f, "09:00", "09:10") == ["a", "c"]
    for _ in range(2):                                      # 11-03, 11-04: still suspended
        f.rollover()
        f.check_in("a", "b", "c")
        assert "b" not in receivers(f, "09:00", "09:10", "09:20")
        assert [r["status"] for r in f.next("09:30")["order"] if r["staff"] == "b"] == ["suspended"]
    f.rollover()                                            # 11-05: back
    f.check_in("a", "b", "c")
    assert "b" in receivers(f, "09:00", "09:10", "09:20")


# -- DAY-ROLLOVER ------------------------------------------------------------------------------

def test_day_rollover_carries_the_order_and_lapses_make_ups():
    """DAY-ROLLOVER: 'records the carried order (ORD-CONTINUE)'; make-ups lapse by default."""
    f = floor()
    lead(f, "09:00", done=False)                         # a busy
    receivers(f, "09:10", "09:20")                          # b, c
    assert skips(lead(f, "09:30")) == [("a", "make-up", rules.ROT_BUSY)]
    f.rollover()
    f.check_in("a", "b", "c")
    got = lead(f, "09:00")                               # yesterday's last counted was b
    assert (got.receiver, got.rule) == ("c", rules.ROT_NEXT)


def test_day_rollover_carries_make_ups_when_the_policy_says_so():
    """skips.makeups_carry_over = true: make-ups owed at day end are served the next day."""
    f = floor(skips__makeups_carry_over=True)
    lead(f, "09:00", done=False)
    receivers(f, "09:10", "09:20")
    lead(f, "09:30")
    f.rollover()
    f.check_in("a", "b", "c")
    got = lead(f, "09:00")
    assert (got.receiver, got.rule) == ("a", rules.ROT_MAKEUP)


def test_day_rollover_running_it_twice_changes_nothing():
    """DAY-ROLLOVER: 'running it twice changes nothing'."""
    f = Floor("jiuzhou", date="2026-11-08")
    f.staff("a", "b")
    f.check_in("a", "b")
    receivers(f, "09:00", "09:10", "09:20")
    day = f.day()
    assert day_end(day, "cron") == day_end(f.day(), "cron")
    assert [p.staff for p in day_end(day, "cron")] == ["a", "b"]
    entries = [e for e in f.entries if e.at[:10] == f.date]
    once = end_day(replay_day(f.carry_before(f.date), f.date, f.policy, entries)).to_dict()
    twice = end_day(replay_day(f.carry_before(f.date), f.date, f.policy, entries)).to_dict()
    assert once == twice and once["last_counted"] == {"visit": "a"}
