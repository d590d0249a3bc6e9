"""`rotactl check`: a list of named checks over the whole ledger, each yielding `FILE:LINE: message`.

The line checks read every file once (decode, hash, chain, ids, partitions);
the seal checks compare each closed day with its checkpoint and replay the
ledger from the start (only when every line is sound: a replay of a broken
ledger would only repeat what the line checks found).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from collections.abc import Callable, Iterator

from rotactl.core.replay import end_day, replay_day
from rotactl.core.state import Carry
from rotactl.core.errors import DomainError, LedgerError
from rotactl.store import check_pool, records
from rotactl.store.files import CHECKPOINTS, FileScan, Line, Store, checkpoint_hash, partition
from rotactl.store.scan import format_of, legacy_partition
from rotactl.store.check_derived import check_month_indexes, signed_before_migration
from rotactl.store.check_git import check_committed, check_history



def _partition_v2(at: str, kind: str) -> str:
    return partition(at, kind)[:-len(".csv")] + ".jsonl"


PARTITIONS = {1: legacy_partition, 2: _partition_v2, 3: partition}   # the file of an entry, by ledger format


@dataclass
class Ledger:
    """What the checks read, loaded once."""
    store: Store
    policy: object
    scans: dict[str, FileScan] = field(default_factory=dict)
    stray: list[str] = field(default_factory=list)
    legacy: int = 0                 # an office of an older ledger format, 1 or 2 (what `migrate` reads)
    keys: object = None             # the office key, when this clone has it (pre-migration signatures)
    since: str = ""                 # an incremental check: only the days after this one (`checked`)
    prior: dict = field(default_factory=dict)     # what the watermark carries (signing keys, last policy set)
    after: dict = field(default_factory=dict)     # the same, as this check leaves it
    month: str = ""                 # a streamed check: the month whose files `scans` holds
    carry: object = None            # a streamed check: the state replayed up to this month
    ids: set = field(default_factory=set)         # a streamed check: hashes of the ids of the months before
    files: list = field(default_factory=list)     # every ledger file to check
    accepted: set | None = None     # a streamed check: the days `accept-late` accepted (`_pre_pass`)
    refs: set | None = None         # a streamed check: the entries a `void` names (`_pre_pass`)
    read: dict = field(default_factory=dict)      # a streamed check: the month's checkpoints read (`_checkpoints`)
    lazy: bool = True               # ... their carried states kept as text (`check_pool.read_checkpoint`)

    @classmethod
    def load(cls, store: Store, policy, legacy: int = 0, keys=None, since: str = "",
             prior: dict | None = None, scan: bool = True) -> Ledger:
        ledger = cls(store, policy, legacy=legacy, keys=keys, since=since, prior=prior or {})
        for rel in store.all_files(since[:7]):
            if since and f"{rel[7:14]}-{rel[15:17]}" <= since:
                continue                    # verified before, unchanged since (`checked`)
            if format_of(rel) == (legacy or 3):
                ledger.files.append(rel)
                if scan:
                    ledger.scans[rel] = store.scan(rel)
            else:
                ledger.stray.append(rel)
        return ledger

    def lines(self):
        for scan in self.scans.values():
            yield from scan.entries

    def sealed_days(self) -> list[str]:
        return [d for d in self.store.sealed_days() if d > self.since and (not self.month or d[:7] == self.month)]

    @property
    def void_refs(self) -> set[str]:
        """The ids every `void` in the ledger names."""
        if self.refs is None:
            self.refs = {line.record.get("ref") for line in self.lines() if line.kind == "void"}
        return self.refs


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
check_text = _scan_check("check_text", "text", "header", "decode", "resaved",
                         doc="Every file is UTF-8 under its own header, as rotactl wrote it (not saved again by "
                             "a spreadsheet); every line decodes to an entry.")
check_hashes = _scan_check("check_hashes", "hash",
                           doc="Every entry matches its hash (not edited after it was written).")
check_chain = _scan_check("check_chain", "chain",
                          doc="Every entry follows its writer's previous one (no line deleted, inserted or moved).")


def check_ids(ledger: Ledger) -> Iterator[str]:
    """Entry ids are unique within a file and across the office."""
    for scan in ledger.scans.values():
        yield from scan.of_kind(*check_ids.kinds)
    seen: dict[str, Line] = {}          # id -> its first line (FILE:LINE written only for a problem)
    earlier = ledger.ids
    for line in ledger.lines():
        entry_id = line.record["id"]
        first = seen.get(entry_id)
        if first is None:
            seen[entry_id] = line
            if earlier and hash(entry_id) in earlier:
                yield f"{line.path}:{line.line}: entry id {entry_id} also in an earlier month"
        elif (first.path, first.line) != (line.path, line.line):
            yield f"{line.path}:{line.line}: entry id {entry_id} also in {first.path}:{first.line}"
    if ledger.month:
        ledger.ids.update(hash(i) for i in seen)


check_ids.kinds = ("id",)


def check_partitions(ledger: Ledger) -> Iterator[str]:
    """Each entry sits in the file of its day and kind."""
    where, wants = PARTITIONS[ledger.legacy or 3], {}
    for line in ledger.lines():
        record = line.record
        key = (record["at"][:10], record["kind"])       # the file depends on the day and kind only
        want = wants.get(key) or wants.setdefault(key, where(record["at"], record["kind"]))
        if want != line.path:
            yield f"{line.path}:{line.line}: entry {line.id} ({line.kind} at {line.at}) belongs in {want}"


def _checkpoints(ledger: Ledger, date: str) -> list[tuple[str, dict]]:
    """(path, content) of a day's checkpoints in force: the latest generation's."""
    if date in ledger.read:                 # read once by the seal checks of a streamed check
        return ledger.read[date]
    store, found = ledger.store, []
    read = check_pool.read_checkpoint if ledger.month and ledger.lazy else lambda s, p: s.read_checkpoint_file(p)
    for path in store.checkpoint_files(date):
        found.append((path.relative_to(store.root).as_posix(), read(store, path)))
    top = max((c.get("generation", -1) for _p, c in found), default=-1)
    current = [(p, c) for p, c in found if c.get("generation", -1) == top]
    if ledger.month:
        ledger.read[date] = current
    return current


def _late(ledger: Ledger, date: str, checkpoint: dict) -> tuple[list[str], list[Line]]:
    """(problems, late lines) of one day against one checkpoint: recorded lines must all still be
    there; lines it does not cover were added after the day was sealed."""
    problems, late = [], []
    files = checkpoint.get("files", {})
    for path in sorted(set(files) | set(ledger.store.day_files(date))):
        scan = ledger.store.scan(path)
        recorded = files.get(path, {}).get("writers", {})
        for writer, want in recorded.items():
            chain = scan.chains.get(writer, [])
            if "ids" in want:               # day-end lines: a set, wherever a merge put them
                have = {x.id for x in chain}
                gone = [i for i in want["ids"] if i not in have]
                if gone:
                    problems.append(f"{path}:{scan.lines}: changed after {date} was sealed: day-end entry "
                                    f"{gone[0]} is missing")
                late += [x for x in chain if x.id not in set(want["ids"])]
                continue
            count = want.get("lines", 0)
            if len(chain) < count or chain[count - 1].record["hash"] != want.get("head"):
                line = chain[min(len(chain), count) - 1].line + 1 if chain else 2
                problems.append(f"{path}:{line}: changed after {date} was sealed: {count} entries of writer "
                                f"{writer} recorded, {len(chain)} found (a line was deleted or replaced?)")
        for writer, chain in scan.chains.items():
            if "ids" not in recorded.get(writer, {}):
                late += chain[recorded.get(writer, {}).get("lines", 0):]
    return problems, late


def check_seals(ledger: Ledger) -> Iterator[str]:
    """A sealed day still holds every line its checkpoint recorded; lines added to it later (a git
    merge) are reported until `accept-late`; a checkpoint's name is the hash of its bytes."""
    store, accepted = ledger.store, ledger.accepted
    if accepted is None:
        accepted = {d for x in ledger.lines() if x.kind == "accept-late" for d in x.record.get("days", "").split(",")}
    for date in ledger.sealed_days():
        for path in store.checkpoint_files(date):
            rel = path.relative_to(store.root).as_posix()
            name = path.name.split(".")
            if len(name) == 3 and name[1] != checkpoint_hash(path.read_bytes()):
                yield f"{rel}:1: checkpoint does not match its name (edited after it was written?)"
        try:
            current = _checkpoints(ledger, date)
        except LedgerError as exc:
            yield from exc.problems
            continue
        for rel, checkpoint in current:
            if checkpoint.get("day") != date:
                yield f"{rel}:1: checkpoint of {date} says day = {checkpoint.get('day')!r}"
            generation = checkpoint.get("generation")
            if generation is not None and (not isinstance(generation, int) or generation < 0
                                           or (generation > 0 and date not in accepted)):
                yield f"{rel}:1: checkpoint generation {generation!r}, but no accept-late re-sealed {date}"
        if current and current[0][1].get("generation") is None:
            yield from _legacy_seal(ledger, date, *current[0])
            continue
        late: dict[str, Line] = {}
        for _rel, checkpoint in current:
            problems, lines = _late(ledger, date, checkpoint)
            yield from problems
            late.update((f"{x.path}:{x.line}", x) for x in lines)
        for where, line in sorted(late.items(), key=lambda kv: (kv[1].path, kv[1].line)):
            yield (f"{where}: added after {date} was sealed (entry {line.id} by writer {line.record['writer']}, "
                   f"a git merge?); a manager accepts it with `rotactl accept-late {date} --reason …`")


def _legacy_seal(ledger: Ledger, date: str, rel: str, checkpoint: dict) -> Iterator[str]:
    """A format-1 checkpoint (DD.toml): each file's size, lines and writers' heads."""
    store, files = ledger.store, checkpoint.get("files", {})
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


def late_days(store: Store, policy, first: str) -> list[str]:
    """The sealed days from `first` on that hold lines added after they were sealed."""
    ledger = Ledger.load(store, policy)
    out = []
    for date in ledger.sealed_days():
        if date >= first and any(_late(ledger, date, c)[1] for _p, c in _checkpoints(ledger, date)
                                 if c.get("generation") is not None):
            out.append(date)
    return out


def check_carried_state(ledger: Ledger) -> Iterator[str]:
    """Replaying the ledger from the start gives the state each checkpoint carried over (each
    sealed day replayed without the entries its checkpoint records as voided)."""
    by_day: dict[str, list] = {}
    for line in ledger.lines():
        by_day.setdefault(line.at[:10], []).append(line)
    sealed = set(ledger.sealed_days())
    last_sealed = max(sealed, default="")
    carry = ledger.carry if ledger.carry is not None else \
        Carry.from_dict(ledger.store.read_checkpoint(ledger.since).get("state", {})) if ledger.since else Carry()
    for date in sorted(set(by_day) | sealed):
        try:
            current = _checkpoints(ledger, date) if date in sealed else []
        except LedgerError:
            return                                        # check_seals reports it
        if current:
            voided = set(current[0][1].get("voided", []))
        else:
            voided = ledger.void_refs if date > last_sealed else set()
        entries = [records.decode(x.record, f"{x.path}:{x.line}") for x in by_day.get(date, [])
                   if x.id not in voided]
        carry = ledger.carry = end_day(replay_day(carry, date, ledger.policy, entries))
        if not current:
            continue
        if any(_late(ledger, date, c)[1] for _p, c in current if c.get("generation") is not None):
            return              # lines merged into a sealed day: reported above, until accept-late
        if not any(check_pool.state_is(c, carry.to_dict()) for _p, c in current):
            yield f"{current[0][0]}:1: carried state differs from a replay of the ledger"


def check_clone_conflicts(ledger: Ledger) -> Iterator[str]:
    """No two clones gave out the same turn: two receptions decided after the same one (`after`) by
    different writers — a git merge of two clones that both received leads offline."""
    voided = ledger.void_refs
    seen: dict[tuple[str, str], Line] = {}
    for line in ledger.lines():
        after = line.record.get("after")
        if not after or line.id in voided:
            continue
        key = (line.at[:10], after)
        first = seen.setdefault(key, line)
        if first is not line and first.record["writer"] != line.record["writer"]:
            yield (f"{line.path}:{line.line}: clone conflict: entries {first.id} ({first.path}:{first.line}) and "
                   f"{line.id} were both decided after {'the start of the day' if after == '-' else after} "
                   "on two clones (the same turn given twice); a manager voids one (`rotactl void`)")


MANAGER_KINDS = frozenset({"staff-leave", "staff-suspend", "staff-penalize", "ruling", "reassign", "void",
                           "accept-late", "free-day", "policy-set"})


def check_signatures(ledger: Ledger) -> Iterator[str]:
    """With `signed_manager_entries`: from the first registered key on, every manager-only entry
    carries a valid SSH signature by the key registered for its actor (SPEC §4.1)."""
    if not ledger.policy.office.signed_manager_entries:
        return
    from rotactl.store import signing

    lines = sorted(ledger.lines(), key=lambda x: (x.at, x.id))
    state = ledger.prior.get("signing", {})
    keys: dict[str, str] = dict(state.get("keys", {}))
    epoch, todo = state.get("epoch"), []
    managers: set[str] = set(state.get("managers", []))
    for line in lines:
        record = line.record
        kind = record["kind"]
        required = epoch is not None and (kind in MANAGER_KINDS or (kind == "staff-add" and managers)
                                          or (kind in ("visit", "call") and record.get("to")
                                              and record.get("rule") != "ROT-FREE"))   # the desk's, on a free day
        where = f"{line.path}:{line.line}"
        if record.get("sig") or record.get("sig_v1"):
            key = keys.get(record.get("actor", ""))
            if key is None:
                yield f"{where}: entry {line.id} is signed, but {record.get('actor')} has no registered SSH key"
            elif record.get("sig_v1"):       # signed before `migrate`: over the format-1 record
                try:
                    todo.append((where, line.id, signed_before_migration(record, ledger.keys), key))
                except DomainError as exc:
                    yield f"{where}: entry {line.id} was signed before the office was migrated: {exc}"
            else:
                todo.append((where, line.id, record, key))
        elif required:
            yield f"{where}: manager entry {line.id} ({kind}) is not signed (signed_manager_entries)"
        if kind == "staff-add":
            if record.get("key"):
                keys[record["staff"]] = record["key"]
                epoch = epoch or record["at"]
            if record.get("role") == "manager":
                managers.add(record["staff"])
    ledger.after["signing"] = {"keys": keys, "epoch": epoch, "managers": sorted(managers)}
    results = signing.verify_many([(signing.payload(r), r["sig"], r.get("actor", ""), k) for _w, _i, r, k in todo])
    for (where, entry_id, _r, _k), good in zip(todo, results):
        if not good:
            yield f"{where}: entry {entry_id} has a signature that does not verify (forged or edited?)"


def check_policy_version(ledger: Ledger) -> Iterator[str]:
    """The policy file is the version the last `policy set` recorded (once there is one): a hand edit
    since, or a `policy set` interrupted between its entry and the file, is reported."""
    from rotactl.core.policy import version

    last = ledger.prior.get("policy_set")       # the last one, which `run_checks` collects month by month
    if not last:
        return
    ledger.after["policy_set"] = last
    try:
        actual = version(ledger.store.policy_path.read_bytes())
    except OSError:
        return
    if actual != last.get("version"):
        yield (f"rotactl.toml:1: the policy file is version {actual}, but the last `policy set` ({last['id']} at "
               f"{last['at'][:16]}, {last.get('key')}) recorded version {last.get('version')}: it was "
               "edited by hand since, or that change was interrupted; record the policy in force with "
               "`rotactl policy set`")


LINE_CHECKS: list[Check] = [check_files, check_torn, check_text, check_hashes, check_chain, check_ids,
                            check_partitions]
SEAL_CHECKS: list[Check] = [check_seals, check_carried_state, check_clone_conflicts, check_signatures,
                             check_month_indexes]     # and, once every month is read, check_policy_version


def run(store: Store, policy, history: bool = False, legacy: int = 0, keys=None,
        full: bool = True) -> tuple[int, list[str]]:
    """(entries, problems) of every check; the seal checks only on a ledger whose lines are sound;
    `history`: also every commit of a git office; `legacy`: an office of format 1 or 2; not `full`: only what
    is new since the last clean check (`checked`), when nothing it verified has changed."""
    count, problems, _since, _why = run_checks(store, policy, history, legacy, keys, full)
    return count, problems


def run_checks(store: Store, policy, history: bool = False, legacy: int = 0, keys=None, full: bool = True):
    """`run`, and (the day the check started after, or "", why it was a full check)."""
    from rotactl.store import checked

    prior, why = (None, "--full") if full or legacy or history else checked.load(store)
    since = prior["through"] if prior else ""
    ledger = Ledger.load(store, policy, legacy, keys, since=since, prior=prior, scan=False)
    ledger.refs, ledger.accepted = _pre_pass(store, ledger.files)
    problems = [p for check in [check_files, check_committed] + ([check_history] if history else [])
                for p in check(ledger)]
    base = store.root / CHECKPOINTS
    months = sorted({rel[7:14] for rel in ledger.files} |
                    {m for m in (os.listdir(base) if base.is_dir() else []) if not since or m >= since[:7]})
    from rotactl.store.check_pool import line_step, policy_step, run_months, seal_step

    count = run_months(ledger, months, problems)        # months checked in parallel, when it can be
    for month in months if count is None else ():        # one month in memory at a time
        count = count or 0
        found, lines = line_step(ledger, month)
        count += found
        problems += lines
        if not problems:
            problems += [p for found in seal_step(ledger, SEAL_CHECKS) for p in found]
        policy_step(ledger)
        store.forget()
    count = count or 0
    ledger.month, ledger.scans = "", {}
    if not problems:
        problems += list(check_policy_version(ledger))
    through = store.latest_checkpoint() or ""
    if not problems and not legacy and through:
        checked.save(store, through, dict(ledger.after), prior)
    return count, problems, since, why


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
