"""The front desk's main command, `register`, and `handover` (ATT-RECOGNISED)."""
from __future__ import annotations

import click

from rotactl.commands._shell import QUEUE_OPTION, RELATIONS, nonempty, writes
from rotactl.core import desk
from rotactl.core.entries import Reception, skips_view
from rotactl.core.errors import DomainError, UsageError
from rotactl.core.rotation import NobodyAvailable

CUSTOMER_KINDS = ("customer", "vendor", "press", "peer", "survey")


@click.command()
@click.option("--name", required=True, help="The customer's name as they give it.")
@click.option("--phone", help="Left out when the customer will not give one (claims nothing).")
@QUEUE_OPTION
@click.option("--for", "designated", metavar="ID", help="The customer asks for this salesperson (指名).")
@click.option("--referred-by", metavar="PHONE", help="老带新: the old customer who referred them.")
@click.option("--family-of", metavar="PHONE", help="A relative of this customer…")
@click.option("--relation", type=click.Choice(RELATIONS), help="… in this relation.")
@click.option("--agency", help="Brought by this agency's agent (带看).")
@click.option("--party", type=click.IntRange(1), help="How many came together (one customer, CNT-PARTY).")
@click.option("--intent", help="What they are looking for.")
@click.option("--kind", "ckind", type=click.Choice(CUSTOMER_KINDS), default="customer", show_default=True)
@click.option("--absent", multiple=True, metavar="ID", help="A next-up the desk could not find (forfeit).")
@click.option("--to", metavar="ID", help="Manager override: give the lead to this person.")
def register(name, family_of, relation, **options):
    """来客登记并分配接待:Record a lead and decide who receives it, with the rule that decided."""
    if bool(family_of) != bool(relation):
        raise UsageError("--family-of and --relation go together")
    return _register(name=nonempty(name, "--name"), family_of=family_of, relation=relation, **options)


@writes
def _register(act, name, phone, queue, designated, referred_by, family_of, relation, agency, party, intent,
              ckind, absent, to):
    env = act.env
    for sid in (designated, to, *absent):
        if sid:
            act.staff(sid, rotation=sid != to)
    if to and not act.day.free:   # on a free day (ROT-FREE) the desk names the receiver
        act.manager()
    phone_key = env.phone(phone) if phone is not None else ""
    pending = act.new(Reception, kind=queue, phone=phone_key, name=name,
                      ckind="" if ckind == "customer" else ckind, designated=designated or "",
                      referred_by=env.phone(referred_by) if referred_by else "",
                      family_of=env.phone(family_of) if family_of else "", relation=relation or "",
                      agency=agency or "", party=party or 0, intent=intent or "", absent=tuple(absent), to=to or "")
    group = act.office.customers.group(phone_key, act.at, act.day.carry, extra=(pending,)) if phone_key else None
    referrer = act.office.customers.group(pending.referred_by, act.at, act.day.carry) if pending.referred_by else None
    try:
        done = desk.register(act.day, pending, group and (group.members, group.records),
                             referrer and (referrer.members, referrer.records))
    except NobodyAvailable as exc:
        raise DomainError(f"{exc}; a manager may assign one with --to") from None
    entry, decision = done.entry, done.decision
    return [entry], {"entry": entry.id, "queue": queue, "customer": env.mask(phone_key), "name": name,
                     "receiver": decision.receiver, "counted": decision.counted, "channel": done.channel,
                     "rule": decision.rule, "skipped": skips_view(decision.skipped), "owner": done.owner,
                     "protected_until": done.protected_until}


@click.command()
@click.argument("ref", metavar="REF")
@click.option("--to", "taker", metavar="ID", required=True)
@writes
def handover(act, ref, taker):
    """认出同事客户并交还:The receiver recognised a colleague's customer and hands over (ATT-RECOGNISED)."""
    act.staff(taker)
    by_id = ref.startswith("e") and ref in act.day.receptions
    reception = desk.find_reception(act.day, ref=ref if by_id else "", phone="" if by_id else act.env.phone(ref))
    entry = act.new_from(desk.handover(act.day, reception, taker, act.at, act.actor))
    return [entry], {"entry": entry.id, "from": entry.staff, "receiver": taker, "counted": entry.counted,
                     "rule": entry.rule, "skipped": skips_view(entry.skipped)}
