"""Whom a customer belongs to: a pure function of the facts about its group.

ATT-FIRST    a registration with name and phone claims the customer for the
             person it credits (the receiver, or the owner they helped).
ATT-PROTECT  the claim is protected for the period of its source (visit, call,
             deposit, contract; 0 = permanent).
ATT-RENEW    the owner's revisit or follow-up restarts the period from its own
             date; with a lapse period, an unsigned claim with no contact lapses.
ATT-FAMILY   relations in the policy's family set join customers into one group;
             the group's earliest valid claim owns it.
ATT-DEPARTED a departed owner's customers go to the person they were reassigned
             to, else back to the pool.
ATT-COMPLAINT a manager's reassignment (the customer complained and asked for
             someone else) moves the customer to the new salesperson.
ATT-REPORT   an agency's report-in claims the customer for the channel if made
             the lead time before an arrival it matches (full phone, or the
             visible digits and the name) and the arrival is within its
             validity; the earliest valid report wins; the arrival
             confirmation then holds for its own period, renewed by each visit
             the agency brings.
ATT-INHOUSE  a customer who came to the showroom before any valid report is
             protected against agencies for the in-house period.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rotactl.core import dates
from rotactl.core.dates import day_of
from rotactl.core.entries import Deal, Entry, Reception, ReportIn, links_in
from rotactl.core.phones import masks_of

PERMANENT = "permanent"


@dataclass
class Attribution:
    owner: str | None = None
    until: str | None = None       # last protected day, PERMANENT, or None
    signed: bool = False
    since: str | None = None
    claims: list[dict] = field(default_factory=list)
    collisions: list[dict] = field(default_factory=list)

    @property
    def protected_until(self) -> str | None:
        return None if self.until in (None, PERMANENT) else self.until


def family_pairs(entry: Entry, family) -> list[tuple[str, str]]:
    """ATT-FAMILY: the (phone, phone) pairs of an entry that the policy's family relations join."""
    return [(a, b) for a, b, relation in links_in(entry) if relation in family]


def family_edges(entries: Iterable[Entry], family) -> Iterable[tuple[str, str]]:
    for entry in entries:
        yield from family_pairs(entry, family)


def reachable(start: str, neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    """Every phone joined to `start` through family links (ATT-FAMILY's one walk)."""
    members, todo = {start}, [start]
    while todo:
        for other in neighbours(todo.pop()):
            if other not in members:
                members.add(other)
                todo.append(other)
    return members


def group(phone: str, fetch: Callable[[str], Iterable[Entry]], family: list[str],
          at: str) -> tuple[list[str], list[Entry]]:
    """The customer group of `phone` at time `at` and every entry about it (ATT-FAMILY).

    `fetch(phone)` gives the entries filed under a phone; the group grows along
    the family links those entries state."""
    found: dict[str, Entry] = {}

    def neighbours(current: str) -> Iterable[str]:
        facts = [e for e in fetch(current) if e.at <= at]
        found.update((e.id, e) for e in facts)
        return [p for pair in family_edges(facts, family) for p in pair]

    members = reachable(phone, neighbours)
    return sorted(members), sorted(found.values(), key=lambda e: (e.at, e.id))


def joined_at(phone: str, others: set[str], entries: list[Entry], family, at: str) -> str | None:
    """When family links first joined `phone` to one of `others` (ATT-FAMILY over time), or None."""
    links: dict[str, set[str]] = {}
    component = {phone}
    for entry in entries:
        if entry.at > at:
            break
        pairs = family_pairs(entry, family)
        if not pairs:
            continue
        for a, b in pairs:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
        if any(a in component or b in component for a, b in pairs):
            component = reachable(phone, lambda p: links.get(p, ()))
        if component & others:
            return entry.at
    return None


def departed(carry) -> dict[str, tuple[str, str]]:
    """ATT-DEPARTED's input: staff who left -> (when, reassigned to)."""
    return {sid: (m.left, m.reassign_to) for sid, m in carry.roster.items() if m.left}


def _period(policy, source: str) -> int:
    p = policy.protection
    if source == "referral":        # 004 案场与外场 四: 经老客户介绍的新客户,40天内成交的归第一接待人
        return p.referral_days
    return getattr(p, f"{source}_days", p.visit_days) if source in PERIOD_SOURCES else p.visit_days


PERIOD_SOURCES = frozenset({"visit", "call", "deposit", "contract"})


class Replay:
    """The owner of a group, fact by fact: ATT-FIRST, ATT-PROTECT, ATT-RENEW, ATT-DEPARTED, ATT-COMPLAINT.

    `apply` each fact in (time, id) order, then `settle(at)`; `result` is the
    attribution at that moment. A caller may go on applying (register: the
    attribution before its decision, then with the decided entry)."""

    def __init__(self, policy, departed: dict[str, tuple[str, str]]):
        self.policy, self.departed = policy, departed
        self.result = Attribution()
        self.period = 0
        self.last_contact = ""

    def protected(self, day: str) -> bool:
        result, lapse = self.result, self.policy.protection.lapse_days
        if result.owner is None:
            return False
        if lapse and not result.signed and self.last_contact and dates.add_days(self.last_contact, lapse) < day:
            return False
        return result.until == PERMANENT or (result.until is not None and result.until >= day)

    def settle(self, moment: str) -> Attribution:
        """Drop a lapsed claim; move a departed owner's customer (ATT-DEPARTED)."""
        result, departed = self.result, self.departed
        if result.owner and result.owner in departed and departed[result.owner][0] <= moment:
            target = departed[result.owner][1]
            result.owner = target or None
            if not target:
                result.until = None
        if result.owner and not self.protected(day_of(moment)):
            result.owner, result.until = None, None
        return result

    def take(self, party: str, day: str, source: str, moment: str) -> None:
        self.period = _period(self.policy, source)
        self.result.owner, self.result.since, self.last_contact = party, moment, day
        self.result.until = PERMANENT if self.period == 0 else dates.add_days(day, self.period)

    def renew(self, day: str, source: str | None = None) -> None:
        self.last_contact = day
        if source:
            new = _period(self.policy, source)
            if new == 0 or (self.period and new > self.period):
                self.period = new
        if self.result.until == PERMANENT or self.period == 0:
            self.result.until = PERMANENT
        else:
            self.result.until = max(self.result.until or "", dates.add_days(day, self.period))

    def apply(self, record: Entry) -> None:
        result = self.result
        kind, moment = record.kind, record.at
        day = day_of(moment)
        self.settle(moment)
        if kind in ("visit", "call", "distribute") and record.claim:
            party, basis = record.claim, "call" if kind == "distribute" else kind   # a call given out at day end
            result.claims.append({"party": party, "basis": basis, "since": moment})
            if result.owner is None or getattr(record, "takeover", False):
                referred = getattr(record, "referred_by", "") and self.policy.protection.referral_days
                self.take(party, day, "referral" if referred else basis, moment)
            elif result.owner == party:
                self.renew(day)
            else:
                result.collisions.append({"party": party, "basis": kind, "at": moment, "entry": record.id})
        elif kind == "handover":
            party = record.receiver
            if result.owner is None:
                self.take(party, day, "visit", moment)
            elif result.owner == party:
                self.renew(day)
        elif kind == "reassign":                          # ATT-COMPLAINT
            self.take(record.receiver, day, "visit", moment)
        elif kind == "follow-up":
            if result.owner == record.staff:
                self.renew(day)
        elif kind == "deal":
            stage, party = record.stage, record.staff
            if stage == "refund":
                result.owner, result.until, result.signed = None, None, False
                return
            result.signed = True
            result.claims.append({"party": party, "basis": stage, "since": moment})
            if result.owner is None:
                self.take(party, day, stage, moment)
            elif result.owner == party:
                self.renew(day, stage)
            else:
                result.collisions.append({"party": party, "basis": stage, "at": moment, "entry": record.id})


def attribute(records: list[Entry], policy, at: str, departed: dict[str, tuple[str, str]]) -> Attribution:
    """Replay the group's facts up to `at`. `departed`: staff -> (left at, reassigned to)."""
    replay = Replay(policy, departed)
    for record in records:
        if record.at > at:
            break
        replay.apply(record)
    return replay.settle(at)


# -- channel agencies (ATT-REPORT, ATT-INHOUSE) ------------------------------------------

def report_window(report: ReportIn, policy) -> tuple[str, str]:
    """ATT-REPORT: a report claims arrivals from the lead time after it through its last valid day."""
    ch = policy.channel
    return dates.add_minutes(report.at, ch.report_lead_minutes), dates.add_days(day_of(report.at), ch.report_valid_days)


@dataclass
class AgencyClaim:
    agency: str
    report: ReportIn             # its earliest valid report-in
    arrival: Reception           # the visit that confirmed it
    toured: bool = False         # brought the customer on a visit (带看)
    closed: bool = False         # came along to a deal (跟至现场成交)

    @property
    def evidence(self) -> str:
        return "closed" if self.closed else "toured" if self.toured else "reported"


@dataclass
class Channel:
    agency: str | None = None
    since: str | None = None
    until: str | None = None     # last day of the confirmation, PERMANENT or None
    claims: dict[str, AgencyClaim] = field(default_factory=dict)   # every agency with a valid report
    first_arrival: Reception | None = None


def names_by_phone(records: list[Entry]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for record in records:
        if isinstance(record, Reception) and record.phone and record.name:
            names.setdefault(record.phone, set()).add(record.name)
    return names


def report_matches(report: ReportIn, phone: str, names: set[str]) -> bool:
    """A full-phone report matches that phone; a masked one its visible digits and the name."""
    if report.phone:
        return report.phone == phone
    return report.mask in masks_of(phone) and report.name in names


def renewals(reports: list[ReportIn], window: dict, renew_days: int) -> dict[str, ReportIn]:
    """ATT-REPORT, renewal (003 报备细则 2 / 客户归属认定及报备细则): an agency that reports the customer again
    while its report is valid and within `renew_days` of it keeps the priority of its first report.
    Returns report id -> the first report of its chain (itself when it renews nothing)."""
    first: dict[str, ReportIn] = {}
    latest: dict[str, ReportIn] = {}                 # agency -> its latest report so far
    for report in sorted(reports, key=lambda r: (r.at, r.id)):
        prev = latest.get(report.agency)
        renews = (renew_days and prev is not None and day_of(report.at) <= window[prev.id][1]
                  and day_of(report.at) <= dates.add_days(day_of(prev.at), renew_days))
        first[report.id] = first[prev.id] if renews else report
        latest[report.agency] = report
    return first


def channel(records: list[Entry], policy, at: str) -> Channel:
    """The agency credited with the group at `at`, and every agency whose report was valid."""
    ch = policy.channel
    result = Channel()
    reports = [r for r in records if isinstance(r, ReportIn) and r.at <= at]
    if not reports:
        return result
    names = names_by_phone(records) if any(r.mask for r in reports) else {}
    window = {r.id: report_window(r, policy) for r in reports}
    first_of = renewals(reports, window, ch.report_renew_days)
    inhouse_until = ""
    for visit in records:
        if visit.at > at:
            break
        if visit.kind != "visit" or not visit.phone or visit.ckind:
            continue
        day = day_of(visit.at)
        if result.first_arrival is None:
            result.first_arrival = visit
        if result.agency and (result.until == PERMANENT or (result.until or "") >= day):
            if visit.agency == result.agency and result.until != PERMANENT:
                result.until = max(result.until, dates.add_days(day, ch.confirm_days))
        else:
            result.agency = result.until = result.since = None
        valid = [r for r in reports
                 if window[r.id][0] <= visit.at and day <= window[r.id][1]
                 and (not inhouse_until or (day > inhouse_until and day_of(r.at) > day_of(result.first_arrival.at)))
                 and report_matches(r, visit.phone, names.get(visit.phone, set()) | {visit.name})]
        valid.sort(key=lambda r: (first_of[r.id].at, first_of[r.id].id))    # a renewal keeps its first's place
        for report in valid:
            result.claims.setdefault(report.agency, AgencyClaim(report.agency, first_of[report.id], visit))
        if visit is result.first_arrival and not valid and ch.inhouse_days:
            inhouse_until = dates.add_days(day, ch.inhouse_days)      # ATT-INHOUSE
        if result.agency is None and valid:
            first = valid[0]
            result.agency, result.since = first.agency, visit.at
            result.until = PERMANENT if ch.confirm_days == 0 else dates.add_days(day, ch.confirm_days)
    for record in records:
        if record.at > at:
            break
        if not isinstance(record, (Reception, Deal)):
            continue
        claim = result.claims.get(record.agency)
        if claim is None or record.at < claim.arrival.at:
            continue
        if record.kind == "visit":
            claim.toured = True
        elif isinstance(record, Deal) and record.stage in ("deposit", "contract"):
            claim.closed = True
    if result.agency and result.until != PERMANENT and (result.until or "") < day_of(at):
        result.agency = None
    return result
