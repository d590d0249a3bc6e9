"""Typed ledger entries: one immutable dataclass per kind, each knowing where it sits.

The store decodes a ledger line (flat text fields) into one of these and encodes
it back (`rotactl.store.records`); the rules only ever see typed values — bools,
ints, tuples of `Skip`, award dicts — never the storage spelling of them.
`where` is `FILE:LINE` for an entry read from a ledger file ("" otherwise).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

QUEUES = ("visit", "call")


class Skip(NamedTuple):
    """Someone the walk passed over, what they got, and the rule."""
    staff: str
    outcome: str      # make-up | forfeit | consumed | excluded
    rule: str


def skips_view(skipped) -> list[dict]:
    return [s._asdict() for s in skipped]


_frozen = dataclass(frozen=True, slots=True, kw_only=True)


@_frozen
class Entry:
    """The fields every entry has; an entry of a kind this version does not know stays an `Entry`."""
    id: str = ""
    at: str
    kind: str
    actor: str = ""
    where: str = field(default="", compare=False)


# -- the roster ------------------------------------------------------------------------
@_frozen
class StaffAdd(Entry):
    kind: str = "staff-add"
    staff: str
    name: str = ""
    role: str = "sales"
    team: str = ""
    trainee: bool = False


@_frozen
class StaffLeave(Entry):
    kind: str = "staff-leave"
    staff: str
    reassign_to: str = ""


@_frozen
class StaffSuspend(Entry):
    kind: str = "staff-suspend"
    staff: str
    days: int
    reason: str = ""
    rule: str = ""


@_frozen
class Penalty(Entry):
    """Half rotation from `start` through `until`: day-end (`penalty`) or a manager's (`staff-penalize`)."""
    kind: str = "penalty"
    staff: str
    penalty: str = "half"
    days: int = 0
    reason: str = ""
    rule: str = ""
    start: str                  # stored as "from"
    until: str


# -- the desk ------------------------------------------------------------------------------
@_frozen
class Presence(Entry):
    """check-in, check-out, back, done (kind says which); away with its reason."""
    staff: str
    reason: str = ""


@_frozen
class Pass(Entry):
    kind: str = "pass"
    staff: str
    queue: str = "visit"
    turn: str = "walk"
    skipped: tuple[Skip, ...] = ()
    rule: str = ""
    free: bool = False
    fine: int = 0
    suspend_days: int = 0


@_frozen
class Fine(Entry):
    kind: str = "fine"
    staff: str
    fine: int = 0
    rule: str = ""
    ref: str = ""
    reason: str = ""


# -- customers -------------------------------------------------------------------------------
@_frozen
class CustomerFact(Entry):
    """An entry about a customer, filed under their phone."""
    phone: str = ""


@_frozen
class Reception(CustomerFact):
    """A lead received: kind is its queue, `visit` or `call`."""
    name: str = ""
    ckind: str = ""             # "" = a customer; vendor | press | peer | survey
    designated: str = ""
    referred_by: str = ""
    family_of: str = ""
    relation: str = ""
    agency: str = ""
    party: int = 0
    intent: str = ""
    absent: tuple[str, ...] = ()
    to: str = ""
    receiver: str = ""
    counted: bool = False
    rule: str = ""
    skipped: tuple[Skip, ...] = ()
    claim: str = ""             # whom the registration credits (ATT-FIRST …)
    takeover: bool = False      # the claim replaces a protected owner

    @property
    def queue(self) -> str:
        return self.kind


@_frozen
class Handover(CustomerFact):
    kind: str = "handover"
    ref: str = ""
    staff: str                  # who hands over
    receiver: str
    counted: bool = False
    rule: str = ""
    skipped: tuple[Skip, ...] = ()


@_frozen
class FollowUp(CustomerFact):
    kind: str = "follow-up"
    staff: str
    note: str = ""


@_frozen
class Link(CustomerFact):
    kind: str = "link"
    other: str
    relation: str


@_frozen
class Deal(CustomerFact):
    kind: str = "deal"
    staff: str
    stage: str
    unit: str = ""
    amount: str = ""            # yuan, as recorded
    agency: str = ""


@_frozen
class Claim(CustomerFact):
    kind: str = "claim"
    note: str = ""
    staff: str = ""
    agency: str = ""

    @property
    def party(self) -> str:
        return self.staff or self.agency


@_frozen
class ReportIn(CustomerFact):
    kind: str = "report-in"
    agency: str
    agent: str = ""
    name: str = ""
    mask: str = ""              # "+86 139****0001" when the report hid digits (phone is then "")
    expect: str = ""


@_frozen
class Reassign(CustomerFact):
    kind: str = "reassign"
    receiver: str
    rule: str = ""
    reason: str = ""


@_frozen
class Ruling(CustomerFact):
    kind: str = "ruling"
    dispute: str
    award: dict = field(default_factory=dict)     # party -> percent
    house: bool = False
    reason: str = ""
    rule: str = ""


KINDS: dict[str, type[Entry]] = {
    "staff-add": StaffAdd, "staff-leave": StaffLeave, "staff-suspend": StaffSuspend,
    "staff-penalize": Penalty, "penalty": Penalty,
    "check-in": Presence, "check-out": Presence, "away": Presence, "back": Presence, "done": Presence,
    "pass": Pass, "fine": Fine,
    "visit": Reception, "call": Reception, "handover": Handover, "follow-up": FollowUp, "link": Link,
    "deal": Deal, "claim": Claim, "report-in": ReportIn, "reassign": Reassign, "ruling": Ruling,
}


def links_in(entry: Entry) -> list[tuple[str, str, str]]:
    """(phone, phone, relation) pairs an entry states (ATT-FAMILY's edges)."""
    if isinstance(entry, Link):
        return [(entry.phone, entry.other, entry.relation)]
    if isinstance(entry, Reception) and entry.family_of and entry.phone:
        return [(entry.phone, entry.family_of, entry.relation)]
    return []
