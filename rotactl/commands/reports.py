"""`report day|week|month`: per-person figures and the payroll sheet of credited shares."""
from __future__ import annotations

from pathlib import Path

import click

from rotactl import clock
from rotactl.commands._shell import reads
from rotactl.core import dates, reports
from rotactl.core.entries import Deal
from rotactl.errors import UsageError


PEOPLE = ["staff", "name", "turns", "receptions", "makeups", "forfeits", "passes", "calls", "deals", "conversion",
          "fines", "credited", "amount", "commission_base", "commission", "open", "penalties"]
SHARES = ["staff", "at", "customer", "stage", "unit", "closer", "share", "amount", "commission_base", "commission",
          "rule", "status", "dispute"]


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
@click.option("--sheet", type=click.Choice(["people", "shares"]), default="people", show_default=True,
              help="Which block: per person, or the payroll sheet of credited shares (with --format csv).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx",
              help="Write an Excel/WPS workbook (one sheet per block) instead of printing.")
@reads
def report(env, at, period, date, sheet, output):
    """报表:Per-person turns, make-ups, forfeits, passes, receptions, calls, deals, fines."""
    rows = gather(env.office, period, clock.parse_day(date) if date else at[:10], at)
    for row in rows:
        for share in row["shares"]:
            share["customer"] = env.mask(share["customer"])
    shares = [share for row in rows for share in row["shares"]]
    title = "业绩分成" if env.zh else "credited shares"
    if env.fmt != "json":
        from rotactl.words import penalty_text

        for row in rows:
            row["penalties"] = [penalty_text(p, env.zh) for p in row["penalties"]]
    if output is not None:
        if output.suffix.lower() != ".xlsx":
            raise UsageError(f"--output {output.name}: a workbook's name ends in .xlsx")
        from rotactl import sheets

        sheets.write(output, [("人员" if env.zh else "people", rows, PEOPLE), (title, shares, SHARES)], env.zh)
        click.echo(f"{output} ({len(rows)} 人, {len(shares)} 条分成)" if env.zh
                   else f"{output} ({len(rows)} people, {len(shares)} shares)")
        return
    if env.fmt == "json":
        env.emit(rows)
        return
    if sheet == "shares":                          # the payroll sheet alone (csv: its own file)
        env.emit(shares, SHARES, title=title)
        return
    env.emit(rows, PEOPLE)
    if shares and env.fmt == "table":
        click.echo()
        env.emit(shares, SHARES, title=title)
