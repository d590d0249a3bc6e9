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


def credited_deals(office, deals: list[dict], at: str) -> list[dict]:
    """Each deal of the period with every person's credited share: the ruling if any, else the
    proposal (an open dispute shown as such), else 100 to the closer (SPL-OWNER)."""
    if not deals:
        return []
    carry = office.carry_before(at[:10])
    credits: dict[str, dict] = {}
    for analysis in office.analyses(at, carry, phones_of_interest={d["phone"] for d in deals}):
        credits.update(analysis.credits)
    rows = []
    for deal in deals:
        credit = credits.get(deal["id"]) or {"split": {deal.get("staff", ""): 0}, "rule": "",
                                             "status": "refunded", "dispute": None}
        amount = float(deal.get("amount") or 0)
        for party, pct in credit["split"].items():
            rows.append({"staff": party, "deal": deal["id"], "at": deal["at"][:16], "customer": deal["phone"],
                         "closer": deal.get("staff", ""), "stage": deal.get("stage", ""),
                         "unit": deal.get("unit", ""), "share": pct, "amount": round(amount * pct / 100, 2),
                         "rule": credit["rule"], "status": credit["status"] or "settled",
                         "dispute": credit["dispute"]})
    return rows


def report_rows(office, period: str, date: str, at: str | None = None) -> list[dict]:
    days = period_days(period, date)
    have = set(office.store.days(after=clock.prev_day(days[0])))
    totals: dict[str, Stats] = {}
    roster = {}
    deals: list[dict] = []
    for day_date in days:
        if day_date not in have:
            continue
        deals += [r for r in office.records(day_date) if r["kind"] == "deal" and r.get("stage") != "refund"]
        day = office.full_day(day_date)
        roster.update(day.carry.roster)
        for sid, stat in day.stats.items():
            total = totals.setdefault(sid, Stats())
            for f in FIELDS:
                setattr(total, f, getattr(total, f) + getattr(stat, f))
            total.penalties += stat.penalties
    if not roster:
        roster = office.carry_before(days[0]).roster
    shares: dict[str, list[dict]] = {}
    for row in credited_deals(office, deals, at or f"{days[-1]} 23:59:59"):
        shares.setdefault(row["staff"], []).append(row)
    rows = []
    for sid, member in roster.items():
        if not member.in_rotation() and sid not in totals and sid not in shares:
            continue
        stat = totals.get(sid, Stats())
        row = {"staff": sid, "name": member.name}
        row.update({f: getattr(stat, f) for f in FIELDS})
        row["conversion"] = round(stat.deals / stat.receptions, 3) if stat.receptions else 0.0
        row["penalties"] = stat.penalties
        rows.append({**row, **_credited(shares.pop(sid, []))})
    for party, mine in sorted(shares.items()):   # the house account, agencies named in a ruling, …
        rows.append({"staff": party, "name": "公佣" if party == "house" else "", **{f: 0 for f in FIELDS},
                     "conversion": 0.0, "penalties": [], **_credited(mine)})
    return rows


def _credited(mine: list[dict]) -> dict:
    """A person's payroll columns from their shares."""
    return {"credited": round(sum(r["share"] for r in mine) / 100, 2),
            "amount": round(sum(r["amount"] for r in mine), 2),
            "open": sum(1 for r in mine if r["status"] in ("open", "late")), "shares": mine}
