"""Penalties: pass limits, suspensions, half rotation, and the day-end rules of rollover.

PEN-PASSES   voluntary passes of a day: a fine from the Nth, a suspension at the
             Mth; a pass after the idle time is free (it does not count).
PEN-SUSPEND  a suspension starts at once and lasts through the N following days.
PEN-HALF     half rotation (两排一轮) from a day through a day: a manager's, or the
             weekly day-end rule (no deal in a week → half rotation next week).
DAY-ROLLOVER the day-end rules a closed day runs (`day_end`).
"""
from __future__ import annotations

from typing import NamedTuple

from rotactl.core import dates, rules
from rotactl.core.dates import day_of
from rotactl.core.entries import Distribute, HelpCredit, Penalty
from rotactl.core.state import Day


class PassPenalty(NamedTuple):
    free: bool = False
    fine: int = 0
    suspend_days: int = 0
    rule: str = ""          # PEN-PASSES when a fine or suspension applies


def pass_penalty(day: Day, sid: str, at: str, queue: str = "visit") -> PassPenalty:
    """PEN-PASSES: fines and suspension by the day's count of voluntary passes; a pass after the idle
    minutes, counted from the moment the person became next-up (SPEC §5.9), is free."""
    pen = day.policy.penalties
    idle = day.policy.skips.free_pass_idle_minutes
    who, since = day.nextup.get(day.qkey(queue), (None, ""))
    if idle and who == sid and since and dates.minutes_between(since, at) >= idle:
        return PassPenalty(free=True)
    count = day.passes.get(sid, 0) + 1
    if pen.pass_suspend_at and count >= pen.pass_suspend_at:
        return PassPenalty(suspend_days=pen.pass_suspend_days, rule=rules.PEN_PASSES)
    if pen.pass_fine_at and count >= pen.pass_fine_at:
        return PassPenalty(fine=pen.pass_fine_yuan, rule=rules.PEN_PASSES)
    return PassPenalty()


def suspended_until(at: str, days: int) -> str:
    """PEN-SUSPEND: a suspension starts at once and lasts through the N following days."""
    return dates.add_days(day_of(at), days)


def half_rotation(at: str, days: int) -> tuple[str, str]:
    """PEN-HALF by a manager: from today through the N following days."""
    return day_of(at), dates.add_days(day_of(at), days)


def help_credits(day: Day, actor: str) -> list[HelpCredit]:
    """CNT-HELP at day end (客户接待管理制度 二8(2)): the last in the rotation helped with a colleague's
    customer (ROT-LAST) and no deal followed that day: the reception counts for the owner and the
    helper is owed one make-up (policy `counting.help = "owner-makeup"`)."""
    if day.policy.counting.help != "owner-makeup":
        return []
    return [HelpCredit(at=f"{day.date} 23:59:59", actor=actor, ref=r.id, staff=r.receiver, owner=r.claim,
                       queue=day.qkey(r.kind), rule=rules.CNT_HELP)
            for r in sorted(day.receptions.values(), key=lambda r: (r.at, r.id))
            if r.rule == rules.ROT_LAST and r.receiver and r.claim and r.claim != r.receiver
            and r.phone not in day.deal_phones]


class CallCycle(NamedTuple):
    """`calls.mode = "day-end"` at rollover: the day's calls logged with no receiver, in order; the
    people they go to, one each in turn, from the call next-up (`cycle`); those of the call order
    left out, with the rule (`left_out`: not in the rotation ORD-TRAINEE, suspended PEN-SUSPEND)."""
    waiting: list
    cycle: list[str]
    left_out: list[tuple[str, str]]


def call_cycle(day: Day) -> CallCycle:
    waiting = sorted((r for r in day.receptions.values() if r.kind == "call" and not r.receiver
                      and r.rule == rules.DAY_ROLLOVER), key=lambda r: (r.at, r.id))
    q = day.queue("call")
    start = q.pos % len(q.seq) if q.seq else 0
    cycle, left_out = [], []
    for sid in q.seq[start:] + q.seq[:start]:
        member = day.member(sid)
        if member and member.in_rotation() and not member.suspended_on(day.date):
            cycle.append(sid)
        else:
            left_out.append((sid, rules.PEN_SUSPEND if member and member.in_rotation() else rules.ORD_TRAINEE))
    return CallCycle(waiting, cycle, left_out)


def distribute_calls(day: Day, actor: str) -> list[Distribute]:
    """`calls.mode = "day-end"` (九州名座): at rollover the day's calls logged with no receiver are given
    out in the call order, one each, over the people in the day's order (DAY-ROLLOVER)."""
    if day.policy.calls.mode != "day-end":
        return []
    waiting, cycle, _left_out = call_cycle(day)
    if not waiting or not cycle:
        return []
    policy = day.policy
    out = []
    for i, call in enumerate(waiting):
        receiver = cycle[i % len(cycle)]
        claims = bool(call.phone and call.name and not call.ckind and policy.protection.call_claims)
        out.append(Distribute(at=f"{day.date} 23:59:59", actor=actor, phone=call.phone, ref=call.id,
                              receiver=receiver, counted=not call.ckind, rule=rules.ROT_NEXT,
                              claim=receiver if claims else ""))
    return out


def day_end(day: Day, actor: str) -> list[Penalty | HelpCredit | Distribute]:
    """DAY-ROLLOVER's day-end rules for a closed day: CNT-HELP's credits, the calls given out at day
    end, and the weekly PEN-HALF on the week's last day."""
    out: list = help_credits(day, actor) + distribute_calls(day, actor)
    if day.policy.penalties.no_deal_week_half and dates.weekday(day.date) == 6:
        start = dates.add_days(day.date, 1)
        for sid, member in day.carry.roster.items():
            if member.in_rotation() and not day.carry.week_deals.get(sid):
                out.append(Penalty(at=f"{day.date} 23:59:59", actor=actor, staff=sid, penalty="half", start=start,
                                   until=dates.add_days(start, 6), days=7, rule=rules.PEN_HALF,
                                   reason="本周无成交,下周两排一轮"))
    return out
