"""Closing days (DAY-ROLLOVER): each day's day-end rules, its checkpoint, and at a month's end the
month index a fresh clone answers from; `accept-late` seals days again as the ledger now stands."""
from __future__ import annotations

import hashlib

from rotactl.core import dates
from rotactl.core.dates import month_of
from rotactl.core.entries import Entry
from rotactl.core.penalties import day_end
from rotactl.core.replay import end_day, replay_day
from rotactl.core.state import Carry, Day
from rotactl.store import months, records
from rotactl.store.files import DAY_END_WRITER, partition

DAY_END_ACTOR = "rollover"


def rollover(office, through: str) -> tuple[list[str], list[str]]:
    """Close every unclosed day up to `through`; returns the days closed and the files written.
    Idempotent across a crash at any point: day-end entries have ids fixed by the day and what they
    decide, so a re-run writes only those still missing, and the checkpoint (written last,
    atomically) is what marks the day closed."""
    store, floor = office.store, office.floor
    sealed = floor.sealed() or ""
    if through <= sealed:
        return [], []
    carry = floor.carry_before(dates.add_days(sealed, 1)) if sealed else Carry()
    recorded = [d for d in store.days(after=sealed) if d <= through]
    first = dates.add_days(sealed, 1) if sealed else min(recorded + [through])
    days = dates.days_between(first, through)  # every day, quiet ones too: day-end rules run on each
    voided, paths = floor.open_voids(), []      # a void of a closed day changes no open one: no index
    for date in days:
        facts, mine = before_day_end(office, date, voided)
        extra = [e for e in day_end_entries(replay_day(carry, date, office.policy, facts)) if e.id not in mine]
        if extra:
            written = store.append([records.encode(e) for e in extra], writer=DAY_END_WRITER)
            paths += sorted({partition(r["at"], r["kind"]) for r in written})
        carry = seal(office, carry, date, voided, 0, paths)
    return days, sorted(set(paths))


def before_day_end(office, date: str, voided: set[str] | None = None) -> tuple[list[Entry], set[str]]:
    """The day as rollover replays it before its day-end rules: its entries without the lines
    the day-end writer added (returned too, by id)."""
    mine = {line.id for line in office.store.read_day(date) if line.record["writer"] == DAY_END_WRITER}
    return [e for e in office.floor.entries(date, voided) if e.id not in mine], mine


def reseal(office, first: str) -> tuple[list[str], list[str]]:
    """`accept-late`: seal `first` and every sealed day after it again, as the ledger now stands
    (a new generation of checkpoints; the old ones stay, superseded)."""
    store = office.store
    days = [d for d in store.sealed_days() if d >= first]   # rollover seals every day with files
    generation = 1 + max((store.read_checkpoint(d).get("generation", 0) for d in days), default=0)
    carry, voided, paths = office.floor.carry_before(first), office.floor.voided(), []
    for date in days:
        carry = seal(office, carry, date, voided, generation, paths)
    return days, sorted(set(paths))


def seal(office, carry: Carry, date: str, voided: set[str], generation: int, paths: list[str]) -> Carry:
    """Replay a day as the ledger now stands, write its checkpoint; the carry it passes on."""
    store = office.store
    carry = end_day(replay_day(carry, date, office.policy, office.floor.entries(date, voided)))
    paths += store.day_files(date)
    paths.append(store.seal(date, carry.to_dict(), generation,
                            voided=[x.id for x in store.read_day(date) if x.id in voided]))
    if months.month_of_last_day(date):     # the month is closed: its index, for fresh clones
        from rotactl.store.index import month_keys

        paths.append(months.write(store, month_of(date), month_keys))
        office.customers.forget_index()
    return carry


def day_end_entries(day: Day) -> list[Entry]:
    """The day-end rules' entries with ids fixed by the day and their content, so that a re-run
    after a crash, or another clone, writes the very same lines."""
    out = []
    for entry in day_end(day, DAY_END_ACTOR):
        digest = hashlib.sha256(repr(sorted(records.encode(entry).items())).encode()).hexdigest()
        out.append(entry.replace(id=f"e{day.date.replace('-', '')}235959{int(digest[:12], 16) % 10**6:06d}"
                                    f"-{digest[:6]}"))
    return out
