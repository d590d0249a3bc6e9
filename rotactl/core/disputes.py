"""Collisions (撞单) and the manager's ruling: a pure function of one customer group's facts.

Three kinds of dispute (DSP-DETECT), each with an id that depends only on the
entry that raises it, never on when `disputes` runs or what else the ledger holds:

  staff   a deal closed by someone who is not the group's protected owner;
          raised by the first deal of that closer on that phone
  agency  a customer whom two or more agencies reported validly; raised by the
          arrival that confirmed the reports
  claim   every `claim` entry (异议/认出); raised by itself

Each proposes a split (`core.splits`, SPL-*) unless a ruling (DSP-FINAL) decides;
a claim after the window is late (DSP-WINDOW).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rotactl.core import rules, splits
from rotactl.core.attribution import Attribution, attribute, channel, joined_at
from rotactl.core.dates import minute_of
from rotactl.core.entries import Claim, Deal, Entry, Fine, Reception, Ruling
from rotactl.core.errors import DomainError
from rotactl.core.splits import HOUSE, Episode


def dispute_id(kind: str, entry_id: str) -> str:
    return "D-" + hashlib.sha256(f"{kind}:{entry_id}".encode()).hexdigest()[:10]


def episodes(records: list[Entry], at: str) -> list[Episode]:
    """Deals grouped by (phone, closer); a refund ends every open episode of the group (the
    customer is reopened)."""
    open_: dict[tuple[str, str], Episode] = {}
    out: list[Episode] = []
    for record in records:
        if record.at > at or not isinstance(record, Deal):
            continue
        if record.stage == "refund":
            for episode in open_.values():
                episode.refunded = True
            open_ = {}
            continue
        key = (record.phone, record.staff)
        if key not in open_:
            open_[key] = Episode(*key)
            out.append(open_[key])
        open_[key].deals.append(record)
    return out


@dataclass
class Analysis:
    disputes: list[dict]
    credits: dict[str, dict]      # deal entry id -> {"split", "rule", "status", "dispute"}


def credits_party(record: Entry, party: str) -> bool:
    """A registration that claims the customer for `party`, or a deal `party` closed."""
    if isinstance(record, Reception):
        return record.claim == party
    return isinstance(record, Deal) and record.staff == party


class Group:
    """One customer group's facts and the policy; answers who owned what, when."""

    def __init__(self, members: list[str], records: list[Entry], policy, departed, at: str):
        self.members, self.records, self.policy, self.departed, self.at = members, records, policy, departed, at

    def before(self, record: Entry) -> list[Entry]:
        key = (record.at, record.id)
        return [r for r in self.records if (r.at, r.id) < key]

    def owner_before(self, record: Entry) -> Attribution:
        return attribute(self.before(record), self.policy, record.at, self.departed)

    def recognised_at(self, phone: str, owner: str) -> str | None:
        """When the facts first tied `phone` to the owner's claim: at once for the same phone,
        else when family links joined them (ATT-FAMILY), or at the owner's claim entry."""
        theirs = [r for r in self.records if r.at <= self.at and r.phone and credits_party(r, owner)]
        owned = {r.phone for r in theirs}
        moments = [r.at for r in self.records if isinstance(r, Claim) and r.staff == owner]
        if phone in owned:
            moments.append(min(r.at for r in theirs if r.phone == phone))
        joined = joined_at(phone, owned, self.records, self.policy.protection.family, self.at)
        if joined:
            moments.append(joined)
        return min(moments) if moments else None

    def first_contact(self, party: str, episode: Episode) -> str:
        contacts = [r.at for r in self.records if r.kind in ("visit", "call", "handover") and r.receiver == party]
        return min(contacts + [episode.first.at])


def analyse(group: Group, rulings: dict[str, Ruling]) -> Analysis:
    """DSP-DETECT over one customer group: a dispute for each deal closed by someone other than the
    protected owner, for two agencies' claims, and for each `claim` entry; each with the policy's
    proposal (or the ruling), and every deal's credited split."""
    eps = episodes(group.records, group.at)
    live = [e for e in eps if not e.refunded]
    credits: dict[str, dict] = {}

    def finish(d: dict, raised: str, late: bool) -> dict:
        return _finish(d, raised, late, rulings.get(d["id"]), group.policy, group.at)

    disputes, staff_by_episode = _staff_disputes(group, live, finish, credits)
    agency = _agency_dispute(group, live, finish)
    if agency is not None:
        disputes.append(agency)
    disputes += _claim_disputes(group, live, staff_by_episode, finish, credits)
    return Analysis(disputes, credits)


def _finish(d: dict, raised: str, late: bool, ruling: Ruling | None, policy, at: str) -> dict:
    """A dispute's status, deadline and ruling, or the house account when it was left too long."""
    due, deadline = splits.house_due(policy, raised, at)
    if deadline is not None:        # the manager's deadline, else the claim window's
        d["deadline"] = deadline
    d["raised"] = minute_of(raised)
    if ruling:
        d["status"], d["award"] = "ruled", award_of(ruling)
        d["ruling"] = {"by": ruling.actor, "at": minute_of(ruling.at), "reason": ruling.reason}
    else:
        d["status"] = "late" if late else "open"
        if due:
            d["proposal"], d["rule"] = {HOUSE: 100}, rules.SPL_HOUSE
    return d


def _staff_disputes(group: Group, live: list[Episode], finish, credits: dict) -> tuple[list[dict], dict]:
    """Each deal episode's credit, and a dispute where its closer is not the customer's owner before it
    (with the dispute of each episode, by id(), for the claims that follow)."""
    disputes, by_episode = [], {}
    for episode in live:
        before = group.owner_before(episode.first)
        owner = before.owner
        for deal in episode.deals:
            credits[deal.id] = {"split": {episode.closer: 100}, "rule": rules.SPL_OWNER, "status": "",
                                "dispute": None}
        if owner is None or owner == episode.closer:
            shares = splits.helped_owner_closed(group, episode)
            if shares:                                                       # SPL-HELPED-OWNER-CLOSED
                for deal in episode.deals:
                    credits[deal.id].update(split=shares, rule=rules.SPL_HELPED_OWNER_CLOSED)
            continue
        proposal, rule, raised, late = splits.staff_proposal(group, episode, owner)
        d = {"id": dispute_id("staff", episode.first.id), "kind": "staff", "customer": episode.phone,
             "closer": episode.closer, "stage": episode.stage,
             "claimants": [{"party": owner, "basis": _basis(before), "since": minute_of(before.since or "")},
                           {"party": episode.closer, "basis": episode.stage, "since": minute_of(episode.first.at)}],
             "proposal": proposal, "rule": rule, "deadline": splits.window_deadline(group.policy, episode)}
        d = finish(d, raised, late)
        disputes.append(d)
        by_episode[id(episode)] = d
        for deal in episode.deals:
            credits[deal.id] = _credit(d)
    return disputes, by_episode


def _agency_dispute(group: Group, live: list[Episode], finish) -> dict | None:
    """Two agencies claiming the customer (DSP-DETECT, SPL-AGENCY), about the last deal episode."""
    ch = channel(group.records, group.policy, group.at)
    if len(ch.claims) < 2:
        return None
    episode = live[-1] if live else None
    proposal, rule = splits.agency_proposal(group.policy, ch, episode)
    arrival = min((c.arrival for c in ch.claims.values()), key=lambda r: (r.at, r.id))
    d = {"id": dispute_id("agency", arrival.id), "kind": "agency",
         "customer": episode.phone if episode else arrival.phone,          # the deal's phone
         "closer": episode.closer if episode else None, "stage": episode.stage if episode else None,
         "claimants": [{"party": c.agency, "basis": c.evidence, "since": minute_of(c.report.at)}
                       for c in sorted(ch.claims.values(), key=lambda c: (c.report.at, c.report.id))],
         "proposal": proposal, "rule": rule, "deadline": None}
    return finish(d, arrival.at, False)


def _claim_disputes(group: Group, live: list[Episode], staff_by_episode: dict, finish, credits: dict) -> list[dict]:
    """Every `claim` entry (DSP-DETECT), about the deal episode it came after; a ruled one credits it."""
    policy, out = group.policy, []
    for record in group.records:
        if not isinstance(record, Claim) or record.at > group.at:
            continue
        party = record.party
        episode = next((e for e in reversed(live) if e.first.at <= record.at), live[-1] if live else None)
        late = False
        if episode is not None:
            staff = staff_by_episode.get(id(episode))
            if splits.late(policy, episode, record.at):
                proposal, rule, late = {episode.closer: 100}, rules.DSP_WINDOW, True
            elif staff is not None:
                proposal, rule = dict(staff["proposal"]), staff["rule"]
            else:
                proposal, rule = {episode.closer: 100}, rules.SPL_OWNER
        else:
            owner = attribute(group.records, policy, record.at, group.departed).owner
            proposal, rule = ({owner: 100}, rules.SPL_OWNER) if owner else ({party: 100}, rules.ATT_FIRST)
        others = [p for p in ([episode.closer] if episode else []) + list(proposal) if p not in (party, HOUSE)]
        d = {"id": dispute_id("claim", record.id), "kind": "claim",
             "customer": episode.phone if episode else record.phone,           # the deal's phone
             "closer": episode.closer if episode else None, "stage": episode.stage if episode else None,
             "claimants": [{"party": party, "basis": "claim", "since": minute_of(record.at)}]
             + [{"party": p, "basis": "owner" if episode is None else "closer", "since": None}
                for p in dict.fromkeys(others)],
             "proposal": proposal, "rule": rule,
             "deadline": splits.window_deadline(policy, episode) if episode else None,
             "note": record.note}
        d = finish(d, record.at, late)
        out.append(d)
        if episode is not None and d["status"] == "ruled":
            for deal in episode.deals:
                if credits.get(deal.id, {}).get("status") != "ruled":
                    credits[deal.id] = _credit(d)
    return out


def _basis(att: Attribution) -> str:
    return next((c["basis"] for c in att.claims if c["party"] == att.owner), "visit")


def _credit(d: dict) -> dict:
    shares = d.get("award") if d["status"] == "ruled" else d["proposal"]
    return {"split": dict(shares), "rule": rules.DSP_FINAL if d["status"] == "ruled" else d["rule"],
            "status": d["status"], "dispute": d["id"]}


def award_of(ruling: Ruling) -> dict[str, int]:
    """DSP-FINAL: what a ruling awards (all to the house account, or the parties' percents)."""
    return {HOUSE: 100} if ruling.house else dict(ruling.award)


def first_rulings(rulings) -> dict[str, Ruling]:
    """dispute id -> its ruling; the first one recorded wins (DSP-FINAL)."""
    out: dict[str, Ruling] = {}
    for ruling in sorted(rulings, key=lambda r: (r.at, r.id)):
        out.setdefault(ruling.dispute, ruling)
    return out


def find(analyses, dispute: str) -> dict | None:
    return next((d for a in analyses for d in a.disputes if d["id"] == dispute), None)


def rule_on(found: dict, award: dict[str, int], house: bool, roster) -> dict[str, int]:
    """DSP-FINAL: check a ruling against the dispute it decides; returns the award to record."""
    if found["status"] == "ruled":
        raise DomainError(f"dispute {found['id']} was already ruled by {found['ruling']['by']} on "
                          f"{found['ruling']['at']}; a ruling is final (DSP-FINAL)")
    parties = {c["party"] for c in found["claimants"]} | set(found["proposal"]) | {found.get("closer")}
    unknown = [p for p in award if p not in parties and p not in roster and p != HOUSE]
    if unknown:
        raise DomainError(f"'{unknown[0]}' is not a party to {found['id']} "
                          f"({', '.join(sorted(p for p in parties if p))})")
    return {HOUSE: 100} if house else award


def ruling_fines(found: dict, ruling: Ruling, policy, roster) -> list[Fine]:
    """DSP-FINAL with `disputes.ruling_fine_yuan` (004 客户归属判定制度精品: 最终判定结果不得有异议且处罚非客户归属方
    100元): each staff claimant the ruling awards nothing is fined; a ruling to the house fines nobody."""
    yuan = policy.disputes.ruling_fine_yuan
    if not yuan or ruling.house:
        return []
    parties = dict.fromkeys(c["party"] for c in found["claimants"])
    return [Fine(at=ruling.at, actor=ruling.actor, staff=party, fine=yuan, rule=rules.DSP_FINAL, ref=ruling.id,
                 reason="判客结果的非客户归属方") for party in parties
            if party in roster and not ruling.award.get(party)]


def deal_outcome(group: Group, rulings: dict[str, Ruling], deal: Deal):
    """A new deal's credit (its split, rule and dispute), and SPL-KNOWING's fine: decided once, by
    the deal that raises the collision, when the policy fines it."""
    credit = analyse(group, rulings).credits.get(deal.id, {})
    fine = group.policy.splits.knowing_fine_yuan
    if fine and credit.get("rule") == rules.SPL_KNOWING and credit.get("dispute") == dispute_id("staff", deal.id):
        return credit, Fine(at=deal.at, actor=deal.actor, staff=deal.staff, fine=fine, rule=rules.SPL_KNOWING,
                            ref=deal.id, reason="知情接触他人客户并成交")
    return credit, None
