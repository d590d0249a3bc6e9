"""`rotactl check`: a list of named checks over the whole ledger, each yielding `FILE:LINE: message`.

The line checks read every file once (decode, hash, chain, ids, partitions);
the seal checks compare each closed day with its checkpoint and replay the
ledger from the start (only when every line is sound: a replay of a broken
ledger would only repeat what the line checks found).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterator

from rotactl.core.replay import end_day, replay_day
from rotactl.core.state import Carry
from rotactl.errors import LedgerError
from rotactl.store import records
from rotactl.store.files import CHECKPOINTS, FileScan, Store, partition

LEDGER_SUFFIXES = (".floor.csv", ".notes.toml")


@dataclass
class Ledger:
    """What the checks read, loaded once."""
    store: Store
    policy: object
    scans: dict[str, FileScan] = field(default_factory=dict)
    stray: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, store: Store, policy) -> "Ledger":
        ledger = cls(store, policy)
        for rel in store.all_files():
            if rel.endswith(LEDGER_SUFFIXES):
                ledger.scans[rel] = store.scan(rel)
            else:
                ledger.stray.append(rel)
        return ledger

    def lines(self):
        for scan in self.scans.values():
            yield from scan.entries

    def sealed_days(self) -> list[str]:
        base = self.store.root / CHECKPOINTS
        if not base.is_dir():
            return []
        return [f"{month}-{name[:2]}" for month in sorted(os.listdir(base))
                for name in sorted(os.listdir(base / month)) if name.endswith(".toml")]


Check = Callable[[Ledger], Iterator[str]]


def check_files(ledger: Ledger) -> Iterator[str]:
    """Only ledger files under ledger/."""
    for rel in ledger.stray:
        yield f"{rel}:1: not a ledger file"


def _scan_check(name: str, *kinds: str, doc: str) -> Check:
    """A check that reports the file scan's problems of these kinds."""
    def check(ledger: Ledger) -> Iterator[str]:
        for scan in ledger.scans.values():
            yield from scan.of_kind(*kinds)
    check.__name__, check.__doc__, check.kinds = name, doc, kinds
    return check


check_torn = _scan_check("check_torn", "torn", doc="No file ends in a torn last line (an interrupted write).")
check_text = _scan_check("check_text", "text", "header", "decode",
                         doc="Every file is UTF-8 under its own header; every line decodes to an entry.")
check_hashes = _scan_check("check_hashes", "hash",
                           doc="Every entry matches its hash (not edited after it was written).")
check_chain = _scan_check("check_chain", "chain",
                          doc="Every entry follows its writer's previous one (no line deleted, inserted or moved).")


def check_ids(ledger: Ledger) -> Iterator[str]:
    """Entry ids are unique within a file and across the office."""
    for scan in ledger.scans.values():
        yield from scan.of_kind(*check_ids.kinds)
    seen: dict[str, str] = {}
    for line in ledger.lines():
        where = f"{line.path}:{line.line}"
        if line.id in seen and seen[line.id] != where:
            yield f"{where}: entry id {line.id} also in {seen[line.id]}"
        seen.setdefault(line.id, where)


check_ids.kinds = ("id",)


def check_partitions(ledger: Ledger) -> Iterator[str]:
    """Each entry sits in the file of its day and kind."""
    for line in ledger.lines():
        want = partition(line.at, line.kind)
        if want != line.path:
            yield f"{line.path}:{line.line}: entry {line.id} ({line.kind} at {line.at}) belongs in {want}"


def check_seals(ledger: Ledger) -> Iterator[str]:
    """A closed day's files are exactly as its checkpoint recorded them."""
    store = ledger.store
    for date in ledger.sealed_days():
        rel = store.checkpoint_path(date).relative_to(store.root).as_posix()
        try:
            files = store.read_checkpoint(date).get("files", {})
        except LedgerError as exc:
            yield from exc.problems
            continue
        for path in sorted(set(files) | set(store.day_files(date))):
            want, scan = files.get(path), store.scan(path)
            if want is None:
                yield f"{path}:1: written after {date} was closed"
            elif (scan.size, scan.lines) != (want.get("size"), want.get("lines")):
                line = min(scan.lines, want.get("lines", 0)) + 1
                yield (f"{path}:{line}: changed after {date} was closed ({want.get('lines')} lines, "
                       f"{want.get('size')} bytes recorded in {rel}; now {scan.lines} lines, {scan.size} bytes)")
            elif scan.heads != want.get("heads", {}):
                yield f"{path}:{scan.lines}: last entries differ from those recorded in {rel}"


def check_carried_state(ledger: Ledger) -> Iterator[str]:
    """Replaying the ledger from the start gives the state each checkpoint carried over."""
    store = ledger.store
    by_day: dict[str, list] = {}
    for line in ledger.lines():
        by_day.setdefault(line.at[:10], []).append(records.decode(line.record, f"{line.path}:{line.line}"))
    sealed = set(ledger.sealed_days())
    carry = Carry()
    for date in sorted(set(by_day) | sealed):
        carry = end_day(replay_day(carry, date, ledger.policy, by_day.get(date, [])))
        if date not in sealed:
            continue
        try:
            state = store.read_checkpoint(date).get("state")
        except LedgerError:
            continue                          # check_seals reports it
        if state != carry.to_dict():
            rel = store.checkpoint_path(date).relative_to(store.root).as_posix()
            yield f"{rel}:1: carried state differs from a replay of the ledger"


LINE_CHECKS: list[Check] = [check_files, check_torn, check_text, check_hashes, check_chain, check_ids,
                            check_partitions]
SEAL_CHECKS: list[Check] = [check_seals, check_carried_state]


def run(store: Store, policy) -> tuple[int, list[str]]:
    """(entries, problems) of every check; the seal checks only on a ledger whose lines are sound."""
    ledger = Ledger.load(store, policy)
    problems = [p for check in LINE_CHECKS for p in check(ledger)]
    if not problems:
        for check in SEAL_CHECKS:
            try:
                problems += list(check(ledger))
            except LedgerError as exc:
                problems += exc.problems
    return sum(len(s.entries) for s in ledger.scans.values()), problems
