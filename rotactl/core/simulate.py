"""`simulate`: a period's leads decided again under a policy, to compare two policies. Pure: the
shell hands in the carried state, the days' entries and a way to fetch a customer's facts.

The facts stay as recorded: arrivals and calls with their wishes (`--for`, `--absent`, `--to`, the
phone, the agency, the kind), check-ins, away/back, check-outs, deals, follow-ups, links. The
decisions are taken again in replay order with the desk's own functions (`desk.register`,
`rotation.decide_pass` and the pass limits, `desk.handover`): receivers, counts, skips, make-ups,
claims, pass fines. A `done` ends the receptions its person was serving in the ledger — whoever
receives them in the run. A pass whose person is no longer next-up, or a hand-back of a reception
that went elsewhere, does not happen. Closed days get their day-end rules again (CNT-HELP, PEN-HALF,
calls distributed at day end); recorded day-end entries are dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rotactl.core import attribution, desk, disputes, rules
from rotactl.core.entries import Entry, skips_view
from rotactl.core.penalties import day_end, pass_penalty
from rotactl.core.replay import apply, end_day, start_day
from rotactl.core.rotation import decide_pass
from rotactl.core.state import Carry
from rotactl.errors import DomainError

DAY_END_ACTOR = "rollover"
COMPARED = ("receiver", "counted", "rule", "skipped", "owner", "fine")


@dataclass
class Run:
    """One policy's replay of the period."""
    decided: dict[str, Entry] = field(default_factory=dict)     # entry id -> the decision taken again
    outcome: dict[str, dict] = field(default_factory=dict)      # entry id -> the compared fields
    day_end: dict[str, list[str]] = field(default_factory=dict)  # closed day -> its day-end entries, described
    days: list = field(default_factory=list)                     # (replayed day, entries applied) per day
    order: list[Entry] = field(default_factory=list)             # the decisions in replay order


def _fields(entry: Entry, owner) -> dict:
    if entry.kind == "pass":
        return {"receiver": entry.staff, "counted": False, "rule": entry.rule, "skipped": _skips(entry.skipped),
                "owner": None, "fine": entry.fine}
    return {"receiver": entry.receiver or None, "counted": entry.counted, "rule": entry.rule,
            "skipped": _skips(entry.skipped), "owner": owner, "fine": 0}


def _skips(skipped) -> str:
    return "|".join(f"{s.staff}:{s.outcome}:{s.rule}" for s in skipped)


def _describe(entry: Entry) -> str:
    who = getattr(entry, "staff", "") or getattr(entry, "receiver", "")
    return f"{entry.kind} {who} {entry.rule}".strip()


class Facts:
    """A customer group's facts as they stood before an entry, with this run's decisions in place."""

    def __init__(self, fetch, policy, run: Run):
        self.fetch, self.policy, self.run = fetch, policy, run

    def group(self, phone: str, entry: Entry, pending: Entry | None = None):
        if not phone:
            return None
        members, records = attribution.group(phone, self.fetch, self.policy.protection.family, entry.at)
        key = (entry.at, entry.id)
        kept = [self.run.decided.get(r.id, r) for r in records if (r.at, r.id) < key]
        if pending is not None:
            kept.append(pending)
        return members, kept


def run(policy, carry: Carry, days: list[tuple[str, list[Entry], bool]], fetch) -> Run:
    """Decide the period again under `policy`. `days`: (date, its entries, closed by rollover) in order;
    `fetch(phone)`: every recorded fact filed under a phone (the office's index)."""
    out = Run()
    facts = Facts(fetch, policy, out)
    for date, entries, closed in days:
        day = start_day(carry, date, policy)
        ledger = start_day(carry, date, policy)    # the day as recorded: whom each `done` finished
        applied = []
        for entry in sorted(entries, key=lambda e: (e.at, e.id)):
            recorded_day_end = entry.actor == DAY_END_ACTOR and entry.at.endswith("23:59:59")
            finished = [s.entry for s in ledger.person(entry.staff).receiving] if entry.kind == "done" else None
            apply(ledger, entry)
            if recorded_day_end and closed:
                continue
            if finished is not None:
                _finish(day, finished, entry.at)
                applied.append(entry)
                continue
            new = _decide(day, entry, facts, out) if entry.kind in ("visit", "call", "pass", "handover") else entry
            if new is not None:
                apply(day, new)
                applied.append(new)
        if closed:
            extra = day_end(day, DAY_END_ACTOR)
            for entry in extra:
                apply(day, entry)
            applied += extra
            out.day_end[date] = sorted(_describe(e) for e in extra)
        out.days.append((day, applied))
        carry = end_day(day)
    return out


def _finish(day, ids: list[str], at: str) -> None:
    """`done`: the receptions its person was serving in the ledger end, whoever serves them here."""
    for person in day.people.values():
        kept = [r for r in person.receiving if r.entry not in ids]
        if len(kept) != len(person.receiving):
            person.receiving = kept
            if not kept:
                person.since = at


def _decide(day, entry: Entry, facts: Facts, out: Run) -> Entry | None:
    out.order.append(entry)
    owner = None
    try:
        if entry.kind == "pass":
            d = decide_pass(day, entry.staff, entry.queue)
            penalty = pass_penalty(day, entry.staff, entry.at, entry.queue)
            new = entry.replace(turn=d.turn, skipped=d.skipped, rule=penalty.rule or rules.ROT_PASS,
                                free=penalty.free, fine=penalty.fine, suspend_days=penalty.suspend_days)
        elif entry.kind == "handover":
            ref = day.receptions.get(entry.ref)
            if ref is None:
                raise DomainError("no such reception")
            new = desk.handover(day, ref, entry.receiver, entry.at, entry.actor).replace(id=entry.id)
        else:
            pending = entry.replace(receiver="", counted=False, rule="", skipped=(), claim="", takeover=False)
            done = desk.register(day, pending, facts.group(entry.phone, entry, pending),
                                 facts.group(entry.referred_by, entry))
            new, owner = done.entry, done.owner
    except DomainError:
        out.outcome[entry.id] = {"receiver": None, "counted": False, "rule": "refused", "skipped": "",
                                 "owner": None, "fine": 0}
        if entry.kind in ("visit", "call"):      # ROT-NOBODY: the lead is recorded, nobody receives it
            new = entry.replace(receiver="", counted=False, rule=rules.ROT_NOBODY, skipped=(), claim="",
                                takeover=False)
            out.decided[entry.id] = new
            return new
        return None
    out.decided[entry.id] = new
    out.outcome[entry.id] = _fields(new, owner)
    return new


def recorded(entry: Entry) -> dict:
    """The compared fields of a decision as the ledger holds it (owner left out: not recorded)."""
    return _fields(entry, None)


def changes(before: Run, after: Run) -> list[dict]:
    """Every compared field that differs, decision by decision, then the closed days' day-end rules."""
    out = []
    for entry in before.order:
        a, b = before.outcome.get(entry.id, {}), after.outcome.get(entry.id, {})
        for name in COMPARED:
            if a.get(name) != b.get(name):
                out.append({"entry": entry.id, "at": entry.at[:16], "field": name, "before": a.get(name),
                            "after": b.get(name)})
    for date in sorted(before.day_end):
        if before.day_end[date] != after.day_end.get(date):
            out.append({"entry": None, "at": date, "field": "day-end", "before": before.day_end[date],
                        "after": after.day_end.get(date, [])})
    return out


def splits(run_: Run, deals: list[Entry], fetch, policy, departed, rulings, at: str) -> dict[str, dict]:
    """Each deal's credited split (the ruling, else the policy's proposal) with this run's decisions."""
    out = {}
    for deal in deals:
        members, records = attribution.group(deal.phone, fetch, policy.protection.family, at)
        records = [run_.decided.get(r.id, r) for r in records]
        analysis = disputes.analyse(disputes.Group(members, records, policy, departed, at), rulings)
        credit = analysis.credits.get(deal.id)
        if credit:
            out[deal.id] = dict(credit["split"])
    return out


def split_changes(deals: list[Entry], before: dict, after: dict) -> list[dict]:
    return [{"entry": d.id, "at": d.at[:16], "field": "split", "before": before.get(d.id), "after": after.get(d.id)}
            for d in deals if before.get(d.id) != after.get(d.id)]


__all__ = ["Run", "run", "changes", "recorded", "splits", "split_changes", "skips_view"]
