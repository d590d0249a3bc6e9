"""`report day|week|month`: per-person figures and the payroll sheet of credited shares."""
from __future__ import annotations

import click

from rotactl import clock
from rotactl.commands._shell import reads
from rotactl.core import dates, reports
from rotactl.core.entries import Deal


def gather(office, period: str, date: str, at: str) -> list[dict]:
    """Replay each day of the period, collect its deals and their credits; the core makes the rows."""
    days = dates.period_days(period, date)
    have = set(office.store.days(after=dates.prev_day(days[0])))
    roster, stats, deals = {}, [], []
    for day_date in days:
        if day_date not in have:
            continue
        entries = office.entries(day_date)
        day = office.full_day(day_date, entries)
        deals += [e for e in entries if isinstance(e, Deal) and e.stage != "refund"]
        roster.update(day.carry.roster)
        stats.append(day.stats)
    if not roster:
        roster = office.carry_before(days[0]).roster
    credits: dict[str, dict] = {}
    if deals:
        for analysis in office.analyses(at, office.carry_before(at[:10]), {d.phone for d in deals}):
            credits.update(analysis.credits)
    return reports.report_rows(roster, stats, reports.credited_deals(deals, credits, office.policy.commission))


@click.command()
@click.argument("period", type=click.Choice(["day", "week", "month"]))
@click.option("--date", "date", help="A day in the period (default: today).")
@reads
def report(env, at, period, date):
    """Per-person turns, make-ups, forfeits, passes, receptions, calls, deals, fines."""
    rows = gather(env.office, period, clock.parse_day(date) if date else at[:10], at)
    for row in rows:
        for share in row["shares"]:
            share["customer"] = env.mask(share["customer"])
    if env.fmt == "json":
        env.emit(rows)
        return
    env.emit(rows, ["staff", "name", "turns", "receptions", "makeups", "forfeits", "passes", "calls",
                    "deals", "conversion", "fines", "credited", "amount", "commission_base", "commission", "open",
                    "penalties"])
    sheet = [share for row in rows for share in row["shares"]]
    if sheet and env.fmt == "table":
        click.echo()
        env.emit(sheet, ["staff", "at", "customer", "stage", "unit", "closer", "share", "amount",
                         "commission_base", "commission", "rule", "status", "dispute"], title="业绩分成 credited shares")
