"""Floor state: what replay builds and the rules read. Pure: no files, no clock.

Two levels of state:

* `Carry` — what crosses midnight: the roster, the last counted receiver of each
  queue (ORD-CONTINUE), penalties in force, deal counts. Rollover writes it into
  the day's checkpoint, so `next` and `register` start from the last checkpoint
  instead of the whole history.
* `Day` — one day's floor: who is checked in, away or busy, each queue's order
  and pointer, make-ups owed, consumed turns, passes and fines.

Replay (`core.replay`) builds it from the entries; the rotation rules
(`core.rotation`) read it to decide.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rotactl.core.entries import Reception

ROTATION_ROLES = ("sales",)


@dataclass
class Member:
    id: str
    name: str
    role: str = "sales"
    team: str = ""
    trainee: bool = False
    joined: str = ""
    left: str = ""
    reassign_to: str = ""
    suspended_until: str = ""
    half_until: str = ""
    half_from: str = ""

    @property
    def active(self) -> bool:
        return not self.left

    def in_rotation(self) -> bool:
        return self.active and self.role in ROTATION_ROLES and not self.trainee

    def suspended_on(self, day: str) -> bool:
        return bool(self.suspended_until) and day <= self.suspended_until

    def half_on(self, day: str) -> bool:
        return bool(self.half_until) and self.half_from <= day <= self.half_until


@dataclass
class Carry:
    roster: dict[str, Member] = field(default_factory=dict)
    last_counted: dict[str, str] = field(default_factory=dict)
    makeups: dict[str, list[str]] = field(default_factory=dict)
    month_deals: dict[str, dict[str, int]] = field(default_factory=dict)
    week_deals: dict[str, int] = field(default_factory=dict)
    week: str = ""
    free_days: list[str] = field(default_factory=list)    # ROT-FREE: days declared free in advance

    def to_dict(self) -> dict:
        extra = {"free_days": list(self.free_days)} if self.free_days else {}   # absent: old checkpoints hold
        return extra | {
            "roster": [{k: v for k, v in vars(m).items() if v not in ("", False)} for m in self.roster.values()],
            "last_counted": dict(self.last_counted),
            "makeups": {q: list(v) for q, v in self.makeups.items() if v},
            "month_deals": {m: dict(v) for m, v in self.month_deals.items()},
            "week_deals": dict(self.week_deals),
            "week": self.week,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Carry:
        roster = {}
        for item in data.get("roster", []):
            roster[item["id"]] = Member(**item)
        return cls(roster, dict(data.get("last_counted", {})),
                   {q: list(v) for q, v in data.get("makeups", {}).items()},
                   {m: dict(v) for m, v in data.get("month_deals", {}).items()},
                   dict(data.get("week_deals", {})), data.get("week", ""), list(data.get("free_days", [])))

    def copy(self) -> Carry:
        return Carry.from_dict(self.to_dict())


@dataclass
class Serving:
    """A reception in progress: the entry that started it."""
    entry: str
    queue: str
    counted: bool
    phone: str = ""


@dataclass
class Person:
    checked_in: bool = False
    since: str = ""            # waiting at the desk since (check-in, back, done)
    away: str = ""             # "official" | "personal"
    receiving: list[Serving] = field(default_factory=list)


@dataclass
class Queue:
    seq: list[str] = field(default_factory=list)
    pos: int = 0
    round: int = 1
    started: bool = False
    debts: list[str] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)
    official: dict[str, tuple[int, int]] = field(default_factory=dict)  # staff -> (round, count)
    kept: list[str] = field(default_factory=list)     # make-ups owed beyond the day (CNT-HELP), oldest first


@dataclass
class Stats:
    """Per-person figures of the day, for `report`."""

    turns: int = 0
    receptions: int = 0
    makeups: int = 0
    forfeits: int = 0
    passes: int = 0
    calls: int = 0
    deals: int = 0
    fines: Decimal = Decimal(0)     # yuan, exact: the day's fine entries summed
    penalties: list[str] = field(default_factory=list)


@dataclass
class Day:
    date: str
    policy: object
    carry: Carry
    people: dict[str, Person] = field(default_factory=dict)
    queues: dict[str, Queue] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)        # customer phone -> today's receiver
    passes: dict[str, int] = field(default_factory=dict)      # counted passes today
    stats: dict[str, Stats] = field(default_factory=dict)
    receptions: dict[str, Reception] = field(default_factory=dict)  # entry id -> today's reception
    nextup: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # queue -> (next-up, since when)
    free: bool = False                                        # ROT-FREE: a declared free-reception day
    deal_phones: set[str] = field(default_factory=set)        # customers with a deposit or contract today
    duty: str = ""                                            # the day's duty person for calls (`duty ID`)

    # -- helpers ---------------------------------------------------------------
    def qkey(self, queue: str) -> str:
        return queue if self.policy.order.separate_call_order else "visit"

    def queue(self, queue: str) -> Queue:
        return self.queues[self.qkey(queue)]

    def person(self, sid: str) -> Person:
        return self.people.setdefault(sid, Person())

    def stat(self, sid: str) -> Stats:
        return self.stats.setdefault(sid, Stats())

    def member(self, sid: str) -> Member | None:
        return self.carry.roster.get(sid)

    def in_order(self, sid: str) -> bool:
        """ORD-TRAINEE: only checked-in, non-suspended salespeople are in the day's order."""
        member = self.member(sid)
        return (member is not None and member.in_rotation() and not member.suspended_on(self.date)
                and self.person(sid).checked_in)

    def busy(self, sid: str, queue: str) -> list[Serving]:
        receiving = self.person(sid).receiving
        if self.policy.order.busy_across_queues:
            return receiving
        return [r for r in receiving if self.qkey(r.queue) == self.qkey(queue)]

    def status(self, sid: str, queue: str) -> str:
        member = self.member(sid)
        if member is None or not member.active:
            return "off"
        if member.suspended_on(self.date):
            return "suspended"
        person = self.person(sid)
        if not person.checked_in:
            return "off"
        if person.away:
            return "away"
        if self.busy(sid, queue):
            return "busy"
        return "available"
