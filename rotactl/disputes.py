"""Collisions (撞单), the split the policy proposes, and the manager's ruling.

A pure function of one customer group's facts. Three kinds of dispute, each
with an id that depends only on the entry that raises it, never on when
`disputes` runs or what else the ledger holds:

  staff   a deal closed by someone who is not the group's protected owner
          (DSP-DETECT); raised by the first deal of that closer on that phone
  agency  a customer whom two or more agencies reported validly (DSP-DETECT);
          raised by the arrival that confirmed the reports
  claim   every `claim` entry (异议/认出) (DSP-DETECT); raised by itself

Every proposal is a dict party → percent that sums to 100 and names the rule:

  SPL-OWNER               no collision: the owner (the closer) 100
  SPL-HELP                the owner was absent and a helper received: a deal
                          the same day is split by policy, a later one is the
                          owner's (the help was an obligation)
  ATT-DESIGNATED          a designated customer received by someone else
                          while the designated person was away: a same-day
                          deal is the receiver's
  SPL-KNOWING             the closer served a customer already known to be
                          another's: the original 100 (and a fine entry)
  SPL-STAGE               recognised before the deposit: original 100; at or
                          after it: 50/50; after the contract: the closer 100
  SPL-UNAWARE             unknowingly served and closed: the policy's shares
  SPL-HELPED-OWNER-CLOSED a helper received, the owner closed: policy shares
  SPL-AGENCY              two agencies: by evidence (reported / toured / came
                          to the deal)
  ATT-REPORT              two agencies, no agency came to the deal: the
                          earliest valid report
  DSP-WINDOW              the claim came after the policy's window: the closer 100
  SPL-HOUSE               not ruled within the policy's days: the house account
  DSP-FINAL               a ruling: final, it overrides the proposal
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rotactl import clock
from rotactl.attribution import Channel, attribute, channel, links_in

HOUSE = "house"
HELP_RULES = ("ROT-LAST",)


def dispute_id(kind: str, entry_id: str) -> str:
    return "D-" + hashlib.sha256(f"{kind}:{entry_id}".encode()).hexdigest()[:10]


def split(first: str, share: int, second: str) -> dict[str, int]:
    """first gets `share` percent, second the rest; zero shares are left out."""
    out = {first: share, second: 100 - share} if first != second else {first: 100}
    return {party: pct for party, pct in out.items() if pct}


@dataclass
class Episode:
    """The deals of one closer on one phone, from their first deal to a refund."""
    phone: str
    closer: str
    deals: list[dict] = field(default_factory=list)
    refunded: bool = False

    @property
    def first(self) -> dict:
        return self.deals[0]

    @property
    def stage(self) -> str:
        return "contract" if any(d.get("stage") == "contract" for d in self.deals) else "deposit"

    def stage_before(self, moment: str) -> str | None:
        stages = {d.get("stage") for d in self.deals if d["at"] < moment}
        return "contract" if "contract" in stages else "deposit" if stages else None


def episodes(records: list[dict], at: str) -> list[Episode]:
    """Deals grouped by (phone, closer); a refund ends every open episode of the group (the
    customer is reopened)."""
    open_: dict[tuple[str, str], Episode] = {}
    out: list[Episode] = []
    for record in records:
        if record["at"] > at or record["kind"] != "deal":
            continue
        if record.get("stage") == "refund":
            for episode in open_.values():
                episode.refunded = True
            open_ = {}
            continue
        key = (record["phone"], record.get("staff", ""))
        if key not in open_:
            open_[key] = Episode(*key)
            out.append(open_[key])
        open_[key].deals.append(record)
    return out


@dataclass
class Analysis:
    disputes: list[dict]
    credits: dict[str, dict]      # deal entry id -> {"split", "rule", "status", "dispute"}


def credits_party(record: dict, party: str) -> bool:
    """A registration that claims the customer for `party`, or a deal `party` closed."""
    if record["kind"] in ("visit", "call"):
        return record.get("claim") == party
    return record["kind"] == "deal" and record.get("staff") == party


class Group:
    """One customer group's facts and the policy; answers who owned what, when."""

    def __init__(self, members: list[str], records: list[dict], policy, departed, at: str):
        self.members, self.records, self.policy, self.departed, self.at = members, records, policy, departed, at

    def before(self, record: dict) -> list[dict]:
        key = (record["at"], record["id"])
        return [r for r in self.records if (r["at"], r["id"]) < key]

    def owner_before(self, record: dict):
        return attribute(self.before(record), self.policy, record["at"], self.departed)

    def recognised_at(self, phone: str, owner: str) -> str | None:
        """When the facts first tied `phone` to the owner's claim: at once for the same phone,
        else when family links joined them, or at the owner's claim entry, whichever is first."""
        theirs = [r for r in self.records if r["at"] <= self.at and r.get("phone") and credits_party(r, owner)]
        owned = {r["phone"] for r in theirs}
        moments = [r["at"] for r in self.records if r["kind"] == "claim" and r.get("staff") == owner]
        if phone in owned:
            moments.append(min(r["at"] for r in theirs if r["phone"] == phone))
        parent: dict[str, str] = {}

        def root(x: str) -> str:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        family = self.policy.protection.family
        for record in self.records:
            if record["at"] > self.at:
                break
            joined = [(a, b) for a, b, relation in links_in(record) if relation in family]
            for a, b in joined:
                parent[root(a)] = root(b)
            if joined and any(root(phone) == root(o) for o in owned):
                moments.append(record["at"])
                break
        return min(moments) if moments else None

    def first_contact(self, party: str, episode: Episode) -> str:
        contacts = [r["at"] for r in self.records
                    if r["kind"] in ("visit", "call", "handover") and r.get("receiver") == party]
        return min(contacts + [episode.first["at"]])

    def help_visits(self, helper: str, owner: str, until: str) -> list[dict]:
        return [r for r in self.records if r["kind"] in ("visit", "call") and r["at"] <= until
                and r.get("receiver") == helper and r.get("claim") == owner and helper != owner]


def staff_proposal(group: Group, episode: Episode, owner: str) -> tuple[dict, str, str, bool]:
    """(proposal, rule, raised at, late) for a deal closed by someone who is not the owner."""
    policy, closer, first = group.policy, episode.closer, episode.first
    day = first["at"][:10]
    helps = group.help_visits(closer, owner, first["at"])
    if helps:
        same_day = [v for v in helps if v["at"][:10] == day]
        designated = all(v.get("rule") not in HELP_RULES and v.get("designated") == owner for v in helps)
        if designated and policy.splits.designated_absent == "receiver":    # ATT-DESIGNATED
            return ({closer: 100} if same_day else {owner: 100}), "ATT-DESIGNATED", first["at"], False
        if same_day:                                                         # SPL-HELP
            return split(owner, policy.splits.help_owner, closer), "SPL-HELP", first["at"], False
        return {owner: 100}, "SPL-HELP", first["at"], False
    recognised = group.recognised_at(episode.phone, owner) or first["at"]
    raised = max(recognised, first["at"])
    if _late(policy, episode, raised):                                       # DSP-WINDOW
        return {closer: 100}, "DSP-WINDOW", raised, True
    if recognised <= group.first_contact(closer, episode):                   # SPL-KNOWING
        return {owner: 100}, "SPL-KNOWING", raised, False
    if policy.splits.unaware == "ratio":                                     # SPL-UNAWARE
        return split(owner, policy.splits.unaware_original, closer), "SPL-UNAWARE", raised, False
    stage = episode.stage_before(recognised)               # SPL-STAGE: the stage when recognised
    if stage == "contract":
        return {closer: 100}, "SPL-STAGE", raised, False
    if stage == "deposit" or recognised == first["at"]:
        return split(owner, 50, closer), "SPL-STAGE", raised, False
    return {owner: 100}, "SPL-STAGE", raised, False


def _late(policy, episode: Episode, raised: str) -> bool:
    window = policy.disputes.window
    if window == "days":
        return raised[:10] > clock.add_days(episode.first["at"][:10], policy.disputes.window_days)
    if window == "contract":
        return any(d.get("stage") == "contract" and d["at"] < raised for d in episode.deals)
    return False


def agency_proposal(group: Group, ch: Channel, episode: Episode | None) -> tuple[dict, str]:
    claims = sorted(ch.claims.values(), key=lambda c: (c.report["at"], c.report["id"]))
    earliest = claims[0].agency
    if episode is None:
        return {earliest: 100}, "ATT-REPORT"
    closers = [c for c in claims if c.closed]
    if not closers:
        return {earliest: 100}, "ATT-REPORT"
    if len(closers) >= 2:                                  # both came to the deal: 50/50
        return split(closers[0].agency, 50, closers[1].agency), "SPL-AGENCY"
    closer = closers[0]
    others = [c for c in claims if c is not closer]
    other = max(others, key=lambda c: (c.toured, -claims.index(c)))
    share = group.policy.channel.toured_share if other.toured else group.policy.channel.called_share
    return split(other.agency, share, closer.agency), "SPL-AGENCY"


def house_due(policy, raised: str, at: str) -> tuple[bool, str | None]:
    days = policy.disputes.house_after_days
    if not days:
        return False, None
    deadline = clock.add_days(raised[:10], days)
    return at[:10] > deadline, deadline


def analyse(group: Group, rulings: dict[str, dict]) -> Analysis:
    policy, at = group.policy, group.at
    eps = episodes(group.records, at)
    disputes: list[dict] = []
    credits: dict[str, dict] = {}

    def finish(d: dict, raised: str, late: bool) -> dict:
        ruling = rulings.get(d["id"])
        due, deadline = house_due(policy, raised, at)
        if deadline is not None:        # the manager's deadline, else the claim window's
            d["deadline"] = deadline
        d["raised"] = raised[:16]
        if ruling:
            d["status"], d["award"] = "ruled", award_of(ruling)
            d["ruling"] = {"by": ruling.get("actor"), "at": ruling["at"][:16], "reason": ruling.get("reason", "")}
        else:
            d["status"] = "late" if late else "open"
            if due:
                d["proposal"], d["rule"] = {HOUSE: 100}, "SPL-HOUSE"
        return d

    staff_by_episode: dict[int, dict] = {}
    for episode in eps:
        if episode.refunded:
            continue
        before = group.owner_before(episode.first)
        owner = before.owner
        for deal in episode.deals:
            credits[deal["id"]] = {"split": {episode.closer: 100}, "rule": "SPL-OWNER", "status": "",
                                   "dispute": None}
        if owner is None or owner == episode.closer:
            share = policy.splits.helped_owner_closed
            helpers = [r for r in group.records if r["kind"] in ("visit", "call") and r["at"] < episode.first["at"]
                       and r.get("claim") == episode.closer and r.get("receiver") not in ("", episode.closer)
                       and r.get("rule") in HELP_RULES] if share else []
            if helpers:                                                      # SPL-HELPED-OWNER-CLOSED
                for deal in episode.deals:
                    credits[deal["id"]].update(split=split(helpers[-1]["receiver"], share, episode.closer),
                                               rule="SPL-HELPED-OWNER-CLOSED")
            continue
        proposal, rule, raised, late = staff_proposal(group, episode, owner)
        d = {"id": dispute_id("staff", episode.first["id"]), "kind": "staff", "customer": episode.phone,
             "closer": episode.closer, "stage": episode.stage,
             "claimants": [{"party": owner, "basis": _basis(before), "since": (before.since or "")[:16]},
                           {"party": episode.closer, "basis": episode.stage,
                            "since": episode.first["at"][:16]}],
             "proposal": proposal, "rule": rule, "deadline": _window_deadline(policy, episode)}
        d = finish(d, raised, late)
        disputes.append(d)
        staff_by_episode[id(episode)] = d
        for deal in episode.deals:
            credits[deal["id"]] = _credit(d)

    live = [e for e in eps if not e.refunded]
    ch = channel(group.records, policy, at)
    if len(ch.claims) >= 2:                                # two agencies (DSP-DETECT, SPL-AGENCY)
        episode = live[-1] if live else None
        proposal, rule = agency_proposal(group, ch, episode)
        arrival = min((c.arrival for c in ch.claims.values()), key=lambda r: (r["at"], r["id"]))
        d = {"id": dispute_id("agency", arrival["id"]), "kind": "agency", "customer": arrival["phone"],
             "closer": episode.closer if episode else None, "stage": episode.stage if episode else None,
             "claimants": [{"party": c.agency, "basis": c.evidence, "since": c.report["at"][:16]}
                           for c in sorted(ch.claims.values(), key=lambda c: (c.report["at"], c.report["id"]))],
             "proposal": proposal, "rule": rule, "deadline": None}
        disputes.append(finish(d, arrival["at"], False))

    for record in group.records:                           # every claim entry (DSP-DETECT)
        if record["kind"] != "claim" or record["at"] > at:
            continue
        party = record.get("staff") or record.get("agency", "")
        episode = next((e for e in reversed(live) if e.first["at"] <= record["at"]), live[-1] if live else None)
        late = False
        if episode is not None:
            staff = staff_by_episode.get(id(episode))
            if _late(policy, episode, record["at"]):
                proposal, rule, late = {episode.closer: 100}, "DSP-WINDOW", True
            elif staff is not None:
                proposal, rule = dict(staff["proposal"]), staff["rule"]
            else:
                proposal, rule = {episode.closer: 100}, "SPL-OWNER"
        else:
            owner = attribute(group.records, policy, record["at"], group.departed).owner
            proposal, rule = ({owner: 100}, "SPL-OWNER") if owner else ({party: 100}, "ATT-FIRST")
        others = [p for p in ([episode.closer] if episode else []) + list(proposal) if p not in (party, HOUSE)]
        d = {"id": dispute_id("claim", record["id"]), "kind": "claim", "customer": record["phone"],
             "closer": episode.closer if episode else None, "stage": episode.stage if episode else None,
             "claimants": [{"party": party, "basis": "claim", "since": record["at"][:16]}]
             + [{"party": p, "basis": "owner" if episode is None else "closer", "since": None}
                for p in dict.fromkeys(others)],
             "proposal": proposal, "rule": rule,
             "deadline": _window_deadline(policy, episode) if episode else None,
             "note": record.get("note", "")}
        d = finish(d, record["at"], late)
        disputes.append(d)
        if episode is not None and d["status"] == "ruled":
            for deal in episode.deals:
                if credits.get(deal["id"], {}).get("status") != "ruled":
                    credits[deal["id"]] = _credit(d)
    return Analysis(disputes, credits)


def _basis(att) -> str:
    return next((c["basis"] for c in att.claims if c["party"] == att.owner), "visit")


def _window_deadline(policy, episode: Episode) -> str | None:
    if policy.disputes.window == "days":
        return clock.add_days(episode.first["at"][:10], policy.disputes.window_days)
    return None


def _credit(d: dict) -> dict:
    shares = d.get("award") if d["status"] == "ruled" else d["proposal"]
    return {"split": dict(shares), "rule": "DSP-FINAL" if d["status"] == "ruled" else d["rule"],
            "status": d["status"], "dispute": d["id"]}


def award_of(ruling: dict) -> dict[str, int]:
    if ruling.get("house") == "1":
        return {HOUSE: 100}
    out = {}
    for part in ruling.get("award", "").split("|"):
        if part:
            party, _sep, pct = part.rpartition("=")
            out[party] = int(pct)
    return out


def encode_award(award: dict[str, int]) -> str:
    return "|".join(f"{party}={pct}" for party, pct in award.items())
