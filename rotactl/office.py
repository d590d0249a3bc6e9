"""The loader between the store and the pure core: one office directory.

Reads what a command needs — the last checkpoint and the unsealed days, a
customer's group from the index — as typed entries, hands them to the core, and
appends what the core decided. Writing commands hold the store's lock across
read → decide → append (`commands._shell.writes`).
"""
from __future__ import annotations

from pathlib import Path

from rotactl import clock, policy as policy_mod
from rotactl.core import attribution, dates, disputes
from rotactl.core.entries import Entry, links_in
from rotactl.core.penalties import day_end
from rotactl.core.phones import PHONE_FIELDS, mask
from rotactl.core.replay import RECEPTION_KINDS, backdated, end_day, replay_day
from rotactl.core.state import Carry, Day
from rotactl.errors import DomainError
from rotactl.store import months, records as codec
from rotactl.store.files import DAY_END_WRITER, Store, partition

ANALYSIS_BATCH = 2000    # customer groups' seeds whose facts `analyses` holds at once


class Office:
    def __init__(self, root: str | Path, legacy: bool = False):
        from rotactl import keys

        self.store = Store(root)
        if not self.store.exists():
            raise DomainError(f"{root} is not a rotactl office (no rotactl.toml); "
                              "create one with `rotactl init DIR`")
        self.meta = keys.read_office(self.store.root)
        found = self.meta.get("format", 1)
        if found != keys.FORMAT and not legacy:
            what = ", with phone numbers in clear text" if found == 1 else \
                " (JSON lines)" if found == 2 else ", which this version of rotactl does not know"
            hint = f"convert it with `rotactl migrate {root} NEW-DIR`" if isinstance(found, int) and found < keys.FORMAT \
                else "use the rotactl that wrote it"
            raise DomainError(f"{root} is in ledger format {found}{what}: {hint} (docs/ledger-format.md)")
        self.policy = policy_mod.load(self.store.policy_path)
        self._index = None
        self._keys = None
        self._voided: set[str] | None = None

    # -- phones ------------------------------------------------------------------
    @property
    def keys(self):
        """This clone's key of the office (refused, clearly, when it has none)."""
        if self._keys is None:
            from rotactl import keys

            self._keys = keys.load(self.store.root, self.meta)
        return self._keys

    def reveal(self, identity: str) -> str:
        """The full number behind a stored identity (needs the encryption key)."""
        if identity in self.keys.clear:
            return self.keys.clear[identity]
        cipher = self.index().cipher(identity)
        if not cipher:
            raise DomainError(f"no encrypted number is stored for {mask(identity)}")
        return self.keys.decrypt(cipher)

    def _encrypt(self, record: dict) -> None:
        """The typed numbers this entry names, encrypted beside their identities (for `--reveal`)."""
        if self._keys is None:
            return
        for name in PHONE_FIELDS:
            full = self._keys.clear.get(record.get(name, ""))
            if full:
                record[f"{name}_enc"] = self._keys.encrypt(full)

    # -- time --------------------------------------------------------------------
    def now(self) -> str:
        return clock.now(self.policy.office.timezone)

    def sealed(self) -> str | None:
        return self.store.latest_checkpoint()

    def guard_open(self, at: str) -> None:
        """Back-dating into a day that rollover has closed is refused."""
        sealed = self.sealed()
        if sealed and at[:10] <= sealed:
            raise DomainError(f"{at[:10]} is closed (rollover sealed it through {sealed}); "
                              "record a correction as a new entry today instead")

    # -- floor state ---------------------------------------------------------------
    def entries(self, date: str, voided: set[str] | None = None) -> list[Entry]:
        """The day's entries, typed, each knowing its FILE:LINE; entries a `void` removed are left
        out (`voided`: the ids to leave out, when the caller knows them)."""
        if voided is None:
            voided = self.voided() if date <= (self.sealed() or "") else self.open_voids()
        return [codec.decode(e.record, f"{e.path}:{e.line}") for e in self.store.read_day(date)
                if e.id not in voided]

    def voided(self) -> set[str]:
        """The ids of every entry a `void` removed (from the index: voids are few)."""
        return self.index().voided

    def open_voids(self) -> set[str]:
        """The entries voided by voids of the days not yet closed — the only ones that can change
        the floor: a void is recorded in an open day, and a closed day's carried order stands."""
        if self._voided is None:
            sealed = self.sealed() or ""
            self._voided = {line.record.get("ref", "") for day in self.store.days(after=sealed)
                            for line in self.store.read_day(day) if line.kind == "void"}
        return self._voided

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
        date = at[:10]
        return replay_day(self.carry_before(date), date, self.policy, [e for e in self.entries(date) if e.at <= at])

    def full_day(self, date: str, entries: list[Entry] | None = None) -> Day:
        """The whole day (`entries`: the day's entries, when the caller has read them already)."""
        return replay_day(self.carry_before(date), date, self.policy,
                          self.entries(date) if entries is None else entries)

    # -- customers ---------------------------------------------------------------------
    def index(self, complete: bool = False):
        """The phone index, up to date; `complete`: for a whole-history question (`Index.refresh`)."""
        if self._index is None:
            from rotactl.store.index import Index

            self._index = Index(self.store)
            self._index.refresh(complete)
        elif complete and self._index.months:
            self._index.refresh(complete)   # every month in SQLite, once
            self._index.forget()
        return self._index

    def _fetcher(self, extra: tuple[Entry, ...] = (), cache: dict | None = None, reported: set | None = None,
                 masked: dict[str, list[Entry]] | None = None):
        """fetch(phone): every fact filed under the phone or under its masks (masked report-ins).
        `reported`, when known, is the set of masks some report-in carries: others are not looked up;
        `masked`, when known, is `masked_report_ins()`: the masks are not looked up at all."""
        from rotactl.core.phones import masks_of

        index = self.index()

        def lookup(key: str) -> list[Entry]:
            if cache is None:
                return index.fetch(key)
            if key not in cache:
                cache[key] = index.fetch(key)
            return cache[key]

        def fetch(p: str) -> list[Entry]:
            found = lookup(p)
            for key in masks_of(p):
                if masked is not None:
                    found = found + masked.get(key, [])
                elif reported is None or key in reported:
                    found = found + [r for r in lookup(key) if r.kind == "report-in"]
            return found + [r for r in extra if p in _phones(r)]
        return fetch

    def masked_report_ins(self) -> dict[str, list[Entry]]:
        """mask -> the report-ins made with only that mask of the phone, in (time, id) order. A mask key
        also files every visit and call of every phone with that mask (years of them at five years):
        a question about many customers asks this once instead of looking each mask up."""
        out: dict[str, list[Entry]] = {}
        for report in self.index().fetch("#report-in"):
            if report.mask:
                out.setdefault(report.mask, []).append(report)
        return out

    def group(self, phone: str, at: str, carry: Carry, extra: tuple[Entry, ...] = (), cache=None, gone=None,
              reported=None) -> disputes.Group:
        """The customer group of `phone` with its facts, ready for the pure rules."""
        members, found = attribution.group(phone, self._fetcher(extra, cache, reported),
                                           self.policy.protection.family, at)
        gone = attribution.departed(carry) if gone is None else gone
        return disputes.Group(members, found, self.policy, gone, at)

    def find_entry(self, entry_id: str) -> Entry | None:
        line = self.store.find(entry_id)
        return None if line is None else codec.decode(line.record, f"{line.path}:{line.line}")

    def drop_index(self) -> None:
        """Forget the derived index (after accept-late added lines to closed days): rebuilt on next use."""
        self._index = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = self.store.root / ".rotactl" / f"index.sqlite{suffix}"
            if path.exists():
                path.unlink()

    def known_customer(self, phone: str) -> bool:
        return bool(self.index().fetch(phone))

    # -- disputes ------------------------------------------------------------------------
    def rulings(self, at: str):
        return disputes.first_rulings(r for r in self.index().fetch("#ruling") if r.at <= at)

    def analyses(self, at: str, carry: Carry, phones_of_interest=None):
        """Every customer group that a deal, a claim or a report-in touches, analysed (DSP-DETECT),
        one at a time. With `phones_of_interest`, only the groups of those phones. The groups' facts
        are fetched ANALYSIS_BATCH seeds at a time, so a five-year office never holds them all."""
        index = self.index(complete=phones_of_interest is None)
        reports = list(index.fields_of("#report-in", ("phone", "mask", "name", "at")))
        reported = {mask for _phone, mask, _name, _at in reports if mask}
        if phones_of_interest is None:     # read a few fields of each row: five years of deals are many
            seeds = {phone for key in ("#deal", "#claim") for phone, when in index.fields_of(key, ("phone", "at"))
                     if phone and when <= at}
            for phone, mask, name, when in reports:
                if when > at:
                    continue
                if phone:
                    seeds.add(phone)
                else:
                    until = dates.add_days(when[:10], self.policy.channel.report_valid_days + 1)
                    seeds.update(index.phones_masked_as(mask, name, when, until))
        else:
            seeds = set(phones_of_interest)
        del reports
        index.release()
        rulings = self.rulings(at)
        gone = attribution.departed(carry)
        done: set[str] = set()
        ordered = sorted(seeds)
        for start in range(0, len(ordered), ANALYSIS_BATCH):
            batch = [p for p in ordered[start:start + ANALYSIS_BATCH] if p not in done]
            index.release()
            cache = self._facts_of(index, batch, reported)
            for phone in batch:
                if phone in done:
                    continue
                group = self.group(phone, at, carry, cache=cache, gone=gone, reported=reported)
                done.update(group.members)
                yield disputes.analyse(group, rulings)

    @staticmethod
    def _facts_of(index, phones: list[str], reported: set[str]) -> dict[str, list[Entry]]:
        """The facts of these phones and of the relatives their links name, fetched in batches."""
        from rotactl.core.phones import masks_of

        cache: dict[str, list[Entry]] = {}
        todo = set(phones)
        while todo:
            keys = set(todo)
            for p in todo:
                keys.update(m for m in masks_of(p) if m in reported)
            cache.update(index.fetch_many(keys - cache.keys()))
            todo = {p for key in todo for r in cache[key] for link in links_in(r) for p in link[:2]} - cache.keys()
        return cache

    def dispute(self, dispute: str, at: str, carry: Carry) -> dict | None:
        """One dispute by its id: a staff or claim dispute is raised by a deal or a claim entry, so
        only that customer's group is analysed; an agency dispute (raised by an arrival) needs all."""
        listed = self.index().fetch_many(["#deal", "#claim"])
        for kind, key in (("staff", "#deal"), ("claim", "#claim")):
            for entry in listed[key]:
                if entry.at <= at and disputes.dispute_id(kind, entry.id) == dispute:
                    return disputes.find(self.analyses(at, carry, {entry.phone}), dispute)
        return disputes.find(self.analyses(at, carry), dispute)

    # -- writing -----------------------------------------------------------------------
    def new_id(self, at: str, kind: str) -> str:
        return self.store.new_id(at, kind)

    def ordered(self, entries: list[Entry], at: str) -> list[Entry]:
        """SPEC §4.2 (time): a turn-deciding entry dated before the day's latest turn decision (or
        any on a later open day) is refused — the decisions taken since were taken in a state it
        would change."""
        later_days = [e for day in self.store.days(after=at[:10]) for e in self.entries(day)]
        later = backdated(self.entries(at[:10]) + later_days, entries)
        if later is not None:
            raise DomainError(f"{at[:16]} is before {later.kind} {later.id} at {later.at[:16]}, a turn decided "
                              f"since: a back-dated {entries[0].kind} would change it; record it at "
                              f"{later.at[:16]} or later")
        return entries

    def write(self, entries: list[Entry], command: str = "", actor: str = "", sign: bool = False,
              also: dict[str, str] | None = None) -> list[str]:
        """Append typed entries in one write (the caller holds the lock); in a git office, commit
        them before returning. Each reception records `after`, the reception decided before it that
        day, so that two clones which gave out the same turn are found (check: clone conflict)."""
        records, last = [], None
        for entry in entries:
            record = codec.encode(entry) | {"kind": entry.kind}
            if entry.kind in RECEPTION_KINDS:
                if last is None:
                    last = max(((x.at, x.id) for x in self.store.read_day(entry.at[:10])
                                if x.kind in RECEPTION_KINDS), default=("", ""))[1]
                record["after"] = last or "-"
                last = entry.id
            self._encrypt(record)
            records.append(record)
        if sign and self.policy.office.signed_manager_entries:
            _sign(records)
        if command:
            self.ready_to_commit()
        written = self.store.append(records)
        paths = sorted({partition(r["at"], r["kind"]) for r in written})
        for rel, text in (also or {}).items():      # a file the entries describe (policy set): after them
            self.store.write_whole(self.store.root / rel, text)
            paths.append(rel)
        if command:
            self.commit(paths, f"{command}: {', '.join(r['id'] for r in written)} by {actor}")
        return paths

    def ready_to_commit(self) -> None:
        """Refuse before writing anything when git could not commit it (a git lock file left by a
        running or killed git command): an acknowledged entry is a committed one."""
        from rotactl.store import git

        if git.is_repo(self.store.root) and (lock := git.busy(self.store.root)):
            raise DomainError(f"git is busy ({lock} exists): nothing was written; if no git command is running, "
                              f"it was left by one that was interrupted: remove {lock} and try again")

    def commit(self, paths: list[str], message: str) -> None:
        """In a git office, commit these paths now; refused (exit 1) if git cannot."""
        from rotactl.store import git

        if git.is_repo(self.store.root):
            git.commit(self.store.root, paths, message, new=self.store.created)

    # -- rollover ------------------------------------------------------------------------
    def rollover(self, through: str) -> tuple[list[str], list[str]]:
        """DAY-ROLLOVER: close every unclosed day up to `through`; returns the days closed and the
        files written. Idempotent across a crash at any point: day-end entries have ids fixed by the
        day and what they decide, so a re-run writes only those still missing, and the checkpoint
        (written last, atomically) is what marks the day closed."""
        sealed = self.sealed() or ""
        if through <= sealed:
            return [], []
        carry = self.carry_before(dates.add_days(sealed, 1)) if sealed else Carry()
        recorded = [d for d in self.store.days(after=sealed) if d <= through]
        first = dates.add_days(sealed, 1) if sealed else min(recorded + [through])
        days = dates.days_between(first, through)  # every day, quiet ones too: day-end rules run on each
        voided, paths = self.open_voids(), []       # a void of a closed day changes no open one: no index
        for date in days:
            facts, mine = self.before_day_end(date, voided)
            extra = [e for e in day_end_entries(replay_day(carry, date, self.policy, facts)) if e.id not in mine]
            if extra:
                written = self.store.append([codec.encode(e) for e in extra], writer=DAY_END_WRITER)
                paths += sorted({partition(r["at"], r["kind"]) for r in written})
            carry = self._seal(carry, date, voided, 0, paths)
        return days, sorted(set(paths))

    def before_day_end(self, date: str, voided: set[str] | None = None) -> tuple[list[Entry], set[str]]:
        """The day as rollover replays it before its day-end rules: its entries without the lines
        the day-end writer added (returned too, by id)."""
        mine = {line.id for line in self.store.read_day(date) if line.record["writer"] == DAY_END_WRITER}
        return [e for e in self.entries(date, voided) if e.id not in mine], mine

    def reseal(self, first: str) -> tuple[list[str], list[str]]:
        """`accept-late`: seal `first` and every sealed day after it again, as the ledger now stands
        (a new generation of checkpoints; the old ones stay, superseded)."""
        days = [d for d in self.store.sealed_days() if d >= first]   # rollover seals every day with files
        generation = 1 + max((self.store.read_checkpoint(d).get("generation", 0) for d in days), default=0)
        carry, voided, paths = self.carry_before(first), self.voided(), []
        for date in days:
            carry = self._seal(carry, date, voided, generation, paths)
        return days, sorted(set(paths))

    def _seal(self, carry: Carry, date: str, voided: set[str], generation: int, paths: list[str]) -> Carry:
        """Replay a day as the ledger now stands, write its checkpoint; the carry it passes on."""
        carry = end_day(replay_day(carry, date, self.policy, self.entries(date, voided)))
        paths += self.store.day_files(date)
        paths.append(self.store.seal(date, carry.to_dict(), generation,
                                     voided=[x.id for x in self.store.read_day(date) if x.id in voided]))
        if months.month_of_last_day(date):     # the month is closed: its index, for fresh clones
            from rotactl.store.index import month_keys

            paths.append(months.write(self.store, date[:7], month_keys))
            self._index = None
        return carry


def _sign(records: list[dict]) -> None:
    """SPEC §4.1: a manager-only entry carries an SSH signature by the key in $ROTACTL_SIGNING_KEY
    (a private key file, or the .pub of a key held by ssh-agent)."""
    import os

    from rotactl.store import signing

    key = os.environ.get("ROTACTL_SIGNING_KEY", "")
    if not key:
        raise DomainError("this office signs manager entries ([office] signed_manager_entries): set "
                          "ROTACTL_SIGNING_KEY to your SSH key file (or its .pub with the key in ssh-agent)")
    for record in records:
        try:
            record["sig"] = signing.sign(signing.payload(record), os.path.expanduser(key))
        except signing.SigningError as exc:
            raise DomainError(f"cannot sign the entry: {exc}") from None


DAY_END_ACTOR = "rollover"


def day_end_entries(day: Day) -> list[Entry]:
    """The day-end rules' entries with ids fixed by the day and their content, so that a re-run
    after a crash, or another clone, writes the very same lines."""
    import hashlib

    out = []
    for entry in day_end(day, DAY_END_ACTOR):
        digest = hashlib.sha256(repr(sorted(codec.encode(entry).items())).encode()).hexdigest()
        out.append(entry.replace(id=f"e{day.date.replace('-', '')}235959{int(digest[:12], 16) % 10**6:06d}"
                                    f"-{digest[:6]}"))
    return out


def _phones(entry: Entry) -> set[str]:
    from rotactl.store.index import phones_of

    return phones_of(codec.encode(entry) | {"kind": entry.kind})
