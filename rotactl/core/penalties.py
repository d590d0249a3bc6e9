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
from rotactl.core.entries import HelpCredit, Penalty
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
    return dates.add_days(at[:10], days)


def half_rotation(at: str, days: int) -> tuple[str, str]:
    """PEN-HALF by a manager: from today through the N following days."""
    return at[:10], dates.add_days(at[:10], days)


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


def day_end(day: Day, actor: str) -> list[Penalty | HelpCredit]:
    """DAY-ROLLOVER's day-end rules for a closed day: CNT-HELP's credits, and the weekly PEN-HALF on
    the week's last day."""
    from rotactl.core.rotation import distribute_calls

    out: list = help_credits(day, actor) + distribute_calls(day, actor)
    if day.policy.penalties.no_deal_week_half and dates.weekday(day.date) == 6:
        start = dates.add_days(day.date, 1)
        for sid, member in day.carry.roster.items():
            if member.in_rotation() and not day.carry.week_deals.get(sid):
                out.append(Penalty(at=f"{day.date} 23:59:59", actor=actor, staff=sid, penalty="half", start=start,
                                   until=dates.add_days(start, 6), days=7, rule=rules.PEN_HALF,
                                   reason="本周无成交,下周两排一轮"))
    return out
