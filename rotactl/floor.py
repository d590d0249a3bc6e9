"""Floor state, replayed from entries. Pure: no files, no clock.

Two levels of state:

* `Carry` — what crosses midnight: the roster, the last counted receiver of each
  queue (ORD-CONTINUE), penalties in force, deal counts. Rollover writes it into
  the day's checkpoint, so `next` and `register` start from the last checkpoint
  instead of the whole history.
* `Day` — one day's floor: who is checked in, away or busy, each queue's order
  and pointer, make-ups owed, consumed turns, passes and fines.

Replay applies the decisions recorded in the entries (receiver, skipped people
and their outcomes); it never decides anything again. Decisions are made in
`rotation.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rotactl import clock
from rotactl.errors import LedgerError

QUEUES = ("visit", "call")
ROTATION_ROLES = ("sales",)
WALK_RULES = ("ROT-NEXT", "ROT-CONSUMED")


# -- skipped lists: "a:make-up:ROT-BUSY|b:forfeit:ROT-ABSENT" -------------------

def encode_skipped(skipped: list[dict]) -> str:
    return "|".join(f"{s['staff']}:{s['outcome']}:{s['rule']}" for s in skipped)


def decode_skipped(text: str) -> list[dict]:
    out = []
    for part in filter(None, (text or "").split("|")):
        staff, outcome, rule = part.split(":")
        out.append({"staff": staff, "outcome": outcome, "rule": rule})
    return out


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

    def to_dict(self) -> dict:
        return {
            "roster": [{k: v for k, v in vars(m).items() if v not in ("", False)} for m in self.roster.values()],
            "last_counted": dict(self.last_counted),
            "makeups": {q: list(v) for q, v in self.makeups.items() if v},
            "month_deals": {m: dict(v) for m, v in self.month_deals.items()},
            "week_deals": dict(self.week_deals),
            "week": self.week,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Carry":
        roster = {}
        for item in data.get("roster", []):
            roster[item["id"]] = Member(**item)
        return cls(roster, dict(data.get("last_counted", {})),
                   {q: list(v) for q, v in data.get("makeups", {}).items()},
                   {m: dict(v) for m, v in data.get("month_deals", {}).items()},
                   dict(data.get("week_deals", {})), data.get("week", ""))

    def copy(self) -> "Carry":
        return Carry.from_dict(self.to_dict())


@dataclass
class Reception:
    entry: str
    queue: str
    counted: bool
    phone: str = ""


@dataclass
class Person:
    checked_in: bool = False
    since: str = ""            # waiting at the desk since (check-in, back, done)
    away: str = ""             # "official" | "personal"
    receiving: list[Reception] = field(default_factory=list)


@dataclass
class Queue:
    seq: list[str] = field(default_factory=list)
    pos: int = 0
    round: int = 1
    started: bool = False
    debts: list[str] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)
    official: dict[str, tuple[int, int]] = field(default_factory=dict)  # staff -> (round, count)


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
    fines: int = 0
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
    receptions: dict[str, dict] = field(default_factory=dict)  # entry id -> record (today)

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

    def busy(self, sid: str, queue: str) -> list[Reception]:
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


# -- building the day's order ---------------------------------------------------

def rotation_roster(carry: Carry) -> list[str]:
    return [sid for sid, m in carry.roster.items() if m.in_rotation()]


def base_order(carry: Carry, policy, queue: str) -> list[str]:
    roster = rotation_roster(carry)
    daily = policy.order.daily
    if daily == "checkin":
        return []
    if daily == "ranking":
        months = sorted(carry.month_deals)
        last = carry.month_deals[months[-2]] if len(months) >= 2 else {}
        return sorted(roster, key=lambda s: -last.get(s, 0))
    if daily == "continue":
        last = carry.last_counted.get(queue)
        if last in roster:
            cut = roster.index(last) + 1
            return roster[cut:] + roster[:cut]
        if last and last in carry.roster:  # departed or out of rotation: continue after their roster place
            everyone = list(carry.roster)
            after = [s for s in everyone[everyone.index(last) + 1:] if s in roster]
            return after + [s for s in roster if s not in after]
    return roster


def start_day(carry: Carry, date: str, policy) -> Day:
    day = Day(date, policy, carry.copy())
    week = clock.iso_week(date)
    if day.carry.week != week:
        day.carry.week, day.carry.week_deals = week, {}
    keys = QUEUES if policy.order.separate_call_order else ("visit",)
    for key in keys:
        q = Queue(seq=base_order(day.carry, policy, key))
        if policy.skips.makeups_carry_over:
            q.debts = list(day.carry.makeups.get(key, []))
        day.queues[key] = q
    return day


def end_day(day: Day) -> Carry:
    carry = day.carry
    carry.makeups = {k: list(q.debts) for k, q in day.queues.items()} \
        if day.policy.skips.makeups_carry_over else {}
    months = sorted(carry.month_deals)
    for old in months[:-2]:
        del carry.month_deals[old]
    return carry


# -- applying recorded entries -----------------------------------------------------

def _join(day: Day, sid: str) -> None:
    """Put a person into each queue's order (ORD-CHECKIN, ORD-NEWCOMER)."""
    for q in day.queues.values():
        if sid not in q.seq:
            q.seq.append(sid)
        elif q.started and day.policy.order.newcomer_at_end:
            _move_to_end(q, sid)


def _move_to_end(q: Queue, sid: str) -> None:
    index = q.seq.index(sid)
    q.seq.pop(index)
    if index < q.pos:
        q.pos -= 1
    q.seq.append(sid)
    if q.seq and q.pos >= len(q.seq):
        q.pos = 0


def _advance_past(q: Queue, sid: str) -> None:
    """The order moves past `sid` (ROT-NEXT); crossing the end starts a new round."""
    index = q.seq.index(sid)
    if index < q.pos:
        q.round += 1
    q.pos = index + 1
    if q.pos >= len(q.seq):
        q.pos = 0
        q.round += 1


def _apply_skips(day: Day, q: Queue, skipped: list[dict]) -> None:
    for skip in skipped:
        sid, outcome = skip["staff"], skip["outcome"]
        stat = day.stat(sid)
        if outcome == "make-up":
            q.debts.append(sid)
            if skip["rule"] == "ROT-OFFICIAL":
                rnd, count = q.official.get(sid, (q.round, 0))
                q.official[sid] = (q.round, (count if rnd == q.round else 0) + 1)
        elif outcome == "forfeit":
            stat.forfeits += 1
        elif outcome == "consumed":
            q.consumed.discard(sid)


def _use_turn(day: Day, q: Queue, sid: str, rule: str, counted: bool, turn: str = "") -> None:
    """How a reception (or a pass) affects the receiver's turn."""
    if turn == "makeup" or rule == "ROT-MAKEUP":
        if sid in q.debts:
            q.debts.remove(sid)
    elif turn == "walk" or rule in WALK_RULES:
        q.consumed.discard(sid)
        _advance_past(q, sid)
    elif counted:
        q.consumed.add(sid)  # ROT-CONSUMED: counted out of turn


def apply(day: Day, record: dict) -> None:
    kind = record["kind"]
    at = record["at"]
    sid = record.get("staff", "")
    carry = day.carry
    if kind == "staff-add":
        carry.roster[sid] = Member(sid, record.get("name", sid), record.get("role", "sales"),
                                   record.get("team", ""), record.get("trainee") == "1", at)
        if day.policy.order.daily != "checkin" and carry.roster[sid].in_rotation():
            for q in day.queues.values():
                if sid not in q.seq:
                    q.seq.append(sid)
    elif kind == "staff-leave":
        member = carry.roster[sid]
        member.left, member.reassign_to = at, record.get("reassign_to", "")
        day.person(sid).checked_in = False
    elif kind == "staff-suspend":
        carry.roster[sid].suspended_until = clock.add_days(at[:10], int(record["days"]))
        day.stat(sid).penalties.append(f"停牌 {record['days']} 天")
    elif kind in ("staff-penalize", "penalty"):
        member = carry.roster[sid]
        member.half_from, member.half_until = record["from"], record["until"]
        day.stat(sid).penalties.append(f"两排一轮 {record['from']}–{record['until']}")
    elif kind == "check-in":
        person = day.person(sid)
        person.checked_in, person.since, person.away = True, at, ""
        if carry.roster[sid].in_rotation():
            _join(day, sid)
    elif kind == "check-out":
        person = day.person(sid)
        person.checked_in, person.away, person.receiving = False, "", []
    elif kind == "away":
        day.person(sid).away = record.get("reason", "personal")
    elif kind == "back":
        person = day.person(sid)
        person.away, person.since = "", at
    elif kind == "done":
        person = day.person(sid)
        person.receiving, person.since = [], at
    elif kind == "pass":
        q = day.queue(record.get("queue", "visit"))
        _apply_skips(day, q, decode_skipped(record.get("skipped", "")))
        _use_turn(day, q, sid, "", False, record.get("turn", "walk"))
        stat = day.stat(sid)
        stat.passes += 1
        if record.get("free") != "1":
            day.passes[sid] = day.passes.get(sid, 0) + 1
        if record.get("fine"):
            stat.fines += int(record["fine"])
            stat.penalties.append(f"罚款 {record['fine']} 元")
        if record.get("suspend_days"):
            carry.roster[sid].suspended_until = clock.add_days(at[:10], int(record["suspend_days"]))
            stat.penalties.append(f"停牌 {record['suspend_days']} 天")
    elif kind == "fine":
        stat = day.stat(sid)
        stat.fines += int(record.get("fine") or 0)
        stat.penalties.append(f"罚款 {record.get('fine')} 元 ({record.get('rule', '')})")
    elif kind in QUEUES:
        _apply_reception(day, record)
    elif kind == "handover":
        _apply_handover(day, record)
    elif kind == "deal":
        staff = record.get("staff", "")
        if record.get("stage") in ("deposit", "contract"):
            day.stat(staff).deals += 1
            month = at[:7]
            carry.month_deals.setdefault(month, {})
            carry.month_deals[month][staff] = carry.month_deals[month].get(staff, 0) + 1
            carry.week_deals[staff] = carry.week_deals.get(staff, 0) + 1


def _apply_reception(day: Day, record: dict) -> None:
    queue = record["kind"]
    q = day.queue(queue)
    receiver = record.get("receiver", "")
    counted = record.get("counted") == "1"
    rule = record.get("rule", "")
    _apply_skips(day, q, decode_skipped(record.get("skipped", "")))
    day.receptions[record["id"]] = record
    if not receiver:
        return
    _use_turn(day, q, receiver, rule, counted)
    if counted:
        q.started = True
        day.carry.last_counted[day.qkey(queue)] = receiver
    person = day.person(receiver)
    person.receiving.append(Reception(record["id"], queue, counted, record.get("phone", "")))
    stat = day.stat(receiver)
    customer = not record.get("ckind")
    if counted:
        stat.turns += 1
    if customer:
        stat.receptions += 1
        if queue == "call":
            stat.calls += 1
        if record.get("phone"):
            day.seen.setdefault(record["phone"], receiver)
    if rule == "ROT-MAKEUP":
        stat.makeups += 1


def _apply_handover(day: Day, record: dict) -> None:
    """ATT-RECOGNISED: the receiver hands the customer to the colleague who owns them."""
    giver, taker = record["staff"], record["receiver"]
    ref = day.receptions.get(record.get("ref", ""))
    queue = ref["kind"] if ref else "visit"
    q = day.queue(queue)
    giver_person = day.person(giver)
    giver_person.receiving = [r for r in giver_person.receiving if r.entry != record.get("ref")]
    if not giver_person.receiving:
        giver_person.since = record["at"]
    _apply_skips(day, q, decode_skipped(record.get("skipped", "")))
    counted = record.get("counted") == "1"
    _use_turn(day, q, taker, record.get("rule", ""), counted)
    day.person(taker).receiving.append(Reception(record["id"], queue, counted, record.get("phone", "")))
    if record.get("phone"):
        day.seen[record["phone"]] = taker
    day.stat(taker).receptions += 1
    if counted:
        day.stat(taker).turns += 1


def replay_day(carry: Carry, date: str, policy, records: list[dict]) -> Day:
    """A day's floor from the carried state and the day's entries, in (time, id) order."""
    day = start_day(carry, date, policy)
    for record in sorted(records, key=lambda r: (r["at"], r["id"])):
        try:
            apply(day, record)
        except (KeyError, ValueError, IndexError) as exc:
            where = record.get("_where", record.get("id", "?"))
            raise LedgerError([f"{where}: entry {record.get('id')} ({record.get('kind')}) cannot be replayed: "
                               f"it refers to {exc} that the ledger does not have"]) from None
    return day
