"""`check` over many months in two processes: each month checked on its own, merged in order.

A month's checks need little from the months before it: the ids already seen
(a duplicate across months) and the state carried into its first day (the
replay). A worker checks a month as if the ones before it were sound: ids only
within the month, the replay started from the checkpoint of the last day sealed
before it. The parent takes the results in month order and does exactly what the
single-process loop does with them: line problems always, seal problems only
while nothing was found. Where an assumption does not hold — an id also in an
earlier month, a replay that ends a month elsewhere than the next month started —
it returns None and the caller checks every month again in one process, so the
output is the same either way. An office with `signed_manager_entries` (the
signature check carries the keys registered so far month to month) is checked in
one process.
"""
from __future__ import annotations

import copy
from array import array
from dataclasses import dataclass, field

from rotactl.core.state import Carry
from rotactl.core.errors import LedgerError

_TEXT = object()                         # a checkpoint's key for its carried state, left as text (no TOML key)
_LEDGER = None                           # the ledger a forked worker checks months of


@dataclass
class MonthResult:
    count: int
    lines: list[str]                     # the line checks' problems
    ids: bytes                           # hash() of each id of the month (workers are forked: same hashes)
    seals: list[list[str]] | None = None  # each seal check's problems (None: not run)
    start: dict | None = None            # the carried state the replay started from (None: from scratch)
    end: dict | None = None              # ... and ended with
    months: list[str] = field(default_factory=list)   # the month indexes compared
    policy_set: dict | None = None


def run_months(ledger, months: list[str], problems: list[str]) -> int | None:
    """Check `months` in two processes (`rotactl.store.forked`), adding to `problems` what the one-process
    loop adds; returns the number of entries, or None (nothing changed) where that is not possible or
    would not give the same answer."""
    from rotactl.store import forked

    if ledger.legacy or ledger.policy.office.signed_manager_entries or not forked.can_fork(len(months), least=3):
        return None
    global _LEDGER
    saved = (dict(ledger.prior), dict(ledger.after), ledger.carry)
    _LEDGER = ledger
    results = forked.ordered_map(_work, [(m, i == 0) for i, m in enumerate(months)], least=3)
    try:
        found = _merge(ledger, months, results, bool(problems))
    finally:
        results.close()                 # a merge that gave up stops the worker
        _LEDGER = None
    if found is None:
        ledger.prior, ledger.after, ledger.carry = saved
        return None
    count, more = found
    problems += more
    return count


def line_step(ledger, month: str) -> tuple[int, list[str]]:
    """Read one month's files (`ledger.scans`) and run the line checks: (entries, problems)."""
    from rotactl.core.phones import masks_of
    from rotactl.store.check import LINE_CHECKS

    masks_of.cache_clear()      # a month's phones recur within it: kept, 65,536 of them were ~20 MB a process
    ledger.month, ledger.read = month, {}
    ledger.scans = {rel: ledger.store.scan(rel) for rel in ledger.files if rel[7:14] == month}
    return sum(len(s.entries) for s in ledger.scans.values()), [p for check in LINE_CHECKS[1:] for p in check(ledger)]


class Reread(Exception):
    """A checkpoint's carried state is not the text a replay's state is written as: the month's seal
    checks are run again on checkpoints read whole (the state may not even be TOML)."""


def read_checkpoint(store, path) -> dict:
    """A checkpoint as `Store.read_checkpoint_file` reads it, but for its `[state]` table, which is kept
    as text (`state_is` compares it with a replay's without reading it). The rest must read alone
    to the same, and not name `state`; else it is read whole."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    cut = text.rfind("\n[state]\n")
    if cut >= 0:
        try:
            head = tomllib.loads(text[:cut + 1])
        except tomllib.TOMLDecodeError:
            head = {}
        if head and "state" not in head:
            head[_TEXT] = text[cut + 1:]
            return head
    return store.read_checkpoint_file(path)


def state_is(checkpoint: dict, state: dict) -> bool:
    """Does the checkpoint carry this state? One kept as text must be the very text `seal` writes
    for it (then the whole file reads to the head read and this state); otherwise `Reread`."""
    if _TEXT not in checkpoint:
        return checkpoint.get("state") == state
    import tomli_w

    if checkpoint[_TEXT] == tomli_w.dumps({"state": state}):
        return True
    raise Reread()


def state_of(store, rel: str, checkpoint: dict) -> dict:
    """A checkpoint's carried state (one kept as text read now, with the whole file)."""
    if _TEXT not in checkpoint:
        return checkpoint.get("state", {})
    return store.read_checkpoint_file(store.root / rel).get("state", {})


def seal_step(ledger, checks: list) -> list[list[str]]:
    """The problems of each seal check over the month read (a check that raises gives its problems);
    again on checkpoints read whole where a carried state was not as `seal` writes it (`Reread`)."""
    import copy as copy_mod

    before = (ledger.carry, copy_mod.deepcopy(ledger.after))
    try:
        return _seal_step(ledger, checks)
    except Reread:
        ledger.carry, ledger.after = before[0], before[1]
        ledger.read, ledger.lazy = {}, False
        try:
            return _seal_step(ledger, checks)
        finally:
            ledger.read, ledger.lazy = {}, True


def _seal_step(ledger, checks: list) -> list[list[str]]:
    out = []
    for check in checks:
        try:
            out.append(list(check(ledger)))
        except LedgerError as exc:
            out.append(list(exc.problems))
    return out


def last_policy_set(ledger) -> dict | None:
    """The month's last `policy set` (id, at, key, version), or None."""
    sets = [line.record for line in ledger.lines() if line.kind == "policy-set"]
    if not sets:
        return None
    last = max(sets, key=lambda r: (r["at"], r["id"]))
    return {k: last.get(k, "") for k in ("id", "at", "key", "version")}


def policy_step(ledger, last: dict | None | bool = False) -> None:
    """Carry what the next month's checks need: the last `policy set`, the signing keys."""
    last = last_policy_set(ledger) if last is False else last
    if last:
        ledger.after["policy_set"] = last
    ledger.prior.update({k: ledger.after[k] for k in ("signing", "policy_set") if k in ledger.after})


def _merge(ledger, months, results, gate: bool) -> tuple[int, list[str]] | None:

    count, problems, end, seen = 0, [], None, array("q")
    for month, result in zip(months, results):
        count += result.count
        problems += result.lines
        ids = array("q", result.ids)
        if not set(ids).isdisjoint(seen):
            return None                         # an id also in an earlier month: say it as one process does
        seen += ids                             # (8 bytes an id, not a set's 60)
        if not gate and not problems:
            if result.seals is None or (month != months[0] and result.start != end):
                return None
            ledger.after.setdefault("months", []).extend(result.months)
            problems += [p for found in result.seals for p in found]
        end = result.end
        policy_step(ledger, result.policy_set)
    ledger.month, ledger.scans = "", {}
    return count, problems


def _work(task: tuple[str, bool]) -> MonthResult:
    """One month's checks in a worker (`_LEDGER` is the parent's ledger, forked)."""
    from rotactl.store.check import SEAL_CHECKS

    month, first = task
    ledger = copy.copy(_LEDGER)         # what the parent merges into stays its own
    ledger.ids, ledger.after, ledger.read, ledger.scans = set(), {}, {}, {}
    if not first:
        ledger.carry = _carry_before(ledger, month)
    start = ledger.carry.to_dict() if ledger.carry is not None else None
    count, lines = line_step(ledger, month)
    result = MonthResult(count, lines, array("q", ledger.ids).tobytes(), start=start,
                         policy_set=last_policy_set(ledger))
    if not lines:
        result.seals = seal_step(ledger, SEAL_CHECKS)
        result.end = ledger.carry.to_dict() if ledger.carry is not None else None
        result.months = ledger.after.get("months", [])
    ledger.store.forget()
    ledger.scans = {}
    return result


def _carry_before(ledger, month: str) -> Carry | None:
    """The state carried into the month: the last sealed day's checkpoint before it (the parent
    verifies that the replay of the month before ended there)."""
    from rotactl.store.check import _checkpoints

    day = ledger.store.latest_checkpoint(before=f"{month}-01")
    if not day or (ledger.since and day < ledger.since):
        return None
    try:
        current = _checkpoints(ledger, day)
    except LedgerError:
        return None
    try:
        return Carry.from_dict(state_of(ledger.store, *current[0])) if current else None
    except LedgerError:
        return None
