"""The reader: an office's days as typed entries, and the floor they replay to.

Reads the last checkpoint and the days after it (never all history), decodes
each line into a typed entry that knows its FILE:LINE, leaves out what a `void`
removed, and replays with the pure core.
"""
from __future__ import annotations

from rotactl.app import clock
from rotactl.core.dates import day_of
from rotactl.core.entries import Entry
from rotactl.core.errors import DomainError
from rotactl.core.replay import end_day, replay_day
from rotactl.core.state import Carry, Day
from rotactl.store import records


class Floor:
    def __init__(self, office):
        self.office = office
        self.store, self.policy = office.store, office.policy
        self._open_voids: set[str] | None = None

    # -- time ------------------------------------------------------------------------------------
    def now(self) -> str:
        return clock.now(self.policy.office.timezone)

    def sealed(self) -> str | None:
        """The last day rollover closed, or None."""
        return self.store.latest_checkpoint()

    def guard_open(self, at: str) -> None:
        """Back-dating into a day that rollover has closed is refused."""
        sealed = self.sealed()
        if sealed and day_of(at) <= sealed:
            raise DomainError(f"{day_of(at)} is closed (rollover sealed it through {sealed}); "
                              "record a correction as a new entry today instead")

    # -- days --------------------------------------------------------------------------------------
    def days(self, after: str = "") -> list[str]:
        """The days that have ledger files, in order (only those after `after`)."""
        return self.store.days(after=after)

    def entries(self, date: str, voided: set[str] | None = None) -> list[Entry]:
        """The day's entries, typed, each knowing its FILE:LINE; entries a `void` removed are left
        out (`voided`: the ids to leave out, when the caller knows them)."""
        if voided is None:
            voided = self.voided() if date <= (self.sealed() or "") else self.open_voids()
        return [records.decode(e.record, f"{e.path}:{e.line}") for e in self.store.read_day(date)
                if e.id not in voided]

    def voided(self) -> set[str]:
        """The ids of every entry a `void` removed (from the index: voids are few)."""
        return self.office.customers.index().voided

    def open_voids(self) -> set[str]:
        """The entries voided by voids of the days not yet closed — the only ones that can change
        the floor: a void is recorded in an open day, and a closed day's carried order stands."""
        if self._open_voids is None:
            sealed = self.sealed() or ""
            self._open_voids = {line.record.get("ref", "") for day in self.store.days(after=sealed)
                                for line in self.store.read_day(day) if line.kind == "void"}
        return self._open_voids

    def carry_before(self, date: str) -> Carry:
        """The carried state at the start of `date`: last checkpoint + the unsealed days since."""
        checkpoint = self.store.latest_checkpoint(before=date)
        carry = Carry.from_dict(self.store.read_checkpoint(checkpoint).get("state", {})) \
            if checkpoint else Carry()
        for day in self.store.days(after=checkpoint or ""):
            if day >= date:
                break
            carry = end_day(replay_day(carry, day, self.policy, self.entries(day)))
        return carry

    def day(self, at: str) -> Day:
        """The floor at `at`: today's entries up to that moment replayed on the carried state."""
        date = day_of(at)
        return replay_day(self.carry_before(date), date, self.policy, [e for e in self.entries(date) if e.at <= at])

    def full_day(self, date: str, entries: list[Entry] | None = None) -> Day:
        """The whole day (`entries`: the day's entries, when the caller has read them already)."""
        return replay_day(self.carry_before(date), date, self.policy,
                          self.entries(date) if entries is None else entries)

    def find_entry(self, entry_id: str) -> Entry | None:
        """An entry by its id, wherever it is (its day's file first)."""
        line = self.store.find(entry_id)
        return None if line is None else records.decode(line.record, f"{line.path}:{line.line}")
