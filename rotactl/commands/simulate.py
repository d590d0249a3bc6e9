"""`simulate --policy FILE`: the period's leads decided again under another policy, side by side with the
office's own (core/simulate.py); a backtest before adopting a policy."""
from __future__ import annotations

from pathlib import Path

import click

from rotactl.commands._shell import reads
from rotactl.commands.reports import span
from rotactl.core import simulate as sim

CHANGES = ["at", "entry", "field", "before", "after"]
SIDE = ["staff", "turns", "makeups", "forfeits", "passes", "deviation"]


@click.command()
@click.option("--policy", "policy_file", required=True, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A policy file in the format of rotactl.toml (validated like it).")
@click.option("--since", metavar="D", help="The period's first day (default: the 1st of this month).")
@click.option("--until", metavar="D", help="The period's last day (default: today).")
@reads
def simulate(env, at, policy_file, since, until):
    """制度试算:Replay a period under another policy file and show what would change.

    The facts stay as recorded (arrivals and calls with their wishes, check-ins, away/back, done,
    deals, rulings…); every decision (receivers, counts, skips and make-ups, claims, pass fines, day-end
    rules, the fines a knowing closer's deal and a ruling raise, deal splits) is taken again, once under
    the office's own policy and once under FILE, and the two are compared entry by entry. `changes`
    lists each field that differs; `fairness` the per-person
    figures of `report fairness` under each; `unreproduced` counts the decisions that the office's
    own policy does not give as the ledger recorded them (a policy changed during the period, a void,
    entries not written by these rules). The same policy as the office's gives no changes.
    """
    from rotactl.app.office import load_policy

    other = load_policy(policy_file)
    view = compare(env.office, other, *span(at, since, until), at)
    view["policy"] = str(policy_file)
    _show(env, view)


def compare(office, other, first: str, last: str, at: str) -> dict:
    """Feed the period to the comparison one day at a time, then its deals in batches: what was read
    for a day (its ledger files, its customers' facts, the index's decoded entries) is let go after
    it, so memory does not grow with the period (issue 11)."""
    from rotactl.core.dates import days_between

    sealed = office.floor.sealed() or ""
    index = office.customers.index()
    cmp = sim.Comparison(office.policy, other, office.floor.carry_before(first), index.fetch("#ruling"))
    cache: dict = {}
    fetch = office.customers._fetcher(cache=cache, masked=office.customers.masked_report_ins())
    for date in days_between(first, last):
        cmp.day(date, office.floor.entries(date), date <= sealed, fetch)
        _release(office, cache)
    for i in range(0, len(cmp.deals), BATCH):
        cmp.splits(cmp.deals[i:i + BATCH], fetch, f"{last} 23:59:59")
        _release(office, cache)
    return cmp.view(first, last)


BATCH = 500


def _release(office, cache: dict) -> None:
    cache.clear()
    office.customers.index().release()
    office.forget()


def _show(env, view: dict) -> None:
    if env.emit_data(view, view["changes"], CHANGES):
        return
    zh = env.zh
    env.emit({"policy": view["policy"], "since": view["since"], "until": view["until"],
              "decisions": view["decisions"], "changes": len(view["changes"]), "unreproduced": view["unreproduced"]})
    click.echo()
    env.emit([{**c, "before": _cell(c["before"]), "after": _cell(c["after"])} for c in view["changes"]], CHANGES,
             title="变化(现制度 → 试算制度)" if zh else "changes (own policy → the file's)")
    click.echo()
    after = {r["staff"]: r for r in view["fairness"]["after"]}
    side = [{"staff": r["staff"], **{k: f"{r[k]} → {after.get(r['staff'], {}).get(k, '-')}" for k in SIDE[1:]}}
            for r in view["fairness"]["before"]]
    env.emit(side, SIDE, title="每人(现制度 → 试算制度)" if zh else "per person (own policy → the file's)")


def _cell(value) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "-"
    return str(value)
