"""Customers: `who`, `follow-up`, `link`, `deal`, `report-in`, `claim`, `reassign`."""
from __future__ import annotations

import click

from rotactl.app import clock
from rotactl.commands._shell import RELATIONS, nonempty, pass_env, reads, writes
from rotactl.core import attribution, deals, disputes, rules
from rotactl.core.dates import minute_of
from rotactl.core.entries import Claim, Deal, FollowUp, Link, Reassign, ReportIn
from rotactl.core.errors import DomainError


@click.command()
@click.argument("phone")
@reads
def who(env, at, phone):
    """客户归属:Owner, protection, channel, group and claims of a customer."""
    office = env.office
    key = env.phone(phone)
    group = office.customers.group(key, at, office.floor.day(at).carry)
    att = attribution.attribute(group.records, office.policy, at, group.departed)
    ch = attribution.channel(group.records, office.policy, at)
    claims = [{**c, "since": minute_of(c["since"])} for c in att.claims]
    claims += [{"party": c.agency, "basis": "report-in", "since": minute_of(c.report.at), "evidence": c.evidence}
               for c in ch.claims.values()]
    claims += [{"party": r.party, "basis": "claim", "since": minute_of(r.at)}
               for r in group.records if r.kind == "claim"]
    env.emit({"customer": env.mask(key), "owner": att.owner, "protected_until": att.protected_until,
              "permanent": att.until == attribution.PERMANENT, "signed": att.signed, "channel": ch.agency,
              "channel_until": ch.until if ch.agency else None,
              "group": [env.mask(m) for m in group.members], "claims": claims})


def _owner_after(act, entry):
    """The customer's group and attribution once `entry` is recorded."""
    group = act.office.customers.group(entry.phone, act.at, act.day.carry, extra=(entry,))
    return group, attribution.attribute(group.records, act.policy, act.at, group.departed)


@click.command("follow-up")
@click.argument("phone")
@click.option("--by", "by", metavar="ID", required=True)
@click.option("--note", default="")
@writes
def follow_up(act, phone, by, note):
    """跟进:A recorded follow-up (跟进); renews the owner's protection (ATT-RENEW)."""
    act.staff(by)
    entry = act.new(FollowUp, phone=act.env.known(phone), staff=by, note=note)
    _group, att = _owner_after(act, entry)
    return [entry], {"entry": entry.id, "customer": act.env.mask(entry.phone), "by": by, "owner": att.owner,
                     "protected_until": att.protected_until, "rule": rules.ATT_RENEW}


@click.command()
@click.argument("phone")
@click.option("--to", "other", metavar="PHONE", required=True)
@click.option("--relation", type=click.Choice(RELATIONS), required=True)
@writes
def link(act, phone, other, relation):
    """登记亲属关系:Record that two customers are family (ATT-FAMILY)."""
    env = act.env
    a, b = env.phone(phone), env.phone(other)
    if a == b:
        raise DomainError("a customer cannot be linked to themselves")
    entry = act.new(Link, phone=a, other=b, relation=relation)
    group, att = _owner_after(act, entry)
    return [entry], {"entry": entry.id, "customer": env.mask(a), "to": env.mask(b), "relation": relation,
                     "group": [env.mask(m) for m in group.members], "owner": att.owner, "rule": rules.ATT_FAMILY}


@click.command()
@click.argument("phone")
@click.option("--by", "by", metavar="ID", required=True)
@click.option("--stage", type=click.Choice(["deposit", "contract", "handover", "refund"]), required=True,
              help="deposit 下定, contract 签约, handover 交房/余款 (a commission event), refund 退订.")
@click.option("--unit", default="")
@click.option("--amount", metavar="YUAN", help="Yuan, exact: at most 2 decimals, no separators (2345678.90).")
@click.option("--agency", default="", help="The agency's agent came along to the deal.")
@writes
def deal(act, phone, by, stage, unit, amount, agency):
    """成交:A deal stage closed by ID (下定 / 签约 / 交房 / 退订); a refund reopens the customer."""
    value = None if amount is None else deals.parse_amount(amount)
    act.staff(by)
    key = act.env.known(phone)
    deals.refuse_duplicate([e for e in act.office.customers.index().fetch(key) if e.kind == "deal"], stage, unit)
    entry = act.new(Deal, phone=key, staff=by, stage=stage, unit=unit,
                    amount="" if value is None else deals.amount_text(value), agency=agency)
    group, att = _owner_after(act, entry)
    credit, fine = disputes.deal_outcome(group, act.office.customers.rulings(act.at), entry)
    return [entry] + ([fine] if fine else []), {
        "entry": entry.id, "customer": act.env.mask(entry.phone), "by": by, "stage": stage, "unit": unit or None,
        "amount": value, "agency": agency or None, "owner": att.owner, "signed": att.signed,
        "split": credit.get("split"), "rule": credit.get("rule"), "dispute": credit.get("dispute")}


@click.command("report-in")
@click.option("--agency", required=True, help="The channel agency (分销公司).")
@click.option("--agent", required=True, help="Its agent (经纪人).")
@click.option("--name", required=True, help="The customer's name.")
@click.option("--phone", required=True, help="Full, or masked: 139****0001 (first 3 + last 4) or 1390**00001.")
@click.option("--expect", required=True, metavar='"YYYY-MM-DD HH:MM"', help="Expected arrival.")
@pass_env
def report_in(env, agency, agent, name, phone, expect):
    """分销报备:A channel agency pre-registers a customer (报备, ATT-REPORT)."""
    agency, agent, name = nonempty(agency, "--agency"), nonempty(agent, "--agent"), nonempty(name, "--name")
    expected = clock.parse_at(expect, "--expect")
    full, mask = env.reported(phone)
    return _report_in(agency=agency, agent=agent, name=name, full=full, mask=mask, expect=expected)


@writes
def _report_in(act, agency, agent, name, full, mask, expect):
    env = act.env
    entry = act.new(ReportIn, agency=agency, agent=agent, name=name, phone=full, mask=mask, expect=expect)
    claims_from, valid_until = attribution.report_window(entry, act.policy)
    return [entry], {"entry": entry.id, "agency": agency, "agent": agent, "name": name,
                     "customer": env.mask(full) if full else env.mask(mask),
                     "expect": minute_of(expect), "claims_from": minute_of(claims_from), "valid_until": valid_until,
                     "rule": rules.ATT_REPORT}


@click.command()
@click.argument("phone")
@click.option("--by", "by", metavar="ID", required=True, help="A salesperson's id, or an agency that reported.")
@click.option("--note", default="")
@writes
def claim(act, phone, by, note):
    """提出异议:A salesperson or an agency raises a claim on a customer (异议/认出, DSP-DETECT)."""
    from rotactl.commands.disputes import dispute_view

    key = act.env.known(phone)
    party = {"staff": by}
    if by not in act.roster:
        if not any(r.agency == by for r in act.office.customers.index().fetch("#report-in")):
            raise DomainError(f"'{by}' is neither a salesperson on the roster nor an agency that reported")
        party = {"agency": by}
    else:
        act.staff(by)
    entry = act.new(Claim, phone=key, note=note, **party)
    group, _att = _owner_after(act, entry)
    analysis = disputes.analyse(group, act.office.customers.rulings(act.at))
    found = disputes.find([analysis], disputes.dispute_id("claim", entry.id))
    return [entry], dispute_view(act.env, found)


@click.command()
@click.argument("phone")
@click.option("--to", "taker", metavar="ID", required=True)
@click.option("--reason", required=True)
@writes
def reassign(act, phone, taker, reason):
    """经理改派:Manager: the customer complained and asked for someone else (ATT-COMPLAINT)."""
    act.manager()
    act.staff(taker)
    entry = act.new(Reassign, phone=act.env.known(phone), receiver=taker, rule=rules.ATT_COMPLAINT,
                    reason=nonempty(reason, "--reason"))
    _group, att = _owner_after(act, entry)
    return [entry], {"entry": entry.id, "customer": act.env.mask(entry.phone), "owner": att.owner,
                     "protected_until": att.protected_until, "rule": rules.ATT_COMPLAINT}
