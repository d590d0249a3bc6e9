"""Customer facts by phone: the sealed month indexes (committed, `store.months`) for the months
rollover has closed, and a derived SQLite index (git-ignored) for the rest.

`register` and `who` must find a customer's history without reading years of
ledger. Each entry that names a phone is filed under every phone it names (and
every "#KIND" of the listed kinds). A month that has a month index in force is
looked up there, in place; the other days are indexed in SQLite, brought up to
date on every use: days sealed by a checkpoint never change, so only the files
of unsealed days are looked at, and of those only the lines added since the last
look. On a fresh clone that is the current month only. Deleting the SQLite file
loses nothing: the next command rebuilds it.

An office this user cannot write (a read-only copy, `chmod -R a-w`, a backup
mount) still answers: when the file cannot be created, opened or written, the
index lives in memory for this one command, seeded from the file on disk when
that can at least be read.
"""
from __future__ import annotations

import json
import os
import sqlite3

from rotactl.core.dates import month_of
from rotactl.core.entries import Entry
from rotactl.core.errors import LedgerError
from rotactl.core.phones import PHONE_FIELDS as CIPHER_FIELDS
from rotactl.core.phones import masks_of
from rotactl.store import months as months_mod
from rotactl.store.files import LOCAL, Store
from rotactl.store.records import CHAIN_FIELDS, decode

SCHEMA = """
create table if not exists facts (phone text not null, at text not null, id text not null,
                                  rec text not null, primary key (phone, id));
create table if not exists files (path text primary key, size integer not null, lines integer not null);
create table if not exists meta (key text primary key, value text not null);
create table if not exists masks (mask text not null, at text not null, phone text not null,
                                  name text not null, primary key (mask, at, phone)) without rowid;
create table if not exists ciphers (phone text primary key, enc text not null) without rowid;
"""
PHONE_FIELDS = ("phone", "family_of", "other", "mask")
# Kinds that `disputes` and `report month` list across all history: each such
# entry is also filed under the key "#KIND", so listing them is one lookup.
LISTED_KINDS = frozenset({"deal", "claim", "ruling", "report-in", "reassign", "void", "policy-set"})
VERSION = "9"   # bump when the keys change: an index of another version is rebuilt


def phones_of(record: dict) -> set[str]:
    """The keys an entry is filed under: every phone (or masked phone) it names, and "#KIND"."""
    keys = {record[f] for f in PHONE_FIELDS if f in record}
    kind = record["kind"]
    if kind in LISTED_KINDS:
        keys.add("#" + kind)
    return keys


def month_keys(record: dict) -> set[str]:
    """The keys of an entry in a month index: its `phones_of`, and for a visit or a call the mask
    keys of its phone (what the SQLite index keeps in its `masks` table)."""
    keys = {record[f] for f in PHONE_FIELDS if f in record}
    kind = record["kind"]
    if kind in LISTED_KINDS:
        keys.add("#" + kind)
    elif (kind == "visit" or kind == "call") and "phone" in record:
        keys.update(masks_of(record["phone"]))
    return keys


class Index:
    def __init__(self, store: Store):
        self.store = store
        self._decoded: dict[str, Entry] = {}
        self._voided: set[str] | None = None
        self._memory = False
        self.months: dict[str, months_mod.MonthIndex] = {}     # month -> its index in force
        self._month_hits: dict[str, list[Entry]] = {}          # key -> its entries of the indexed months
        self._ciphers: dict[str, str] = {}                     # identity -> its number encrypted (month lines)
        self._places: dict[tuple, tuple] = {}                  # (month, day, offset) -> (entry, its keys)
        self._handles: dict = {}
        try:
            self.db = sqlite3.connect(store.local("index.sqlite"), isolation_level=None, timeout=30)
            self._prepare()
        except (sqlite3.Error, OSError):   # read-only office (or an unreadable index): in memory
            if getattr(self, "db", None) is not None:
                self.db.close()
            self.db, self._memory = self._in_memory(), True
            self._prepare()

    def _prepare(self) -> None:
        self.db.executescript(SCHEMA)
        if self._meta("version") != VERSION:
            self.db.executescript("delete from facts; delete from files; delete from meta; delete from masks; "
                                  "delete from ciphers;")
            self.db.execute("insert into meta values ('version', ?)", (VERSION,))

    def _in_memory(self, source: sqlite3.Connection | None = None) -> sqlite3.Connection:
        """A private in-memory index, a copy of `source` or of the file on disk if it can be read
        (else empty: `refresh` then rebuilds it from the ledger)."""
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            if source is None:
                path = (self.store.root / LOCAL / "index.sqlite").resolve()
                if not path.is_file():
                    return memory
                source = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
            source.backup(memory)
            source.close()
        except (sqlite3.Error, OSError):
            memory.close()
            memory = sqlite3.connect(":memory:", isolation_level=None)
        return memory

    def _meta(self, key: str) -> str:
        row = self.db.execute("select value from meta where key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def _find_months(self) -> None:
        """The month indexes in force. Which file that is only changes when a file is added to (or
        removed from) the month's folder, so it is remembered by the folder's modification time."""
        base = self.store.root / "checkpoints"
        try:
            known = json.loads(self._meta("months") or "{}")
        except ValueError:
            known = {}
        found = {}
        for month in (sorted(os.listdir(base)) if base.is_dir() else []):
            stamp = (base / month).stat().st_mtime_ns
            name = known[month][1] if known.get(month, [None])[0] == stamp else None
            if name is None:
                path = months_mod.in_force(self.store, month)
                name = path.name if path is not None else ""
            found[month] = [stamp, name]
            if name:
                self.months[month] = months_mod.MonthIndex(base / month / name)
        if found != known:
            try:
                self.db.execute("insert or replace into meta values ('months', ?)", (json.dumps(found),))
            except sqlite3.Error:
                pass                        # a read-only office: looked up again next time

    def refresh(self, complete: bool = False) -> None:
        """`_refresh`; an index file deleted underneath (a cache wipe, `git clean -fdX`) or that this
        user cannot write: go on in a copy in memory (empty if none can be made), indexed again."""
        try:
            self._refresh(complete)
        except sqlite3.Error:
            self._to_memory()
            self._refresh(complete)

    def _to_memory(self) -> None:
        """Go on in a private copy in memory (a read-only office, a cache wiped underneath); refused
        when already there."""
        if self._memory:
            raise sqlite3.OperationalError("the in-memory index failed")
        self.db, self._memory = self._in_memory(self.db), True
        self._prepare()

    def _refresh(self, complete: bool = False) -> None:
        """Index the lines not indexed yet. `complete`: a whole-history command (`disputes`), for which
        one SQLite query beats thousands of month-index lookups: index every month once (a fresh
        clone's first such command pays it), and from then on keep SQLite complete and use it alone."""
        store = self.store
        self._find_months()
        whole = self._meta("complete") == "1"
        if complete and not whole:
            self._set_meta("sealed", "")        # every day, once
        watermark = self._meta("sealed")
        sealed = store.latest_checkpoint() or ""
        known = {p: (s, n) for p, s, n in self.db.execute("select path, size, lines from files")}
        rows, masked, ciphers, files, problems = [], [], [], [], []
        for day in store.days(after=watermark):
            if month_of(day) in self.months and not (complete or whole):
                continue                    # its month index answers for it
            for rel in store.day_files(day):
                size = (store.root / rel).stat().st_size
                old_size, old_lines = known.get(rel, (0, 0))
                if size == old_size:
                    continue
                scan = store.scan(rel)
                problems += scan.problems
                start = old_lines if size > old_size else 0
                for entry in scan.entries:
                    if entry.line > start:
                        record = entry.record
                        text = json.dumps({k: v for k, v in record.items()
                                           if k not in CHAIN_FIELDS and not k.endswith("_enc")},
                                          ensure_ascii=False, separators=(",", ":"))
                        ciphers += [(record[f], record[f + "_enc"]) for f in CIPHER_FIELDS
                                    if f + "_enc" in record and record.get(f)]
                        rows += [(p, entry.at, entry.id, text) for p in phones_of(entry.record)]
                        if entry.kind in ("visit", "call") and entry.record.get("phone"):
                            phone = entry.record["phone"]
                            masked += [(m, entry.at, phone, entry.record.get("name", ""))
                                       for m in masks_of(phone)]
                files.append((rel, scan.size, scan.lines))   # what was read: the file may have grown since `stat`
                store.forget()
            if len(rows) > 20_000 and not problems and not self._memory:   # a long build: in batches
                try:
                    self._add(rows, masked, ciphers, files, watermark)
                    rows, masked, ciphers, files = [], [], [], []
                except sqlite3.Error:
                    pass                    # kept for the final write (or the in-memory fallback)
        if problems:
            raise LedgerError(problems)
        if complete and not whole:
            self._set_meta("complete", "1")
        if complete or whole:
            self.months = {}                # SQLite holds everything: the month indexes are not needed
        if not rows and not files and sealed == watermark:
            return
        self._add(rows, masked, ciphers, files, max(sealed, watermark))   # a failure: `refresh` goes on in memory

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("insert or replace into meta values (?, ?)", (key, value))

    def _add(self, rows, masked, ciphers, files, sealed: str) -> None:
        with self.db:
            self.db.execute("begin")
            self.db.executemany("insert or ignore into facts values (?, ?, ?, ?)", rows)
            self.db.executemany("insert or ignore into masks values (?, ?, ?, ?)", masked)
            self.db.executemany("insert or ignore into ciphers values (?, ?)", ciphers)
            self.db.executemany("insert or replace into files values (?, ?, ?)", files)
            self.db.execute("insert or replace into meta values ('sealed', ?)", (sealed,))

    def _entry(self, entry_id: str, rec: str) -> Entry:
        """The typed entry of an index row; an entry filed under several keys is decoded once."""
        entry = self._decoded.get(entry_id)
        if entry is None:
            entry = self._decoded[entry_id] = decode(json.loads(rec), owned=True)
        return entry

    def _rows(self, sql: str, params=()) -> list:
        """A query's rows. The index file deleted underneath (a cache wipe while this command runs):
        go on in a copy in memory, indexed again from the ledger, and ask again."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.Error:
            self._to_memory()
            self._refresh()
            return self.db.execute(sql, params).fetchall()

    def forget(self) -> None:
        """Drop what was looked up (after a refresh found lines written since)."""
        self._voided = None
        self._month_hits.clear()

    def release(self) -> None:
        """Let go of the entries decoded so far (a whole-history pass, between batches): answers stay
        the same, an entry asked for again is decoded again."""
        self._decoded.clear()
        self._month_hits.clear()
        self._places.clear()
        self._ciphers.clear()
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def _in_months(self, key: str) -> list[Entry]:
        """The key's entries in the months that have an index in force (each line read in place,
        verified against its hash and against the key: a token may stand for more than one key)."""
        found = self._month_hits.get(key)
        if found is None:
            found = self._month_hits[key] = []
            want = months_mod.token(key)
            for month, index in self.months.items():
                for dd, offset in index.lookup(key, want):
                    self._read(key, month, dd, offset)
        return found

    def _in_months_many(self, keys: list[str]) -> None:
        """`_in_months` for many keys: each month's index read once (a search per key and month
        would be months × keys searches for `disputes`)."""
        todo = [k for k in keys if k not in self._month_hits]
        if len(todo) < 64:
            for key in todo:
                self._in_months(key)
            return
        wanted: dict[bytes, list[str]] = {}
        for key in todo:
            self._month_hits[key] = []
            wanted.setdefault(months_mod.token(key), []).append(key)
        for month, index in self.months.items():
            for key, dd, offset in index.lookup_many(wanted):
                self._read(key, month, dd, offset)

    def _read(self, key: str, month: str, dd: str, offset: int) -> None:
        place = (month, dd, offset)
        seen = self._places.get(place)
        if seen is not None:                # read (and verified) for another key already
            if key in seen[1]:
                self._month_hits[key].append(seen[0])
            return
        record, rel = months_mod.read_line(self.store.root, month, dd, offset, self._handles)
        keys = month_keys(record)
        entry = self._decoded.get(record["id"])
        if entry is None:
            for name in CIPHER_FIELDS:
                if name + "_enc" in record and record.get(name):
                    self._ciphers[record[name]] = record[name + "_enc"]
            entry = self._decoded[record["id"]] = decode(
                {k: v for k, v in record.items() if k not in CHAIN_FIELDS and not k.endswith("_enc")},
                rel, owned=True)
        self._places[place] = (entry, keys)
        if key in keys:                     # else another key with the same token
            self._month_hits[key].append(entry)

    def _merged(self, rows, key: str) -> list[Entry]:
        """SQLite rows and the month indexes' entries of one key, in (time, id) order, each once."""
        voided = self.voided if key != "#void" else set()
        seen: dict[str, Entry] = {i: self._entry(i, rec) for i, rec in rows if i not in voided}
        for entry in self._in_months(key) if self.months else ():
            if entry.id not in voided:
                seen.setdefault(entry.id, entry)
        return sorted(seen.values(), key=lambda e: (e.at, e.id))

    @property
    def voided(self) -> set[str]:
        """The ids of the entries a `void` removed: they are left out of every answer."""
        if self._voided is None:
            rows = self._rows("select id, rec from facts where phone = '#void'")
            self._voided = {e.ref for e in self._merged(rows, "#void")}
        return self._voided

    def fetch(self, phone: str) -> list[Entry]:
        """Every entry filed under a phone (or "#KIND"), typed, in (time, id) order; voided ones left out."""
        return self._merged(self._rows("select id, rec from facts where phone = ?", (phone,)), phone)

    def fetch_many(self, keys) -> dict[str, list[Entry]]:
        """Every entry under each key, in (time, id) order: one query per 500 keys."""
        keys = sorted(set(keys))
        rows: dict[str, list] = {k: [] for k in keys}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for phone, entry_id, rec in self._rows(
                    f"select phone, id, rec from facts where phone in ({marks})", chunk):
                rows[phone].append((entry_id, rec))
        if self.months:
            self._in_months_many(keys)
        return {k: self._merged(rows[k], k) for k in keys}

    def fields_of(self, key: str, names: tuple[str, ...]):
        """(field values…) of every entry under a key, voided ones left out: for a whole-history question
        that needs a few fields of many entries, each row's JSON read without making a typed entry.
        From SQLite alone when it holds every month (`refresh(complete=True)`), else typed entries."""
        if self.months:
            for entry in self.fetch(key):
                yield tuple(getattr(entry, name, "") for name in names)
            return
        voided = self.voided
        for entry_id, rec in self._rows("select id, rec from facts where phone = ?", (key,)):
            if entry_id not in voided:
                record = json.loads(rec)
                yield tuple(record.get(name, "") for name in names)

    def cipher(self, phone: str) -> str:
        """The encrypted number stored beside an identity ("" if none)."""
        rows = self._rows("select enc from ciphers where phone = ?", (phone,))
        if rows:
            return rows[0][0]
        if self.months:
            self._in_months(phone)
        return self._ciphers.get(phone, "")

    def phones_masked_as(self, mask: str, name: str, after: str, until: str) -> list[str]:
        """The phones a masked report-in ("+86 139****0001") could stand for: registered under
        that name with a visit or call between `after` and `until`."""
        found = {p for (p,) in self._rows(
            "select distinct phone from masks where mask = ? and at > ? and at <= ? and name = ?",
            (mask, after, until, name))}
        if self.months and any(month_of(after) <= m <= month_of(until) for m in self.months):
            found.update(e.phone for e in self._in_months(mask)
                         if e.kind in ("visit", "call") and after < e.at <= until and e.name == name and e.phone)
        return sorted(found)
