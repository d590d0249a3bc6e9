"""The named checks of `rotactl check`: each a function of one month's view (`Month`) that yields
`FILE:LINE: message` problems.

The line checks read every file of the month once (decode, hash, chain, ids, partitions); the seal
checks compare each closed day with its checkpoint and replay the month from the state carried into
it. A month's view says what the months before it left (the carried state, the ids seen, the signing
keys, the last `policy set`) and collects what it leaves for the next (`after`). The runner
(`store.check_run`) makes the views, one month at a time, in one process or two, and merges.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rotactl.core.dates import day_of, minute_of, month_of
from rotactl.core.errors import DomainError, LedgerError
from rotactl.core.replay import end_day, replay_day
from rotactl.core.state import Carry
from rotactl.store import records
from rotactl.store.check_derived import check_month_indexes, signed_before_migration
from rotactl.store.files import FileScan, Line, Store, checkpoint_hash, day_of_file, partition
from rotactl.store.scan import format_of, legacy_partition


def _partition_v2(at: str, kind: str) -> str:
    return partition(at, kind)[:-len(".csv")] + ".jsonl"


PARTITIONS = {1: legacy_partition, 2: _partition_v2, 3: partition}   # the file of an entry, by ledger format
_TEXT = object()                         # a checkpoint's key for its carried state, left as text (no TOML key)


@dataclass
class Run:
    """What a whole check works on, the same for every month: the office, which files, and what a
    pre-pass over all of them found (the entries a `void` names, the days an `accept-late` accepted)."""
    store: Store
    policy: object
    legacy: int = 0                 # an office of an older ledger format, 1 or 2 (what `migrate` reads)
    keys: object = None             # the office key, when this clone has it (pre-migration signatures)
    since: str = ""                 # an incremental check: only the days after this one (`checked`)
    files: list = field(default_factory=list)     # every ledger file to check
    stray: list = field(default_factory=list)     # files under ledger/ that are not ledger files
    refs: set | None = None         # the ids every `void` names
    accepted: set | None = None     # the days `accept-late` accepted

    @classmethod
    def load(cls, store: Store, policy, legacy: int = 0, keys=None, since: str = "") -> Run:
        run = cls(store, policy, legacy=legacy, keys=keys, since=since)
        for rel in store.all_files(month_of(since)):
            if since and day_of_file(rel) <= since:
                continue                    # verified before, unchanged since (`checked`)
            if format_of(rel) == (legacy or 3):
                run.files.append(rel)
            else:
                run.stray.append(rel)
        return run


@dataclass
class Month:
    """One month's view (`month` "": every month at once): its files read, what the months before left
    (`carry`, `ids`, `prior`), and what it leaves (`carry` again, `ids`, `after`)."""
    run: Run
    month: str = ""
    scans: dict[str, FileScan] = field(default_factory=dict)
    carry: Carry | None = None      # the state replayed up to this month (None: from the start or `since`)
    ids: set = field(default_factory=set)         # hashes of the ids of the months before
    prior: dict = field(default_factory=dict)     # signing keys, the last policy set: from the months before
    after: dict = field(default_factory=dict)     # the same, as this month leaves them
    read: dict = field(default_factory=dict)      # the month's checkpoints read (`_checkpoints`)
    lazy: bool = True               # ... their carried states kept as text (`read_checkpoint`)

    @property
    def store(self) -> Store:
        return self.run.store

    @property
    def policy(self):
        return self.run.policy

    def lines(self):
        for scan in self.scans.values():
            yield from scan.entries

    def sealed_days(self) -> list[str]:
        return [d for d in self.store.sealed_days()
                if d > self.run.since and (not self.month or month_of(d) == self.month)]

    @property
    def void_refs(self) -> set[str]:
        """The ids every `void` in the ledger names."""
        if self.run.refs is None:
            self.run.refs = {line.record.get("ref") for line in self.lines() if line.kind == "void"}
        return self.run.refs

    @property
    def accepted(self) -> set[str]:
        """The days an `accept-late` accepted."""
        if self.run.accepted is None:
            self.run.accepted = {d for x in self.lines() if x.kind == "accept-late"
                                 for d in x.record.get("days", "").split(",")}
        return self.run.accepted


Check = Callable[[Month], Iterator[str]]


def check_files(view: Month) -> Iterator[str]:
    """Only ledger files under ledger/."""
    for rel in view.run.stray:
        yield f"{rel}:1: not a ledger file"


def _scan_check(name: str, *kinds: str, doc: str) -> Check:
    """A check that reports the file scan's problems of these kinds."""
    def check(view: Month) -> Iterator[str]:
        for scan in view.scans.values():
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


def check_ids(view: Month) -> Iterator[str]:
    """Entry ids are unique within a file and across the office."""
    for scan in view.scans.values():
        yield from scan.of_kind(*check_ids.kinds)
    seen: dict[str, Line] = {}          # id -> its first line (FILE:LINE written only for a problem)
    earlier = view.ids
    for line in view.lines():
        entry_id = line.record["id"]
        first = seen.get(entry_id)
        if first is None:
            seen[entry_id] = line
            if earlier and hash(entry_id) in earlier:
                yield f"{line.path}:{line.line}: entry id {entry_id} also in an earlier month"
        elif (first.path, first.line) != (line.path, line.line):
            yield f"{line.path}:{line.line}: entry id {entry_id} also in {first.path}:{first.line}"
    if view.month:
        view.ids.update(hash(i) for i in seen)


check_ids.kinds = ("id",)


def check_partitions(view: Month) -> Iterator[str]:
    """Each entry sits in the file of its day and kind."""
    where, wants = PARTITIONS[view.run.legacy or 3], {}
    for line in view.lines():
        record = line.record
        key = (day_of(record["at"]), record["kind"])       # the file depends on the day and kind only
        want = wants.get(key) or wants.setdefault(key, where(record["at"], record["kind"]))
        if want != line.path:
            yield f"{line.path}:{line.line}: entry {line.id} ({line.kind} at {line.at}) belongs in {want}"


def _checkpoints(view: Month, date: str) -> list[tuple[str, dict]]:
    """(path, content) of a day's checkpoints in force: the latest generation's."""
    if date in view.read:                 # read once by the seal checks of a streamed check
        return view.read[date]
    store, found = view.store, []
    read = read_checkpoint if view.month and view.lazy else lambda s, p: s.read_checkpoint_file(p)
    for path in store.checkpoint_files(date):
        found.append((path.relative_to(store.root).as_posix(), read(store, path)))
    top = max((c.get("generation", -1) for _p, c in found), default=-1)
    current = [(p, c) for p, c in found if c.get("generation", -1) == top]
    if view.month:
        view.read[date] = current
    return current


def _late(view: Month, date: str, checkpoint: dict) -> tuple[list[str], list[Line]]:
    """(problems, late lines) of one day against one checkpoint: recorded lines must all still be
    there; lines it does not cover were added after the day was sealed."""
    problems, late = [], []
    files = checkpoint.get("files", {})
    for path in sorted(set(files) | set(view.store.day_files(date))):
        scan = view.store.scan(path)
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


def check_seals(view: Month) -> Iterator[str]:
    """A sealed day still holds every line its checkpoint recorded; lines added to it later (a git
    merge) are reported until `accept-late`; a checkpoint's name is the hash of its bytes."""
    store, accepted = view.store, view.accepted
    for date in view.sealed_days():
        for path in store.checkpoint_files(date):
            rel = path.relative_to(store.root).as_posix()
            name = path.name.split(".")
            if len(name) == 3 and name[1] != checkpoint_hash(path.read_bytes()):
                yield f"{rel}:1: checkpoint does not match its name (edited after it was written?)"
        try:
            current = _checkpoints(view, date)
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
            yield from _legacy_seal(view, date, *current[0])
            continue
        late: dict[str, Line] = {}
        for _rel, checkpoint in current:
            problems, lines = _late(view, date, checkpoint)
            yield from problems
            late.update((f"{x.path}:{x.line}", x) for x in lines)
        for where, line in sorted(late.items(), key=lambda kv: (kv[1].path, kv[1].line)):
            yield (f"{where}: added after {date} was sealed (entry {line.id} by writer {line.record['writer']}, "
                   f"a git merge?); a manager accepts it with `rotactl accept-late {date} --reason …`")


def _legacy_seal(view: Month, date: str, rel: str, checkpoint: dict) -> Iterator[str]:
    """A format-1 checkpoint (DD.toml): each file's size, lines and writers' heads."""
    store, files = view.store, checkpoint.get("files", {})
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
    run = Run.load(store, policy)
    view = Month(run, scans={rel: store.scan(rel) for rel in run.files})
    out = []
    for date in view.sealed_days():
        if date >= first and any(_late(view, date, c)[1] for _p, c in _checkpoints(view, date)
                                 if c.get("generation") is not None):
            out.append(date)
    return out


def check_carried_state(view: Month) -> Iterator[str]:
    """Replaying the ledger from the start gives the state each checkpoint carried over (each
    sealed day replayed without the entries its checkpoint records as voided)."""
    by_day: dict[str, list] = {}
    for line in view.lines():
        by_day.setdefault(day_of(line.at), []).append(line)
    sealed = set(view.sealed_days())
    last_sealed = max(sealed, default="")
    carry = view.carry if view.carry is not None else \
        Carry.from_dict(view.store.read_checkpoint(view.run.since).get("state", {})) if view.run.since else Carry()
    for date in sorted(set(by_day) | sealed):
        try:
            current = _checkpoints(view, date) if date in sealed else []
        except LedgerError:
            return                                        # check_seals reports it
        if current:
            voided = set(current[0][1].get("voided", []))
        else:
            voided = view.void_refs if date > last_sealed else set()
        entries = [records.decode(x.record, f"{x.path}:{x.line}") for x in by_day.get(date, [])
                   if x.id not in voided]
        carry = view.carry = end_day(replay_day(carry, date, view.policy, entries))
        if not current:
            continue
        if any(_late(view, date, c)[1] for _p, c in current if c.get("generation") is not None):
            return              # lines merged into a sealed day: reported above, until accept-late
        if not any(state_is(c, carry.to_dict()) for _p, c in current):
            yield f"{current[0][0]}:1: carried state differs from a replay of the ledger"


def check_clone_conflicts(view: Month) -> Iterator[str]:
    """No two clones gave out the same turn: two receptions decided after the same one (`after`) by
    different writers — a git merge of two clones that both received leads offline."""
    voided = view.void_refs
    seen: dict[tuple[str, str], Line] = {}
    for line in view.lines():
        after = line.record.get("after")
        if not after or line.id in voided:
            continue
        key = (day_of(line.at), after)
        first = seen.setdefault(key, line)
        if first is not line and first.record["writer"] != line.record["writer"]:
            yield (f"{line.path}:{line.line}: clone conflict: entries {first.id} ({first.path}:{first.line}) and "
                   f"{line.id} were both decided after {'the start of the day' if after == '-' else after} "
                   "on two clones (the same turn given twice); a manager voids one (`rotactl void`)")


MANAGER_KINDS = frozenset({"staff-leave", "staff-suspend", "staff-penalize", "ruling", "reassign", "void",
                           "accept-late", "free-day", "policy-set"})


def check_signatures(view: Month) -> Iterator[str]:
    """With `signed_manager_entries`: from the first registered key on, every manager-only entry
    carries a valid SSH signature by the key registered for its actor (SPEC §4.1)."""
    if not view.policy.office.signed_manager_entries:
        return
    from rotactl.store import signing

    lines = sorted(view.lines(), key=lambda x: (x.at, x.id))
    state = view.prior.get("signing", {})
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
                    todo.append((where, line.id, signed_before_migration(record, view.run.keys), key))
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
    view.after["signing"] = {"keys": keys, "epoch": epoch, "managers": sorted(managers)}
    results = signing.verify_many([(signing.payload(r), r["sig"], r.get("actor", ""), k) for _w, _i, r, k in todo])
    for (where, entry_id, _r, _k), good in zip(todo, results):
        if not good:
            yield f"{where}: entry {entry_id} has a signature that does not verify (forged or edited?)"


def check_policy_version(view: Month) -> Iterator[str]:
    """The policy file is the version the last `policy set` recorded (once there is one): a hand edit
    since, or a `policy set` interrupted between its entry and the file, is reported."""
    from rotactl.core.policy import version

    last = view.prior.get("policy_set")       # the last one, which `run_checks` collects month by month
    if not last:
        return
    view.after["policy_set"] = last
    try:
        actual = version(view.store.policy_path.read_bytes())
    except OSError:
        return
    if actual != last.get("version"):
        yield (f"rotactl.toml:1: the policy file is version {actual}, but the last `policy set` ({last['id']} at "
               f"{minute_of(last['at'])}, {last.get('key')}) recorded version {last.get('version')}: it was "
               "edited by hand since, or that change was interrupted; record the policy in force with "
               "`rotactl policy set`")


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


OFFICE_CHECKS: list[Check] = [check_files]          # once, over the office (and check_git's, by the runner)
LINE_CHECKS: list[Check] = [check_torn, check_text, check_hashes, check_chain, check_ids, check_partitions]
SEAL_CHECKS: list[Check] = [check_seals, check_carried_state, check_clone_conflicts, check_signatures,
                             check_month_indexes]     # and, once every month is read, check_policy_version


