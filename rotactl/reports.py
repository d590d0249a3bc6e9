"""Reports: per-person figures recomputed from the replayed days."""
from __future__ import annotations

import datetime as dt

from rotactl import clock
from rotactl.floor import Stats

FIELDS = ("turns", "receptions", "makeups", "forfeits", "passes", "calls", "deals", "fines")


def period_days(period: str, date: str) -> list[str]:
    day = dt.date.fromisoformat(date)
    if period == "day":
        return [date]
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return clock.days_between(start.isoformat(), (start + dt.timedelta(days=6)).isoformat())
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return clock.days_between(start.isoformat(), end.isoformat())


def report_rows(office, period: str, date: str) -> list[dict]:
    days = period_days(period, date)
    have = set(office.store.days(after=clock.prev_day(days[0])))
    totals: dict[str, Stats] = {}
    roster = {}
    for day_date in days:
        if day_date not in have:
            continue
        day = office.full_day(day_date)
        roster.update(day.carry.roster)
        for sid, stat in day.stats.items():
            total = totals.setdefault(sid, Stats())
            for f in FIELDS:
                setattr(total, f, getattr(total, f) + getattr(stat, f))
            total.penalties += stat.penalties
    if not roster:
        roster = office.carry_before(days[0]).roster
    rows = []
    for sid, member in roster.items():
        if not member.in_rotation() and sid not in totals:
            continue
        stat = totals.get(sid, Stats())
        row = {"staff": sid, "name": member.name}
        row.update({f: getattr(stat, f) for f in FIELDS})
        row["conversion"] = round(stat.deals / stat.receptions, 3) if stat.receptions else 0.0
        row["penalties"] = stat.penalties
        rows.append(row)
    return rows
