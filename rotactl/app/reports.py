"""What the reports read: a period's days replayed, their deals credited (`report`), a window of days
(`report fairness`, `simulate`)."""
from __future__ import annotations

from rotactl.core import dates, reports
from rotactl.core.dates import day_of
from rotactl.core.entries import Deal


def gather(office, period: str, date: str, at: str) -> list[dict]:
    """Replay each day of the period, collect its deals and their credits; the core makes the rows."""
    days = dates.period_days(period, date)
    have = set(office.store.days(after=dates.prev_day(days[0])))
    roster, stats, deals = {}, [], []
    for day_date in days:
        if day_date not in have:
            continue
        entries = office.floor.entries(day_date)
        day = office.floor.full_day(day_date, entries)
        deals += [e for e in entries if isinstance(e, Deal) and e.stage != "refund"]
        roster.update(day.carry.roster)
        stats.append(day.stats)
    if not roster:
        roster = office.floor.carry_before(days[0]).roster
    credits: dict[str, dict] = {}
    if deals:
        for analysis in office.customers.analyses(at, office.floor.carry_before(day_of(at)), {d.phone for d in deals}):
            credits.update(analysis.credits)
    return reports.report_rows(roster, stats, reports.credited_deals(deals, credits, office.policy.commission))


def window(office, since: str, until: str):
    """The window's days that hold entries, replayed one after the other from the state carried into
    `since`: (date, replayed day, its entries) each."""
    from rotactl.core.replay import end_day, replay_day

    carry = office.floor.carry_before(since)
    for date in office.store.days(after=dates.prev_day(since)):
        if date > until:
            break
        entries = office.floor.entries(date)
        day = replay_day(carry, date, office.policy, entries)
        yield date, day, entries
        carry = end_day(day)


def fairness_rows(office, first: str, last: str) -> list[dict]:
    from rotactl.core import fairness

    roster, days = office.floor.carry_before(first).roster, []
    for _date, day, entries in window(office, first, last):
        roster = day.carry.roster
        days.append(fairness.tally(day, entries))
    return fairness.rows(roster, days)
