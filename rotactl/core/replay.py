"""Replay: the day's floor state from the carried state and the day's typed entries.

Replay applies the decisions recorded in the entries (receiver, skipped people
and their outcomes); it never decides anything again. Decisions are made in
`core.rotation`. Pure: no files, no clock.
"""
from __future__ import annotations

from rotactl.core import dates, rules
from rotactl.core.dates import month_of
from rotactl.core.entries import (
    QUEUES,
    Deal,
    Entry,
    Fine,
    FreeDay,
    Handover,
    HelpCredit,
    Pass,
    Penalty,
    Presence,
    Reception,
    StaffAdd,
    StaffLeave,
    StaffSuspend,
)
from rotactl.core.errors import LedgerError
from rotactl.core.penalties import suspended_until
from rotactl.core.state import Carry, Day, Member, Queue, Serving

WALK_RULES = (rules.ROT_NEXT, rules.ROT_CONSUMED)


# -- building the day's order ---------------------------------------------------

def rotation_roster(carry: Carry) -> list[str]:
    return [sid for sid, m in carry.roster.items() if m.in_rotation()]


def base_order(carry: Carry, policy, queue: str, date: str) -> list[str]:
    roster = rotation_roster(carry)
    daily = policy.order.daily
    if daily == "checkin":
        return []
    if daily == "ranking":              # ORD-RANKING: the calendar month before the day's, not the last
        last = carry.month_deals.get(dates.prev_month(date), {})     # two months that had a deal
        return sorted(roster, key=lambda s: -last.get(s, 0))
    if daily == "continue":
        last = carry.last_counted.get(queue)
        if last in roster:
            cut = roster.index(last) + 1
            return roster[cut:] + roster[:cut]
        if last and last in carry.roster:  # departed or out of rotation: continue after their roster place
            everyone = list(carry.roster)
            after = [s for s in everyone[everyone.index(last) + 1:] if s in roster]
            return after + [s for s in roster if s not in after]
    return roster


def start_day(carry: Carry, date: str, policy) -> Day:
    day = Day(date, policy, carry.copy())
    day.free = date in day.carry.free_days                 # ROT-FREE declared on an earlier day
    week = dates.iso_week(date)
    if day.carry.week != week:
        day.carry.week, day.carry.week_deals = week, {}
    keys = QUEUES if policy.order.separate_call_order else ("visit",)
    for key in keys:
        q = Queue(seq=base_order(day.carry, policy, key, date))
        q.debts = list(day.carry.makeups.get(key, []))   # only CNT-HELP's, unless make-ups carry over
        day.queues[key] = q
    return day


def end_day(day: Day) -> Carry:
    carry = day.carry
    carry.makeups = {k: list(q.debts) if day.policy.skips.makeups_carry_over else _kept(q)
                     for k, q in day.queues.items()}
    carry.makeups = {k: v for k, v in carry.makeups.items() if v}
    carry.free_days = [d for d in carry.free_days if d > day.date]
    months = sorted(carry.month_deals)  # the two latest months with deals hold the month before (ORD-RANKING)
    for old in months[:-2]:
        del carry.month_deals[old]
    return carry


def _kept(q: Queue) -> list[str]:
    """The make-ups that survive the day although ordinary ones lapse (CNT-HELP), still owed."""
    owed, out = list(q.debts), []
    for sid in q.kept:
        if sid in owed:
            owed.remove(sid)
            out.append(sid)
    return out


# -- applying recorded entries -----------------------------------------------------

def _join(day: Day, sid: str) -> None:
    """Put a person into each queue's order (ORD-CHECKIN, ORD-NEWCOMER)."""
    for q in day.queues.values():
        if sid not in q.seq:
            q.seq.append(sid)
        elif q.started and day.policy.order.newcomer_at_end:
            _move_to_end(q, sid)


def _move_to_end(q: Queue, sid: str) -> None:
    index = q.seq.index(sid)
    q.seq.pop(index)
    if index < q.pos:
        q.pos -= 1
    q.seq.append(sid)
    if q.seq and q.pos >= len(q.seq):
        q.pos = 0


def _advance_past(q: Queue, sid: str) -> None:
    """The order moves past `sid` (ROT-NEXT); crossing the end starts a new round."""
    index = q.seq.index(sid)
    if index < q.pos:
        q.round += 1
    q.pos = index + 1
    if q.pos >= len(q.seq):
        q.pos = 0
        q.round += 1


def _apply_skips(day: Day, q: Queue, skipped) -> None:
    for skip in skipped:
        sid, outcome = skip.staff, skip.outcome
        stat = day.stat(sid)
        if outcome == "make-up":
            q.debts.append(sid)
            if skip.rule == rules.ROT_OFFICIAL:
                rnd, count = q.official.get(sid, (q.round, 0))
                q.official[sid] = (q.round, (count if rnd == q.round else 0) + 1)
        elif outcome == "forfeit":
            stat.forfeits += 1
        elif outcome == "consumed":
            q.consumed.discard(sid)


def _use_turn(day: Day, q: Queue, sid: str, rule: str, counted: bool, turn: str = "") -> None:
    """How a reception (or a pass) affects the receiver's turn."""
    if turn == "makeup" or rule == rules.ROT_MAKEUP:
        if sid in q.debts:
            q.debts.remove(sid)
    elif turn == "walk" or rule in WALK_RULES:
        q.consumed.discard(sid)
        _advance_past(q, sid)
    elif counted:
        q.consumed.add(sid)  # ROT-CONSUMED: counted out of turn


def _staff_add(day: Day, e: StaffAdd) -> None:
    carry = day.carry
    carry.roster[e.staff] = Member(e.staff, e.name or e.staff, e.role, e.team, e.trainee, e.at)
    if day.policy.order.daily != "checkin" and carry.roster[e.staff].in_rotation():
        for q in day.queues.values():
            if e.staff not in q.seq:
                q.seq.append(e.staff)


def _staff_leave(day: Day, e: StaffLeave) -> None:
    member = day.carry.roster[e.staff]
    member.left, member.reassign_to = e.at, e.reassign_to
    day.person(e.staff).checked_in = False


def _staff_suspend(day: Day, e: StaffSuspend) -> None:
    day.carry.roster[e.staff].suspended_until = suspended_until(e.at, e.days)
    day.stat(e.staff).penalties.append(f"停牌 {e.days} 天")


def _penalty(day: Day, e: Penalty) -> None:
    member = day.carry.roster[e.staff]
    member.half_from, member.half_until = e.start, e.until
    day.stat(e.staff).penalties.append(f"两排一轮 {e.start}–{e.until}")


def _check_in(day: Day, e: Presence) -> None:
    person = day.person(e.staff)
    person.checked_in, person.since, person.away = True, e.at, ""
    if day.carry.roster[e.staff].in_rotation():
        _join(day, e.staff)


def _check_out(day: Day, e: Presence) -> None:
    person = day.person(e.staff)
    person.checked_in, person.away, person.receiving = False, "", []


def _away(day: Day, e: Presence) -> None:
    day.person(e.staff).away = e.reason or "personal"


def _back(day: Day, e: Presence) -> None:
    person = day.person(e.staff)
    person.away, person.since = "", e.at


def _done(day: Day, e: Presence) -> None:
    person = day.person(e.staff)
    person.receiving, person.since = [], e.at


def _pass(day: Day, e: Pass) -> None:
    q = day.queue(e.queue)
    _apply_skips(day, q, e.skipped)
    _use_turn(day, q, e.staff, "", False, e.turn)
    stat = day.stat(e.staff)
    stat.passes += 1
    if not e.free:
        day.passes[e.staff] = day.passes.get(e.staff, 0) + 1
    if e.fine:
        stat.fines += e.fine
        stat.penalties.append(f"罚款 {e.fine} 元")
    if e.suspend_days:
        day.carry.roster[e.staff].suspended_until = suspended_until(e.at, e.suspend_days)
        stat.penalties.append(f"停牌 {e.suspend_days} 天")


def _free_day(day: Day, e: FreeDay) -> None:
    """ROT-FREE: today from now on, or a later day (carried until it comes)."""
    if e.day == day.date:
        day.free = True
    elif e.day > day.date and e.day not in day.carry.free_days:
        day.carry.free_days = sorted(day.carry.free_days + [e.day])


def _fine(day: Day, e: Fine) -> None:
    stat = day.stat(e.staff)
    stat.fines += e.fine
    stat.penalties.append(f"罚款 {e.fine} 元 ({e.rule})")


def _help_credit(day: Day, e: HelpCredit) -> None:
    """CNT-HELP at day end: the help reception counts for the owner; the helper is owed a make-up that
    is served by the next lead even where make-ups lapse with the day."""
    day.stat(e.owner).turns += 1
    q = day.queue(e.queue)
    q.debts.append(e.staff)
    q.kept.append(e.staff)


def _duty(day: Day, e: Entry) -> None:
    day.duty = e.staff


def _distribute(day: Day, e: Entry) -> None:
    """A call logged in the day was given out at day end (`calls.mode = "day-end"`)."""
    q = day.queue("call")
    if e.receiver in q.seq:
        _advance_past(q, e.receiver)
    stat = day.stat(e.receiver)
    stat.receptions += 1
    stat.calls += 1
    if e.counted:
        stat.turns += 1
        day.carry.last_counted[day.qkey("call")] = e.receiver


def _deal(day: Day, e: Deal) -> None:
    if e.stage in ("deposit", "contract"):
        day.deal_phones.add(e.phone)
        carry = day.carry
        day.stat(e.staff).deals += 1
        month = carry.month_deals.setdefault(month_of(e.at), {})
        month[e.staff] = month.get(e.staff, 0) + 1
        carry.week_deals[e.staff] = carry.week_deals.get(e.staff, 0) + 1


def _reception(day: Day, e: Reception) -> None:
    queue = e.kind
    q = day.queue(queue)
    receiver, counted = e.receiver, e.counted
    _apply_skips(day, q, e.skipped)
    day.receptions[e.id] = e
    if not receiver:
        return
    _use_turn(day, q, receiver, e.rule, counted)
    if counted:
        q.started = True
        day.carry.last_counted[day.qkey(queue)] = receiver
    day.person(receiver).receiving.append(Serving(e.id, queue, counted, e.phone))
    stat = day.stat(receiver)
    if counted:
        stat.turns += 1
    if not e.ckind:                     # a customer (CNT-NONCUSTOMER: others are not receptions)
        stat.receptions += 1
        if queue == "call":
            stat.calls += 1
        if e.phone:
            day.seen.setdefault(e.phone, receiver)
    if e.rule == rules.ROT_MAKEUP:
        stat.makeups += 1


def _handover(day: Day, e: Handover) -> None:
    """ATT-RECOGNISED: the receiver hands the customer to the colleague who owns them."""
    giver, taker = e.staff, e.receiver
    ref = day.receptions.get(e.ref)
    queue = ref.kind if ref else "visit"
    q = day.queue(queue)
    giver_person = day.person(giver)
    giver_person.receiving = [r for r in giver_person.receiving if r.entry != e.ref]
    if not giver_person.receiving:
        giver_person.since = e.at
    _apply_skips(day, q, e.skipped)
    _use_turn(day, q, taker, e.rule, e.counted)
    day.person(taker).receiving.append(Serving(e.id, queue, e.counted, e.phone))
    if e.phone:
        day.seen[e.phone] = taker
    day.stat(taker).receptions += 1
    if e.counted:
        day.stat(taker).turns += 1


APPLY = {
    "staff-add": _staff_add, "staff-leave": _staff_leave, "staff-suspend": _staff_suspend,
    "staff-penalize": _penalty, "penalty": _penalty,
    "check-in": _check_in, "check-out": _check_out, "away": _away, "back": _back, "done": _done,
    "pass": _pass, "fine": _fine, "free-day": _free_day, "help-credit": _help_credit, "duty": _duty,
    "distribute": _distribute, "deal": _deal, "visit": _reception, "call": _reception, "handover": _handover,
}


# the entries that decide who receives a lead, and those that change the order it is decided in
RECEPTION_KINDS = frozenset({"visit", "call", "pass", "handover"})
TURN_KINDS = RECEPTION_KINDS | {"check-in", "check-out", "away", "back", "done", "staff-add", "staff-leave",
                                "staff-suspend", "staff-penalize", "free-day", "duty"}


def backdated(day_entries: list[Entry], new: list[Entry]) -> Entry | None:
    """SPEC §4.2 (time): the latest turn decision of the day that a new turn-deciding entry would
    precede (None when the new entries decide no turn, or come after every decision)."""
    earliest = min((e.at for e in new if e.kind in TURN_KINDS), default=None)
    if earliest is None:
        return None
    return max((e for e in day_entries if e.kind in TURN_KINDS and e.at > earliest),
               key=lambda e: (e.at, e.id), default=None)


def apply(day: Day, entry: Entry) -> None:
    """Apply one recorded entry to the day; kinds without a floor effect change nothing."""
    handler = APPLY.get(entry.kind)
    if handler is not None:
        handler(day, entry)


def note_next_up(day: Day, at: str) -> None:
    """PEN-PASSES, free pass: who is each queue's next-up after the entry at `at`, and since when
    (青岛 二: the idle time counts from the moment the person became next-up)."""
    from rotactl.core.rotation import makeup_holder, walk

    for key in day.queues:
        who = makeup_holder(day, key) or walk(day, key)[0]
        if day.nextup.get(key, (None, ""))[0] != who:
            day.nextup[key] = (who, at)


def replay_day(carry: Carry, date: str, policy, entries: list[Entry]) -> Day:
    """A day's floor from the carried state and the day's entries, in (time, id) order."""
    day = start_day(carry, date, policy)
    track = policy.skips.free_pass_idle_minutes > 0
    for entry in sorted(entries, key=lambda e: (e.at, e.id)):
        try:
            apply(day, entry)
            if track:
                note_next_up(day, entry.at)
        except (KeyError, ValueError, IndexError) as exc:
            raise LedgerError([f"{entry.where or entry.id}: entry {entry.id} ({entry.kind}) cannot be replayed: "
                               f"it refers to {exc} that the ledger does not have"]) from None
    return day
