"""`rotactl check`, run: the named checks (`store.checks`) month by month, in one process or two.

A month's checks need little from the months before it: the ids already seen (a duplicate across
months), the state carried into its first day (the replay), the signing keys and the last `policy
set`. The runner makes each month's view with what the month before left, runs the line checks, and
the seal checks only while nothing was found (a replay of a broken ledger would only repeat what the
line checks found).

In two processes (`store.forked`), a worker checks every other month as if the ones before it were
sound: ids only within the month, the replay started from the checkpoint of the last day sealed
before it. The parent takes the results in month order and does exactly what the one-process loop
does with them. Where an assumption does not hold — an id also in an earlier month, a replay that
ends a month elsewhere than the next month started — it gives up and every month is checked again
in one process, so the output is the same either way. An office with `signed_manager_entries` (the
signature check carries the keys registered so far month to month) is checked in one process.
"""
from __future__ import annotations

import os
from array import array
from dataclasses import dataclass, field

from rotactl.core.dates import month_of
from rotactl.core.errors import LedgerError
from rotactl.core.state import Carry
from rotactl.store import checks
from rotactl.store.check_git import check_committed, check_history
from rotactl.store.checks import LINE_CHECKS, SEAL_CHECKS, Month, Run
from rotactl.store.files import CHECKPOINTS, Store, month_of_file


def run(store: Store, policy, history: bool = False, legacy: int = 0, keys=None,
        full: bool = True) -> tuple[int, list[str]]:
    """(entries, problems) of every check; `history`: also every commit of a git office; `legacy`: an
    office of format 1 or 2; not `full`: only what is new since the last clean check (`checked`),
    when nothing it verified has changed."""
    count, problems, _since, _why = run_checks(store, policy, history, legacy, keys, full)
    return count, problems


def run_checks(store: Store, policy, history: bool = False, legacy: int = 0, keys=None, full: bool = True):
    """`run`, and (the day the check started after, or "", why it was a full check)."""
    from rotactl.store import checked

    prior, why = (None, "--full") if full or legacy or history else checked.load(store)
    since = prior["through"] if prior else ""
    whole = Run.load(store, policy, legacy, keys, since=since)
    whole.refs, whole.accepted = _pre_pass(store, whole.files)
    view = Month(whole, prior=dict(prior or {}))
    problems = [p for check in [*checks.OFFICE_CHECKS, check_committed, *([check_history] if history else [])]
                for p in check(view)]
    base = store.root / CHECKPOINTS
    months = sorted({month_of_file(rel) for rel in whole.files} |
                    {m for m in (os.listdir(base) if base.is_dir() else []) if not since or m >= month_of(since)})
    found = run_months(view, months, problems)           # months checked in parallel, when it can be
    if found is None:
        count = 0
        for month in months:                            # one month in memory at a time
            view = next_month(view, month)
            entries, lines = line_step(view)
            count += entries
            problems += lines
            if not problems:
                problems += [p for found in seal_step(view) for p in found]
            policy_step(view)
            store.forget()
    else:
        count, view = found
    if not problems:
        problems += list(checks.check_policy_version(view))
    through = store.latest_checkpoint() or ""
    if not problems and not legacy and through:
        checked.save(store, through, dict(view.after), prior)
    return count, problems, since, why


def next_month(view: Month, month: str) -> Month:
    """The view of `month`, with what the month before left."""
    return Month(view.run, month, carry=view.carry, ids=view.ids, prior=view.prior, after=view.after)


def _pre_pass(store: Store, files: list[str]) -> tuple[set[str], set[str]]:
    """What the checks of one month need from the others: the entries a `void` names, and the days an
    `accept-late` accepted; a byte search finds the few files to decode."""
    refs, accepted = set(), set()
    for rel in files:
        data = (store.root / rel).read_bytes()
        if b"void" not in data and b"accept-late" not in data:
            continue
        for line in store.scan(rel).entries:
            if line.kind == "void":
                refs.add(line.record.get("ref"))
            elif line.kind == "accept-late":
                accepted.update(line.record.get("days", "").split(","))
        store.forget()
    return refs, accepted


def line_step(view: Month) -> tuple[int, list[str]]:
    """Read the month's files (`view.scans`) and run the line checks: (entries, problems)."""
    from rotactl.core.phones import masks_of

    masks_of.cache_clear()      # a month's phones recur within it: kept, 65,536 of them were ~20 MB a process
    view.scans = {rel: view.store.scan(rel) for rel in view.run.files if month_of_file(rel) == view.month}
    return sum(len(s.entries) for s in view.scans.values()), [p for check in LINE_CHECKS for p in check(view)]


def seal_step(view: Month) -> list[list[str]]:
    """The problems of each seal check over the month read (a check that raises gives its problems);
    again on checkpoints read whole where a carried state was not as `seal` writes it (`Reread`)."""
    import copy

    before = (view.carry, copy.deepcopy(view.after))
    try:
        return _seal_step(view)
    except checks.Reread:
        view.carry, view.after = before[0], before[1]
        view.read, view.lazy = {}, False
        try:
            return _seal_step(view)
        finally:
            view.read, view.lazy = {}, True


def _seal_step(view: Month) -> list[list[str]]:
    out = []
    for check in SEAL_CHECKS:
        try:
            out.append(list(check(view)))
        except LedgerError as exc:
            out.append(list(exc.problems))
    return out


def last_policy_set(view: Month) -> dict | None:
    """The month's last `policy set` (id, at, key, version), or None."""
    sets = [line.record for line in view.lines() if line.kind == "policy-set"]
    if not sets:
        return None
    last = max(sets, key=lambda r: (r["at"], r["id"]))
    return {k: last.get(k, "") for k in ("id", "at", "key", "version")}


def policy_step(view: Month, last: dict | None | bool = False) -> None:
    """Carry what the next month's checks need: the last `policy set`, the signing keys."""
    last = last_policy_set(view) if last is False else last
    if last:
        view.after["policy_set"] = last
    view.prior.update({k: view.after[k] for k in ("signing", "policy_set") if k in view.after})


# -- two processes -----------------------------------------------------------------------------------

_VIEW: Month | None = None               # the view a forked worker starts its months from


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


def run_months(view: Month, months: list[str], problems: list[str]) -> tuple[int, Month] | None:
    """Check `months` in two processes (`store.forked`), adding to `problems` what the one-process loop
    adds; (entries, the view the last month left), or None (nothing changed) where that is not
    possible or would not give the same answer."""
    from rotactl.store import forked

    if view.run.legacy or view.policy.office.signed_manager_entries or not forked.can_fork(len(months), least=3):
        return None
    global _VIEW
    saved = (dict(view.prior), dict(view.after), view.carry)
    _VIEW = view
    results = forked.ordered_map(_work, [(m, i == 0) for i, m in enumerate(months)], least=3)
    try:
        found = _merge(view, months, results, bool(problems))
    finally:
        results.close()                 # a merge that gave up stops the worker
        _VIEW = None
    if found is None:
        view.prior, view.after, view.carry = saved
        return None
    count, more = found
    problems += more
    return count, view


def _merge(view: Month, months, results, gate: bool) -> tuple[int, list[str]] | None:
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
            view.after.setdefault("months", []).extend(result.months)
            problems += [p for found in result.seals for p in found]
        end = result.end
        policy_step(view, result.policy_set)
    return count, problems


def _work(task: tuple[str, bool]) -> MonthResult:
    """One month's checks in a worker (`_VIEW` is the parent's view, forked)."""
    month, first = task
    view = Month(_VIEW.run, month, carry=_VIEW.carry if first else _carry_before(_VIEW.run, month),
                 prior=dict(_VIEW.prior))
    start = view.carry.to_dict() if view.carry is not None else None
    count, lines = line_step(view)
    result = MonthResult(count, lines, array("q", view.ids).tobytes(), start=start,
                         policy_set=last_policy_set(view))
    if not lines:
        result.seals = seal_step(view)
        result.end = view.carry.to_dict() if view.carry is not None else None
        result.months = view.after.get("months", [])
    view.store.forget()
    return result


def _carry_before(whole: Run, month: str) -> Carry | None:
    """The state carried into the month: the last sealed day's checkpoint before it (the parent
    verifies that the replay of the month before ended there)."""
    day = whole.store.latest_checkpoint(before=f"{month}-01")
    if not day or (whole.since and day < whole.since):
        return None
    view = Month(whole, month_of(day))
    try:
        current = checks._checkpoints(view, day)
    except LedgerError:
        return None
    try:
        return Carry.from_dict(checks.state_of(whole.store, *current[0])) if current else None
    except LedgerError:
        return None
