"""Typed ledger entries: one immutable class per kind, each knowing where it sits.

The store decodes a ledger line (flat text fields) into one of these and encodes
it back (`rotactl.store.records`); the rules only ever see typed values — bools,
ints, tuples of `Skip`, award dicts — never the storage spelling of them.
`where` is `FILE:LINE` for an entry read from a ledger file ("" otherwise).
"""
from __future__ import annotations

from types import MappingProxyType
from typing import ClassVar, NamedTuple

QUEUES = ("visit", "call")


class Skip(NamedTuple):
    """Someone the walk passed over, what they got, and the rule."""
    staff: str
    outcome: str      # make-up | forfeit | consumed | excluded
    rule: str


def skips_view(skipped) -> list[dict]:
    return [s._asdict() for s in skipped]


REQUIRED = object()


class Entry:
    """The fields every entry has; an entry of a kind this version does not know stays an `Entry`.

    Each subclass declares its fields as annotations with optional defaults (like a
    dataclass, without generating code at import time): instances take keyword
    arguments only, refuse unknown or missing fields, and cannot be changed —
    `replace(**changes)` gives a changed copy. `where` does not take part in `==`.
    """
    FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()      # (name, type name), in declaration order
    DEFAULTS: ClassVar[dict] = {}
    REQUIRED: ClassVar[frozenset] = frozenset()

    id: str = ""
    at: str
    kind: str
    actor: str = ""
    where: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fields: dict[str, str] = {}
        defaults: dict = {}
        for klass in reversed(cls.__mro__):
            for name, kind in vars(klass).get("__annotations__", {}).items():
                if kind.startswith("ClassVar"):
                    continue
                fields[name] = kind
                default = vars(klass).get(name, REQUIRED)
                if default is REQUIRED:
                    defaults.pop(name, None)
                else:
                    defaults[name] = default
        cls.FIELDS = tuple(fields.items())
        cls.DEFAULTS = defaults
        cls.REQUIRED = frozenset(fields) - defaults.keys()

    def __init__(self, **values):
        unknown = values.keys() - self.DEFAULTS.keys() - self.REQUIRED
        missing = self.REQUIRED - values.keys()
        if unknown or missing:
            raise TypeError(f"{type(self).__name__}: " + "; ".join(
                part for part in (f"unknown field(s) {', '.join(sorted(unknown))}" if unknown else "",
                                  f"missing field(s) {', '.join(sorted(missing))}" if missing else "") if part))
        state = self.__dict__
        state.update(self.DEFAULTS)
        state.update(values)

    @classmethod
    def trusted(cls, values: dict) -> Entry:
        """An instance from values already known to name only this class's fields, all required ones
        among them (the store's decoder checks that once per kind)."""
        entry = object.__new__(cls)
        state = entry.__dict__
        state.update(cls.DEFAULTS)
        state.update(values)
        return entry

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable; use replace()")

    __delattr__ = __setattr__

    def replace(self, **changes) -> Entry:
        """A copy with some fields changed."""
        unknown = changes.keys() - self.__dict__.keys()
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown field(s) {', '.join(sorted(unknown))}")
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        mine, theirs = dict(self.__dict__), dict(other.__dict__)
        mine.pop("where", None)
        theirs.pop("where", None)
        return mine == theirs

    __hash__ = None

    def __repr__(self):
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name, _kind in self.FIELDS
                          if name in ("id", "at", "kind") or self.__dict__[name] != self.DEFAULTS.get(name, REQUIRED))
        return f"{type(self).__name__}({shown})"


Entry.__init_subclass__()


# -- the roster ------------------------------------------------------------------------
class StaffAdd(Entry):
    kind: str = "staff-add"
    staff: str
    name: str = ""
    role: str = "sales"
    team: str = ""
    trainee: bool = False
    key: str = ""               # an SSH public key ("TYPE BASE64"): the person's signed entries (SPEC §4.1)


class StaffLeave(Entry):
    kind: str = "staff-leave"
    staff: str
    reassign_to: str = ""


class StaffSuspend(Entry):
    kind: str = "staff-suspend"
    staff: str
    days: int
    reason: str = ""
    rule: str = ""


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
class Presence(Entry):
    """check-in, check-out, back, done (kind says which); away with its reason."""
    staff: str
    reason: str = ""


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


class Fine(Entry):
    kind: str = "fine"
    staff: str
    fine: int = 0
    rule: str = ""
    ref: str = ""
    reason: str = ""


# -- customers -------------------------------------------------------------------------------
class CustomerFact(Entry):
    """An entry about a customer, filed under their phone."""
    phone: str = ""


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


class Handover(CustomerFact):
    kind: str = "handover"
    ref: str = ""
    staff: str                  # who hands over
    receiver: str
    counted: bool = False
    rule: str = ""
    skipped: tuple[Skip, ...] = ()


class FollowUp(CustomerFact):
    kind: str = "follow-up"
    staff: str
    note: str = ""


class Link(CustomerFact):
    kind: str = "link"
    other: str
    relation: str


class Deal(CustomerFact):
    kind: str = "deal"
    staff: str
    stage: str
    unit: str = ""
    amount: str = ""            # yuan, as recorded
    agency: str = ""


class Claim(CustomerFact):
    kind: str = "claim"
    note: str = ""
    staff: str = ""
    agency: str = ""

    @property
    def party(self) -> str:
        return self.staff or self.agency


class ReportIn(CustomerFact):
    kind: str = "report-in"
    agency: str
    agent: str = ""
    name: str = ""
    mask: str = ""              # "+86 139****0001" when the report hid digits (phone is then "")
    expect: str = ""


class Reassign(CustomerFact):
    kind: str = "reassign"
    receiver: str
    rule: str = ""
    reason: str = ""


class Ruling(CustomerFact):
    kind: str = "ruling"
    dispute: str
    award: dict = MappingProxyType({})            # party -> percent
    house: bool = False
    reason: str = ""
    rule: str = ""


# -- the day's arrangements -------------------------------------------------------------
class FreeDay(Entry):
    """ROT-FREE: a manager declared `day` a free-reception day (开盘日, 解筹日, 看楼团)."""
    kind: str = "free-day"
    day: str
    reason: str = ""


class Duty(Entry):
    """The day's duty person for phone leads (`[calls] mode = "duty"`)."""
    kind: str = "duty"
    staff: str


class HelpCredit(Entry):
    """CNT-HELP at day end: the help reception `ref` counts for `owner`; `staff`, who helped, is owed
    one make-up on `queue` that survives the day."""
    kind: str = "help-credit"
    ref: str
    staff: str
    owner: str
    queue: str = "visit"
    rule: str = ""


class Distribute(CustomerFact):
    """`[calls] mode = "day-end"`: rollover gives the call `ref` (logged with no receiver) to `receiver`."""
    kind: str = "distribute"
    ref: str
    receiver: str
    counted: bool = False
    rule: str = ""
    skipped: tuple[Skip, ...] = ()
    claim: str = ""


class PolicySet(Entry):
    """`policy set`: a manager changed one knob of rotactl.toml; `version` names the file it produced."""
    kind: str = "policy-set"
    key: str
    value: str                  # TOML spelling of the new value
    before: str = ""            # TOML spelling of the old value
    version: str = ""           # sha256 (first 12 hex) of the policy file's bytes after the change
    reason: str = ""


# -- corrections -----------------------------------------------------------------------
class Void(Entry):
    """A manager removed an entry from every computation (SPEC §4.2); `log` still shows it."""
    kind: str = "void"
    ref: str
    reason: str = ""


class AcceptLate(Entry):
    """A manager accepted the entries a git merge added to closed days, from `day` on (SPEC §4.2)."""
    kind: str = "accept-late"
    day: str
    days: tuple[str, ...] = ()
    reason: str = ""


KINDS: dict[str, type[Entry]] = {
    "staff-add": StaffAdd, "staff-leave": StaffLeave, "staff-suspend": StaffSuspend,
    "staff-penalize": Penalty, "penalty": Penalty,
    "check-in": Presence, "check-out": Presence, "away": Presence, "back": Presence, "done": Presence,
    "pass": Pass, "fine": Fine,
    "visit": Reception, "call": Reception, "handover": Handover, "follow-up": FollowUp, "link": Link,
    "deal": Deal, "claim": Claim, "report-in": ReportIn, "reassign": Reassign, "ruling": Ruling,
    "void": Void, "accept-late": AcceptLate,
    "free-day": FreeDay, "duty": Duty, "help-credit": HelpCredit, "distribute": Distribute, "policy-set": PolicySet,
}


def links_in(entry: Entry) -> list[tuple[str, str, str]]:
    """(phone, phone, relation) pairs an entry states (ATT-FAMILY's edges)."""
    kind = entry.kind
    if kind == "link":
        return [(entry.phone, entry.other, entry.relation)]
    if (kind == "visit" or kind == "call") and entry.family_of and entry.phone:
        return [(entry.phone, entry.family_of, entry.relation)]
    return []
