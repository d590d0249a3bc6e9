"""A derived, rebuildable index of customer facts by phone (SQLite, git-ignored).

`register` and `who` must find a customer's history without reading years of
ledger. The index holds each entry that names a phone, keyed by every phone it
names. It is brought up to date from the ledger on every use: days sealed by a
checkpoint never change, so only the files of unsealed days are looked at, and
of those only the lines added since the last look. Deleting the file loses
nothing: the next command rebuilds it.
"""
from __future__ import annotations

import json
import sqlite3

from rotactl.core.entries import Entry
from rotactl.core.phones import masks_of
from rotactl.errors import LedgerError
from rotactl.store.files import Store
from rotactl.store.records import CHAIN_FIELDS, decode

SCHEMA = """
create table if not exists facts (phone text not null, at text not null, id text not null,
                                  rec text not null, primary key (phone, id));
create table if not exists files (path text primary key, size integer not null, lines integer not null);
create table if not exists meta (key text primary key, value text not null);
create table if not exists masks (mask text not null, at text not null, phone text not null,
                                  name text not null, primary key (mask, at, phone)) without rowid;
"""
PHONE_FIELDS = ("phone", "family_of", "other", "mask")
# Kinds that `disputes` and `report month` list across all history: each such
# entry is also filed under the key "#KIND", so listing them is one lookup.
LISTED_KINDS = frozenset({"deal", "claim", "ruling", "report-in", "reassign"})
VERSION = "5"   # bump when the keys change: an index of another version is rebuilt


def phones_of(record: dict) -> set[str]:
    """The keys an entry is filed under: every phone (or masked phone) it names, and "#KIND"."""
    keys = {record[f] for f in PHONE_FIELDS if record.get(f)}
    if record.get("kind") in LISTED_KINDS:
        keys.add("#" + record["kind"])
    return keys


class Index:
    def __init__(self, store: Store):
        self.store = store
        self._decoded: dict[str, Entry] = {}
        self.db = sqlite3.connect(store.local("index.sqlite"), isolation_level=None, timeout=30)
        self.db.executescript(SCHEMA)
        if self._meta("version") != VERSION:
            self.db.executescript("delete from facts; delete from files; delete from meta; delete from masks;")
            self.db.execute("insert into meta values ('version', ?)", (VERSION,))

    def _meta(self, key: str) -> str:
        row = self.db.execute("select value from meta where key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def refresh(self) -> None:
        store = self.store
        watermark = self._meta("sealed")
        sealed = store.latest_checkpoint() or ""
        known = dict(((p, (s, n)) for p, s, n in self.db.execute("select path, size, lines from files")))
        rows, masked, files, problems = [], [], [], []
        for day in store.days(after=watermark):
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
                        text = json.dumps({k: v for k, v in entry.record.items() if k not in CHAIN_FIELDS},
                                          ensure_ascii=False, separators=(",", ":"))
                        rows += [(p, entry.at, entry.id, text) for p in phones_of(entry.record)]
                        if entry.kind in ("visit", "call") and entry.record.get("phone"):
                            phone = entry.record["phone"]
                            masked += [(m, entry.at, phone, entry.record.get("name", ""))
                                       for m in masks_of(phone)]
                files.append((rel, size, scan.lines))
        if problems:
            raise LedgerError(problems)
        if not rows and not files and sealed == watermark:
            return
        with self.db:
            self.db.execute("begin")
            self.db.executemany("insert or ignore into facts values (?, ?, ?, ?)", rows)
            self.db.executemany("insert or ignore into masks values (?, ?, ?, ?)", masked)
            self.db.executemany("insert or replace into files values (?, ?, ?)", files)
            self.db.execute("insert or replace into meta values ('sealed', ?)", (max(sealed, watermark),))

    def _entry(self, entry_id: str, rec: str) -> Entry:
        """The typed entry of an index row; an entry filed under several keys is decoded once."""
        entry = self._decoded.get(entry_id)
        if entry is None:
            entry = self._decoded[entry_id] = decode(json.loads(rec), owned=True)
        return entry

    def fetch(self, phone: str) -> list[Entry]:
        """Every entry filed under a phone (or "#KIND"), typed, in (time, id) order."""
        return [self._entry(i, rec) for i, rec in
                self.db.execute("select id, rec from facts where phone = ? order by at, id", (phone,))]

    def fetch_many(self, keys) -> dict[str, list[Entry]]:
        """Every entry under each key, in (time, id) order: one query per 500 keys."""
        keys = sorted(set(keys))
        out: dict[str, list[Entry]] = {k: [] for k in keys}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for phone, entry_id, rec in self.db.execute(
                    f"select phone, id, rec from facts where phone in ({marks}) order by at, id", chunk):
                out[phone].append(self._entry(entry_id, rec))
        return out

    def phones_masked_as(self, mask: str, name: str, after: str, until: str) -> list[str]:
        """The phones a masked report-in ("+86 139****0001") could stand for: registered under
        that name with a visit or call between `after` and `until`."""
        return [p for (p,) in self.db.execute(
            "select distinct phone from masks where mask = ? and at > ? and at <= ? and name = ?",
            (mask, after, until, name))]
