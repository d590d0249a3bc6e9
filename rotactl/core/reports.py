"""Reports: per-person figures from the replayed days, and each deal's credited shares (payroll).

Money is exact (`Decimal`, see `rotactl.core.deals`): a share's amount is the deal's amount × pct / 100
to the fen, the shares of one deal summing exactly to it; `amount` and `fines` are sums of those.
`conversion` is a `Rate`: deals / receptions as a fraction to 3 places (tables print it as a percent).
`credited` counts deals (the sum of one's percents / 100), not money.
"""
from __future__ import annotations

from decimal import Decimal

from rotactl.core.dates import minute_of
from rotactl.core.deals import Rate, commission, rate, read_amount, split_amount
from rotactl.core.entries import Deal
from rotactl.core.splits import HOUSE
from rotactl.core.state import Member, Stats

FIELDS = ("turns", "receptions", "makeups", "forfeits", "passes", "calls", "deals", "fines")


def credited_deals(deals: list[Deal], credits: dict[str, dict], pay=None) -> list[dict]:
    """Each deal of the period with every person's credited share: the ruling if any, else the
    proposal (an open dispute shown as such), else 100 to the closer (SPL-OWNER); with the policy's
    `[commission]` (`pay`), the commission base and commission of each share (004 佣金制度)."""
    rows = []
    for deal in deals:
        credit = credits.get(deal.id) or {"split": {deal.staff: 0}, "rule": "", "status": "refunded",
                                          "dispute": None}
        amounts = split_amount(read_amount(deal), credit["split"])
        percent = getattr(pay, f"{deal.stage}_percent", 0) if pay is not None else 0
        for party, pct in credit["split"].items():
            base, earned = commission(amounts[party], percent, pay.rate_permille if pay is not None else 0)
            rows.append({"commission_base": base, "commission": earned, "staff": party, "deal": deal.id,
                         "at": minute_of(deal.at), "customer": deal.phone,
                         "closer": deal.staff, "stage": deal.stage, "unit": deal.unit, "share": pct,
                         "amount": amounts[party], "rule": credit["rule"],
                         "status": credit["status"] or "settled", "dispute": credit["dispute"]})
    return rows


def report_rows(roster: dict[str, Member], days_stats: list[dict[str, Stats]], shares: list[dict]) -> list[dict]:
    """One row per person of the roster in the rotation or with figures, then other parties credited
    (the house account, agencies named in a ruling…)."""
    totals: dict[str, Stats] = {}
    for stats in days_stats:
        for sid, stat in stats.items():
            total = totals.setdefault(sid, Stats())
            for f in FIELDS:
                setattr(total, f, getattr(total, f) + getattr(stat, f))
            total.penalties += stat.penalties
    by_party: dict[str, list[dict]] = {}
    for row in shares:
        by_party.setdefault(row["staff"], []).append(row)
    rows = []
    for sid, member in roster.items():
        if not member.in_rotation() and sid not in totals and sid not in by_party:
            continue
        stat = totals.get(sid, Stats())
        row = {"staff": sid, "name": member.name}
        row.update({f: getattr(stat, f) for f in FIELDS})
        row["conversion"] = rate(stat.deals, stat.receptions)
        row["penalties"] = stat.penalties
        rows.append({**row, **_credited(by_party.pop(sid, []))})
    for party, mine in sorted(by_party.items()):
        rows.append({"staff": party, "name": "公佣" if party == HOUSE else "", **dict.fromkeys(FIELDS, 0),
                     "fines": Decimal(0), "conversion": Rate(0), "penalties": [], **_credited(mine)})
    return rows


def _credited(mine: list[dict]) -> dict:
    """A person's payroll columns from their shares."""
    sales = [r for r in mine if r["stage"] != "handover"]     # a handover is a commission event, not a sale
    return {"credited": round(sum(r["share"] for r in sales) / 100, 2),
            "amount": sum((r["amount"] for r in sales), Decimal(0)),
            "commission_base": sum((r["commission_base"] for r in mine), Decimal(0)),
            "commission": sum((r["commission"] for r in mine), Decimal(0)),
            "open": sum(1 for r in mine if r["status"] in ("open", "late")), "shares": mine}
