"""`report day|week|month`: per-person figures and the payroll sheet of credited shares."""
from __future__ import annotations

from pathlib import Path

import click

from rotactl.app import clock
from rotactl.app.reports import fairness_rows, gather
from rotactl.commands._shell import reads
from rotactl.core.dates import day_of
from rotactl.core.errors import UsageError

PEOPLE = ["staff", "name", "turns", "receptions", "makeups", "forfeits", "passes", "calls", "deals", "conversion",
          "fines", "credited", "amount", "commission_base", "commission", "open", "penalties"]
SHARES = ["staff", "at", "customer", "stage", "unit", "closer", "share", "amount", "commission_base", "commission",
          "rule", "status", "dispute"]


def span(at: str, since: str | None, until: str | None) -> tuple[str, str]:
    """--since/--until as days; by default the month of --at, through its day."""
    first = clock.parse_day(since, "--since") if since else at[:8] + "01"
    last = clock.parse_day(until, "--until") if until else day_of(at)
    if first > last:
        raise UsageError(f"--since {first} is after --until {last}")
    return first, last


def _fairness(env, at, since, until):
    from rotactl.core import fairness

    first, last = span(at, since, until)
    rows = fairness_rows(env.office, first, last)
    if env.fmt != "table":
        env.emit(rows, fairness.COLUMNS)
        return
    env.emit(rows, fairness.COLUMNS, title=(f"公平性 {first} 至 {last}(只计窗口内的天数)" if env.zh
                                            else f"fairness {first} to {last} (only the window's days count)"))
    click.echo()
    click.echo("计轮次 #,应得轮次 |,偏差" if env.zh else "counted turns #, fair share |, deviation")
    for line in fairness.bars(rows):
        click.echo(line)


@click.command()
@click.argument("period", type=click.Choice(["day", "week", "month", "fairness"]))
@click.option("--date", "date", help="A day in the period (default: today).")
@click.option("--since", metavar="D", help="fairness: the window's first day (default: the 1st of this month).")
@click.option("--until", metavar="D", help="fairness: the window's last day (default: today).")
@click.option("--sheet", type=click.Choice(["people", "shares"]), default="people", show_default=True,
              help="Which block: per person, or the payroll sheet of credited shares (with --format csv).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx",
              help="Write an Excel/WPS workbook (one sheet per block) instead of printing.")
@reads
def report(env, at, period, date, since, until, sheet, output):
    """报表:Per-person turns, make-ups, forfeits, passes, receptions, calls, deals, fines.

    `report fairness [--since D] [--until D]` (default: this month through today) gives per person:
    present (days checked in); offered (times the rotation reached them: received by the walk or a
    make-up, passed over by a walk, or passing); turns, makeups, forfeits, passes (as `report month`);
    owed_makeups (make-ups owed: walks that skipped them with a make-up, hand-backs, CNT-HELP);
    out_of_turn (customers received outside the walk: revisits, designated, referrals, parties,
    repeats, help, duty, free days, manager assignments); fair_share = the window's counted turns ×
    the person's days present ÷ everyone's days present; deviation = turns − fair_share. Only the
    window's days count: it restarts the comparison. The table ends with a bar chart.
    """
    if period == "fairness":
        if date or output:
            raise UsageError("report fairness takes --since/--until, not --date or --output")
        return _fairness(env, at, since, until)
    if since or until:
        raise UsageError(f"--since/--until go with report fairness, not report {period}")
    rows = gather(env.office, period, clock.parse_day(date) if date else day_of(at), at)
    for row in rows:
        for share in row["shares"]:
            share["customer"] = env.mask(share["customer"])
    shares = [share for row in rows for share in row["shares"]]
    title = "业绩分成" if env.zh else "credited shares"
    if env.fmt != "json":
        from rotactl.ui.words import penalty_text

        for row in rows:
            row["penalties"] = [penalty_text(p, env.zh) for p in row["penalties"]]
    if output is not None:
        if output.suffix.lower() != ".xlsx":
            raise UsageError(f"--output {output.name}: a workbook's name ends in .xlsx")
        from rotactl.ui import sheets

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
