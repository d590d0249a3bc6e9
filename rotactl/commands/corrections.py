"""Corrections (SPEC §4.2): `void` an entry, `accept-late` what a git merge added to closed days."""
from __future__ import annotations

import click

from rotactl.app import clock
from rotactl.app.rollover import reseal
from rotactl.commands._shell import Act, nonempty, pass_env, writes
from rotactl.core.dates import minute_of
from rotactl.core.entries import AcceptLate, Void
from rotactl.core.errors import DomainError


@click.command()
@click.argument("ref", metavar="ENTRY")
@click.option("--reason", required=True, help="Why the entry was wrong.")
@writes
def void(act, ref, reason):
    """作废:Manager: the entry stops counting everywhere; `log` still shows it, marked void."""
    act.manager()
    reason = nonempty(reason, "--reason")
    office = act.office
    target = office.floor.find_entry(ref)
    if target is None:
        raise DomainError(f"no entry {ref} in the ledger")
    if target.kind in ("void", "accept-late"):
        raise DomainError(f"{ref} is a {target.kind}: it cannot be voided")
    if target.id in office.floor.voided():
        raise DomainError(f"{ref} is already void")
    entry = act.new(Void, ref=target.id, reason=reason)
    return [entry], {"entry": entry.id, "void": target.id, "kind": target.kind, "at": minute_of(target.at),
                     "reason": reason}


@click.command("accept-late")
@click.argument("day", metavar="DAY")
@click.option("--reason", required=True)
@pass_env
def accept_late(env, day, reason):
    """接受合并:Manager: accept the entries a git merge added to closed days, from DAY on; re-seal them."""
    from rotactl.app.checking import is_sealed, late_days

    day, reason = clock.parse_day(day, "DAY"), nonempty(reason, "--reason")
    office = env.office
    with office.lock(exclusive=True):
        at = env.at
        act = Act(env, at, office.floor.day(at))
        act.authorise()
        act.manager()
        if not is_sealed(office, day):
            raise DomainError(f"{day} is not closed: there is nothing to accept")
        pending = late_days(office, day)
        if not pending:
            raise DomainError(f"no entries were added to {day} or later closed days after they were sealed")
        office.writer.ready_to_commit()
        days, paths = reseal(office, day)
        entry = act.new(AcceptLate, day=day, days=tuple(pending), reason=reason)
        paths += office.writer.write([entry])
        office.customers.drop_index()
        office.writer.commit(sorted(set(paths)), f"accept-late {day}: {entry.id} by {env.actor}")
    env.emit({"entry": entry.id, "accepted": pending, "resealed": days, "reason": reason})
