"""`simulate`: a period's leads decided again under two policies, to compare them. Pure: the shell
hands in the carried state, then the period one day at a time with a way to fetch a customer's facts;
a day is decided under both policies, compared, and let go (`Comparison.day`).

The facts stay as recorded: arrivals and calls with their wishes (`--for`, `--absent`, `--to`, the
phone, the agency, the kind), check-ins, away/back, check-outs, deals, rulings, follow-ups, links.
The decisions are taken again in replay order with the desk's own functions (`desk.register`,
`rotation.decide_pass` and the pass limits, `desk.handover`): receivers, counts, skips, make-ups,
claims, pass fines. A `done` ends the receptions its person was serving in the ledger — whoever
receives them in the run. A pass whose person is no longer next-up, or a hand-back of a reception
that went elsewhere, does not happen. Closed days get their day-end rules again (CNT-HELP, PEN-HALF,
calls distributed at day end); recorded day-end entries are dropped. A deal's SPL-KNOWING fine and a
ruling's DSP-FINAL fines are decided again as `deal` and `resolve-dispute` decide them, from the
customer's facts with the run's decisions; the recorded fines are dropped.

Of each decision a run keeps only what later facts need: the fields attribution reads, where they
differ from the ledger (`Run.changed`). Memory does not grow with the days the period holds, only
with the differences found.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from rotactl.core import attribution, desk, disputes, fairness, rules
from rotactl.core.dates import minute_of
from rotactl.core.entries import Entry, skips_view
from rotactl.core.errors import DomainError
from rotactl.core.penalties import day_end, pass_penalty
from rotactl.core.replay import apply, end_day, start_day
from rotactl.core.rotation import decide_pass
from rotactl.core.state import Carry

DAY_END_ACTOR = "rollover"
COMPARED = ("receiver", "counted", "rule", "skipped", "owner", "fine")
DECIDED = ("visit", "call", "pass", "handover")
ATTRIBUTION = ("receiver", "counted", "rule", "claim", "takeover")   # what a decision tells attribution
REDECIDED_FINES = (rules.SPL_KNOWING, rules.DSP_FINAL)              # fines a deal or a ruling raises


def _fields(entry: Entry, owner) -> dict:
    if entry.kind == "pass":
        return {"receiver": entry.staff, "counted": False, "rule": entry.rule, "skipped": _skips(entry.skipped),
                "owner": None, "fine": entry.fine}
    return {"receiver": entry.receiver or None, "counted": entry.counted, "rule": entry.rule,
            "skipped": _skips(entry.skipped), "owner": owner, "fine": 0}


REFUSED = {"receiver": None, "counted": False, "rule": "refused", "skipped": "", "owner": None, "fine": 0}


def _skips(skipped) -> str:
    return "|".join(f"{s.staff}:{s.outcome}:{s.rule}" for s in skipped)


def _describe(entry: Entry) -> str:
    who = getattr(entry, "staff", "") or getattr(entry, "receiver", "")
    return f"{entry.kind} {who} {entry.rule}".strip()


def recorded(entry: Entry) -> dict:
    """The compared fields of a decision as the ledger holds it (owner left out: not recorded)."""
    return _fields(entry, None)


class Run:
    """One policy's replay of the period, a day at a time."""

    def __init__(self, policy, carry: Carry):
        self.policy, self.carry = policy, carry
        self.changed: dict[str, dict | None] = {}   # entry id -> what attribution reads, where the run differs
        self.totals: dict[str, fairness.Tally] = {}  # the period's fairness figures so far

    def as_decided(self, record: Entry) -> Entry | None:
        """A recorded fact as this run has it (None: it did not happen here)."""
        if record.id not in self.changed:
            return record
        delta = self.changed[record.id]
        return None if delta is None else record.replace(**delta)

    def keep(self, recorded_: Entry, new: Entry | None) -> None:
        if not getattr(recorded_, "phone", ""):
            return                        # filed under no customer: no later fact reads it
        if new is None:
            self.changed[recorded_.id] = None
            return
        names = dict(type(recorded_).FIELDS)
        delta = {k: getattr(new, k) for k in ATTRIBUTION if k in names and getattr(new, k) != getattr(recorded_, k)}
        if delta:
            self.changed[recorded_.id] = delta

    def group(self, phone: str, entry: Entry, fetch, pending: Entry | None = None, including: bool = False):
        """The customer group's (members, facts) as they stood before `entry` (and with it, when
        `including`), with this run's decisions in place; `pending` is added last."""
        if not phone:
            return None
        members, records = attribution.group(phone, fetch, self.policy.protection.family, entry.at)
        key = (entry.at, entry.id)
        kept = [d for r in records if ((r.at, r.id) <= key if including else (r.at, r.id) < key)
                and (d := self.as_decided(r)) is not None]
        if pending is not None:
            kept.append(pending)
        return members, kept


@dataclass
class DayRun:
    """One day under one policy: each decision's compared fields, the fines deals and rulings raised,
    the day-end rules (a closed day)."""
    outcome: dict[str, dict] = field(default_factory=dict)
    fines: dict[str, dict] = field(default_factory=dict)      # deal or ruling id -> {staff: yuan}
    day_end: list[str] | None = None


def finishes(carry: Carry, date: str, policy, entries: list[Entry]) -> dict[str, list[str]]:
    """`done` entry id -> the receptions its person was serving in the ledger (the day as recorded)."""
    ledger, out = start_day(carry, date, policy), {}
    for entry in entries:
        if entry.kind == "done":
            out[entry.id] = [s.entry for s in ledger.person(entry.staff).receiving]
        apply(ledger, entry)
    return out


def step(run: Run, date: str, entries: list[Entry], closed: bool, fetch, finished: dict, rulings) -> DayRun:
    """Decide one day again under `run`'s policy; `entries` in (time, id) order."""
    day = start_day(run.carry, date, run.policy)
    out, applied = DayRun(), []
    for entry in entries:
        if entry.actor == DAY_END_ACTOR and entry.at.endswith("23:59:59") and closed:
            continue                      # a recorded day-end entry: decided again below
        if entry.kind == "fine" and entry.rule in REDECIDED_FINES and entry.ref:
            continue                      # decided again with its deal or ruling
        if entry.id in finished:
            _finish(day, finished[entry.id], entry.at)
            applied.append(entry)
            continue
        new = _decide(day, entry, fetch, run, out) if entry.kind in DECIDED else entry
        if new is None:
            continue
        apply(day, new)
        applied.append(new)
        if entry.kind == "deal" and entry.stage != "refund":
            extra = _deal_fine(day, entry, fetch, run, rulings)
        elif entry.kind == "ruling":
            extra = _ruling_fines(day, entry, fetch, run, rulings)
        else:
            continue
        out.fines[entry.id] = {f.staff: f.fine for f in extra}
        for fine in extra:
            apply(day, fine)
    if closed:
        extra = day_end(day, DAY_END_ACTOR)
        for entry in extra:
            apply(day, entry)
        applied += extra
        out.day_end = sorted(_describe(e) for e in extra)
    for sid, t in fairness.tally(day, applied).items():
        run.totals.setdefault(sid, fairness.Tally()).add(t)
    run.carry = end_day(day)
    return out


def _finish(day, ids: list[str], at: str) -> None:
    """`done`: the receptions its person was serving in the ledger end, whoever serves them here."""
    for person in day.people.values():
        kept = [r for r in person.receiving if r.entry not in ids]
        if len(kept) != len(person.receiving):
            person.receiving = kept
            if not kept:
                person.since = at


def _decide(day, entry: Entry, fetch, run: Run, out: DayRun) -> Entry | None:
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
            done = desk.register(day, pending, run.group(entry.phone, entry, fetch, pending),
                                 run.group(entry.referred_by, entry, fetch))
            new, owner = done.entry, done.owner
    except DomainError:
        out.outcome[entry.id] = REFUSED
        new = None
        if entry.kind in ("visit", "call"):      # ROT-NOBODY: the lead is recorded, nobody receives it
            new = entry.replace(receiver="", counted=False, rule=rules.ROT_NOBODY, skipped=(), claim="",
                                takeover=False)
        run.keep(entry, new)
        return new
    run.keep(entry, new)
    out.outcome[entry.id] = _fields(new, owner)
    return new


def _rulings_before(rulings, entry: Entry) -> dict:
    key = (entry.at, entry.id)
    return disputes.first_rulings(r for r in rulings if (r.at, r.id) < key)


def _deal_fine(day, deal: Entry, fetch, run: Run, rulings) -> list:
    """SPL-KNOWING: the fine `deal` decides with the deal (disputes.deal_outcome), from this run's facts."""
    if not run.policy.splits.knowing_fine_yuan:
        return []                         # deal_outcome fines nothing: the customer's facts are not read
    members, records = run.group(deal.phone, deal, fetch, including=True)
    group = disputes.Group(members, records, run.policy, attribution.departed(day.carry), deal.at)
    _credit, fine = disputes.deal_outcome(group, _rulings_before(rulings, deal), deal)
    return [] if fine is None else [fine]


def _ruling_fines(day, ruling: Entry, fetch, run: Run, rulings) -> list:
    """DSP-FINAL: the fines `resolve-dispute` decides with the ruling, on the dispute as this run has it."""
    found = None
    if ruling.phone and run.policy.disputes.ruling_fine_yuan and not ruling.house:   # else ruling_fines: none
        members, records = run.group(ruling.phone, ruling, fetch)
        group = disputes.Group(members, records, run.policy, attribution.departed(day.carry), ruling.at)
        found = disputes.find([disputes.analyse(group, _rulings_before(rulings, ruling))], ruling.dispute)
    return [] if found is None else disputes.ruling_fines(found, ruling, run.policy, day.carry.roster)


class DealRef(NamedTuple):
    id: str
    at: str
    phone: str


class Comparison:
    """The office's policy and another, over a period fed one day at a time (`day`), then the deals'
    splits (`splits`); `view` is what `simulate` shows."""

    def __init__(self, own, other, carry: Carry, rulings):
        self.before, self.after = Run(own, carry), Run(other, carry.copy())
        self.rulings = list(rulings)          # every ruling recorded (facts)
        self.decisions = self.unreproduced = 0
        self.changes: list[dict] = []
        self.deals: list[DealRef] = []        # the period's deals, to credit at its end

    def day(self, date: str, entries: list[Entry], closed: bool, fetch) -> None:
        entries = sorted(entries, key=lambda e: (e.at, e.id))
        finished = finishes(self.before.carry, date, self.before.policy, entries)
        a = step(self.before, date, entries, closed, fetch, finished, self.rulings)
        b = step(self.after, date, entries, closed, fetch, finished, self.rulings)
        day_changes = []
        for entry in entries:
            if entry.kind in DECIDED and entry.id in a.outcome:
                self.decisions += 1
                x, y = a.outcome[entry.id], b.outcome.get(entry.id, {})
                if {k: v for k, v in recorded(entry).items() if k != "owner"} != \
                        {k: v for k, v in x.items() if k != "owner"}:
                    self.unreproduced += 1
                day_changes += [_change(entry, name, x.get(name), y.get(name))
                                for name in COMPARED if x.get(name) != y.get(name)]
            elif entry.id in a.fines or entry.id in b.fines:
                x, y = a.fines.get(entry.id) or None, b.fines.get(entry.id) or None
                if x != y:
                    day_changes.append(_change(entry, "fine", x, y))
            if entry.kind == "deal" and entry.stage != "refund":
                self.deals.append(DealRef(entry.id, entry.at, entry.phone))
        if closed and a.day_end != b.day_end:
            day_changes.append({"entry": None, "at": date, "field": "day-end", "before": a.day_end,
                                "after": b.day_end or []})
        self.changes += day_changes

    def splits(self, deals: list[Entry], fetch, at: str) -> None:
        """Each of `deals` (some of the period's, a batch) credited at `at` under both runs: what differs."""
        rulings = disputes.first_rulings(r for r in self.rulings if r.at <= at)
        for deal in deals:
            x = _split(self.before, deal, fetch, rulings, at)
            y = _split(self.after, deal, fetch, rulings, at)
            if x != y:
                self.changes.append(_change(deal, "split", x, y))

    def view(self, first: str, last: str) -> dict:
        roster = self.before.carry.roster
        return {"since": first, "until": last, "decisions": self.decisions,
                "changes": sorted(self.changes, key=lambda c: c["at"]), "unreproduced": self.unreproduced,
                "fairness": {"before": fairness.rows(roster, [self.before.totals]),
                             "after": fairness.rows(roster, [self.after.totals])}}


def _change(entry: Entry, name: str, before, after) -> dict:
    return {"entry": entry.id, "at": minute_of(entry.at), "field": name, "before": before, "after": after}


def _split(run: Run, deal: Entry, fetch, rulings, at: str) -> dict | None:
    """A deal's credited split (the ruling, else the policy's proposal) with this run's decisions."""
    members, records = attribution.group(deal.phone, fetch, run.policy.protection.family, at)
    records = [d for r in records if (d := run.as_decided(r)) is not None]
    group = disputes.Group(members, records, run.policy, attribution.departed(run.carry), at)
    credit = disputes.analyse(group, rulings).credits.get(deal.id)
    return dict(credit["split"]) if credit else None


__all__ = ["Comparison", "Run", "step", "recorded", "skips_view"]
