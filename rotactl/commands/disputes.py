"""Disputes: `disputes` lists the collisions the facts show; `resolve-dispute` records a final ruling."""
from __future__ import annotations

import click

from rotactl.commands._shell import nonempty, reads, writes
from rotactl.core import disputes, rules
from rotactl.core.dates import day_of
from rotactl.core.entries import Ruling
from rotactl.core.errors import DomainError, UsageError


def dispute_view(env, d: dict) -> dict:
    return {**d, "customer": env.mask(d["customer"])}


def all_disputes(office, at: str, carry) -> list[dict]:
    found = [d for analysis in office.customers.analyses(at, carry) for d in analysis.disputes]
    return sorted(found, key=lambda d: (d["raised"], d["id"]))


@click.command("disputes")
@click.option("--all", "show_all", is_flag=True, help="Ruled disputes too.")
@reads
def disputes_(env, at, show_all):
    """撞单争议:The collisions the facts show, each with a stable id, claimants, proposed split and rule."""
    found = all_disputes(env.office, at, env.office.floor.carry_before(day_of(at)))
    rows = [dispute_view(env, d) for d in found if show_all or d["status"] != "ruled"]
    if env.fmt == "json":
        env.emit(rows)
    else:
        def shares(split):
            return " ".join(f"{k}={v}" for k, v in (split or {}).items())
        env.emit([{**r, "claimants": " ".join(c["party"] for c in r["claimants"]),
                   "proposal": shares(r["proposal"]), "award": shares(r.get("award"))} for r in rows],
                 ["id", "customer", "closer", "stage", "claimants", "proposal", "rule", "status", "award",
                  "deadline"])


def parse_awards(awards: tuple[str, ...]) -> dict[str, int]:
    """`--award PARTY=PCT`, repeated: each party once, the percents summing to 100."""
    award: dict[str, int] = {}
    for item in awards:
        party, sep, pct = item.rpartition("=")
        if not sep or not party.strip() or not pct.strip().isdigit():
            raise UsageError(f"--award {item!r}: expected PARTY=PCT, e.g. a=60")
        if party.strip() in award:
            raise UsageError(f"--award names {party.strip()} twice")
        award[party.strip()] = int(pct)
    if award and sum(award.values()) != 100:
        raise UsageError(f"the awards sum to {sum(award.values())}, not 100")
    return award


@click.command("resolve-dispute")
@click.argument("dispute_ref", metavar="ID")
@click.option("--award", "awards", multiple=True, metavar="PARTY=PCT", help="A party's percent; repeat.")
@click.option("--house", is_flag=True, help="All to the house account (公佣, SPL-HOUSE).")
@click.option("--reason", required=True)
def resolve_dispute(dispute_ref, awards, house, reason):
    """经理终裁:A manager's final ruling (DSP-FINAL): refused for a non-manager or a ruled dispute."""
    if bool(awards) == house:
        raise UsageError("give either --award PARTY=PCT (repeatable) or --house")
    reason = nonempty(reason, "--reason")
    return _rule(dispute_ref=dispute_ref, award=parse_awards(awards), house=house, reason=reason)


@writes
def _rule(act, dispute_ref, award, house, reason):
    act.manager()
    found = act.office.customers.dispute(dispute_ref, act.at, act.day.carry)
    if found is None:
        raise DomainError(f"no dispute {dispute_ref} (see `rotactl disputes --all`)")
    award = disputes.rule_on(found, award, house, act.roster)
    entry = act.new(Ruling, dispute=dispute_ref, phone=found["customer"], award=award, house=house, reason=reason,
                    rule=rules.DSP_FINAL)
    fines = [act.new_from(f) for f in disputes.ruling_fines(found, entry, act.policy, act.roster)]
    return [entry, *fines], {"fines": {f.staff: f.fine for f in fines}, "entry": entry.id, "dispute": dispute_ref,
                             "award": award, "final": True, "rule": rules.DSP_FINAL, "proposal": found["proposal"],
                             "proposal_rule": found["rule"]}
