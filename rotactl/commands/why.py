"""`why ENTRY|PHONE`: a decision explained, or a customer's attribution chain (core/explain.py)."""
from __future__ import annotations

import re

import click

from rotactl.app.rollover import DAY_END_ACTOR, before_day_end
from rotactl.commands._shell import reads
from rotactl.core import attribution, explain, rules
from rotactl.core.dates import day_of
from rotactl.core.errors import DomainError
from rotactl.core.policy import policy_keys
from rotactl.core.replay import replay_day

ENTRY_ID = re.compile(r"e\d{8}\S*")      # an entry id (e + the day it was written …), not a phone
CANDIDATES = ["staff", "status", "outcome", "rule"]
ORDER = ["staff", "status", "owed", "consumed"]
CHAIN = ["at", "kind", "customer", "party", "rule", "owner", "protected_until"]


@click.command()
@click.argument("ref", metavar="ENTRY|PHONE")
@reads
def why(env, at, ref):
    """为什么:Explain a decision (the state, every candidate, rules, policy keys) or a customer's attribution."""
    if ENTRY_ID.fullmatch(ref):
        view = decision(env.office, ref)
        view["customer"] = env.mask(view["customer"]) if view["customer"] else None
        _show_decision(env, view)
    else:
        view = chain(env, at, ref)
        _show_chain(env, view)


def decision(office, ref: str) -> dict:
    """Replay the entry's day up to the moment before it, and decide it again (core/explain.py)."""
    entry = office.floor.find_entry(ref)
    if entry is None:
        raise DomainError(f"no entry {ref} in this office")
    voided = office.floor.voided()
    date = day_of(entry.at)
    if entry.kind == "distribute":           # a call given out at day end: the day as rollover replayed it
        facts, _day_end = before_day_end(office, date, voided)
        day = replay_day(office.floor.carry_before(date), date, office.policy, facts)
        view = explain.distributed(day, entry, DAY_END_ACTOR)
    elif entry.kind not in explain.DECISION_KINDS:
        raise DomainError(f"{ref} is a {entry.kind} entry: it decided no receiver, so there is no decision to "
                          f"explain (why explains register, pass, handover and day-end distribute entries, or a "
                          f"customer's phone)")
    else:
        view = _replayed(office, entry, office.floor.entries(date, voided))
    if entry.id in voided:
        view["note"] = ("voided since: it counts nowhere now. " + view.get("note", "")).strip()
    return view


def _replayed(office, entry, entries: list) -> dict:
    """A register, pass or handover decided again on its day replayed up to the moment before it."""
    date = day_of(entry.at)
    day = replay_day(office.floor.carry_before(date), date, office.policy, explain.written_before(entries, entry))
    if entry.kind == "pass":
        return explain.pass_(day, entry)
    if entry.kind == "handover":
        return explain.handover(day, entry)
    view = explain.reception(day, entry, _facts(office, entry.phone, entry, day),
                             _facts(office, entry.referred_by, entry, day))
    if entry.kind == "call" and entry.rule == rules.DAY_ROLLOVER:       # logged, given out at day end
        given = next((e for e in entries if e.kind == "distribute" and e.ref == entry.id), None)
        view["given_out"] = {"entry": given.id, "receiver": given.receiver} if given else None
    return view


def _facts(office, phone: str, entry, day):
    """A customer's group as it stood when `entry` was decided, `entry` included."""
    if not phone:
        return None
    group = office.customers.group(phone, entry.at, day.carry)
    return group.members, [r for r in group.records if r.id == entry.id or (r.at, r.id) < (entry.at, entry.id)]


def chain(env, at: str, phone: str) -> dict:
    office = env.office
    key = env.phone(phone)
    if not office.customers.known(key):
        raise DomainError(f"no customer with phone {env.mask(key)} is registered")
    group = office.customers.group(key, at, office.floor.day(at).carry)
    steps = explain.chain(group.records, office.policy, at, group.departed)
    att = attribution.attribute(group.records, office.policy, at, group.departed)
    ch = attribution.channel(group.records, office.policy, at)
    for step in steps:
        step["customer"] = env.mask(step["customer"]) if step["customer"] else None
    keys = policy_keys(sorted({s["rule"] for s in steps}))
    return {"customer": env.mask(key), "group": [env.mask(m) for m in group.members], "owner": att.owner,
            "protected_until": att.protected_until, "permanent": att.until == attribution.PERMANENT,
            "signed": att.signed, "channel": ch.agency, "chain": steps,
            "policy": {k: explain._knob(office.policy, k) for k in keys}}


def _policy_rows(policy: dict) -> list[dict]:
    return [{"key": k, "value": v} for k, v in policy.items()]


def _show_decision(env, view: dict) -> None:
    if env.emit_data(view, view["candidates"], CANDIDATES):
        return
    zh = env.zh
    head = {k: view[k] for k in ("entry", "kind", "at", "queue", "customer", "receiver", "counted", "rule")}
    head["skipped"] = view["skipped"]
    head["reproduced"] = view["reproduced"]
    if "replayed" in view:
        head["replayed"] = f"{view['replayed']['receiver'] or '-'} {view['replayed']['rule'] or ''}".strip()
    if "given_out" in view:
        given = view["given_out"]
        head["given_out"] = f"{given['receiver']} ({given['entry']})" if given else "-"
    for key in ("call", "why", "note"):
        if key in view:
            head[key] = view[key]
    env.emit(head)
    click.echo()
    state = view["state"]
    env.emit(state["order"], ORDER, title=(f"当时的轮序(第 {state['round']} 轮)" if zh
                                           else f"the order then (round {state['round']})"))
    click.echo()
    env.emit(view["candidates"], CANDIDATES, title="逐个看过的人" if zh else "candidates, in the order looked at")
    click.echo()
    env.emit(_policy_rows(view["policy"]), ["key", "value"],
             title="起作用的制度设置" if zh else "policy keys that decided it")


def _show_chain(env, view: dict) -> None:
    if env.emit_data(view, view["chain"], CHAIN):
        return
    head = {k: view[k] for k in ("customer", "group", "owner", "protected_until", "permanent", "signed", "channel")}
    env.emit(head)
    click.echo()
    env.emit(view["chain"], CHAIN, title="归属经过" if env.zh else "attribution, fact by fact")
    click.echo()
    env.emit(_policy_rows(view["policy"]), ["key", "value"], title="相关制度设置" if env.zh else "policy keys")
