"""Sealed month indexes: what a fresh clone needs to find a customer's facts without reading years.

When rollover seals the last day of a month, it writes beside that month's
checkpoints `checkpoints/YYYY-MM/index.COVERS.HASH.csv`: a header line
`token,day,offset`, then one line per (key, entry) of the month — every phone,
mask key and "#KIND" an entry is filed under (the keys of the derived index,
`store.index.phones_of`) — as

    TOKEN,DD,OFFSET

sorted, where TOKEN is the first 10 hex digits of SHA-256(key) and OFFSET the
byte offset of the entry's line in `ledger/YYYY-MM/DD.csv`. A lookup is a binary
search in each sealed month's file and one read of each line it points to; the
line is verified against its own hash and against the key (a TOKEN may stand for
more than one key) before it is used. So the derived SQLite index only ever holds
the months that have no such file — on a fresh clone, the current month — and
nothing is rebuilt from years of history.

COVERS names the checkpoints of the month the index was built from (the first 12
hex digits of the SHA-256 of their file names, sorted and joined by spaces): the
index is in force only while those are exactly the month's checkpoints, which a
look at the folder tells without opening a file. An `accept-late` that re-seals a
day writes new checkpoints and a new index; until then (or for a month without
one) the month is indexed in SQLite from its files. HASH names the bytes, like a
checkpoint's, so two clones that sealed the same lines write the same file.
`check` verifies every HASH and rebuilds every index in force and compares.
"""
from __future__ import annotations

import bisect
import hashlib
import mmap
import os
from array import array
from pathlib import Path

from rotactl.core.dates import day_number, month_of
from rotactl.store import codecs
from rotactl.store.files import checkpoint_day

PREFIX = "index."
HEADER = "token,day,offset\n"
SUFFIX = ".csv"


def token(key: str) -> bytes:
    return hashlib.sha256(key.encode()).hexdigest()[:10].encode()


def month_of_last_day(day: str) -> bool:
    """Is `day` the last day of its month?"""
    import datetime as dt

    date = dt.date.fromisoformat(day)
    return (date + dt.timedelta(days=1)).month != date.month


def build(store, month: str, keys_of) -> str:
    """The index text of a month from its day files (`keys_of(record)`: the keys an entry is filed under)."""
    rows: list[str] = []
    tokens: dict[str, str] = {}     # a key's token, worked out once a month (a phone recurs, "#deal" often)
    append, known = rows.append, tokens.get
    for day in sorted(d for d in store.days(after=f"{month}-00") if month_of(d) == month):
        place = f",{day_number(day)},"
        for line in store.scan(f"ledger/{month}/{day_number(day)}.csv").entries:   # decoded and verified once
            tail = f"{place}{line.offset}\n"
            for key in keys_of(line.record):
                cut = known(key)
                if cut is None:
                    cut = tokens[key] = token(key).decode()
                append(cut + tail)
    rows.sort()
    return HEADER + "".join(rows)


def covers(names) -> str:
    """The COVERS part of an index's name: which checkpoints (file names) it was built from."""
    text = " ".join(sorted(names))
    return hashlib.sha256(b"rotactl/month-index/covers\n" + text.encode()).hexdigest()[:12]


def name_of(store, month: str, text: str) -> str:
    """The file name of a month's index text, as the month's checkpoints are now."""
    from rotactl.store.files import checkpoint_hash

    return f"{PREFIX}{covers(p.name for p in _checkpoints(store, month))}.{checkpoint_hash(text.encode())}{SUFFIX}"


def _checkpoints(store, month: str) -> list[Path]:
    folder = store.root / "checkpoints" / month
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [folder / n for n in names if checkpoint_day(month, n)]


def write(store, month: str, keys_of) -> str:
    """Write the month's index (if not there already); returns its path relative to the office."""
    text = build(store, month, keys_of)
    name = name_of(store, month, text)
    path = store.root / "checkpoints" / month / name
    if not path.exists():
        store.write_whole(path, text)
    return path.relative_to(store.root).as_posix()


def in_force(store, month: str) -> Path | None:
    """The month's index that covers exactly its current checkpoints, or None."""
    folder = store.root / "checkpoints" / month
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    want = f"{PREFIX}{covers(n for n in names if checkpoint_day(month, n))}."
    found = sorted(n for n in names if n.startswith(want) and n.endswith(SUFFIX) and n.count(".") == 3)
    return folder / found[0] if found else None


class MonthIndex:
    """One month's index file, searched in place (mmap + binary search)."""

    def __init__(self, path: Path):
        self.path = path
        self.month = path.parent.name
        self._data = None
        self.calls = 0
        self.tokens: array | None = None    # for many lookups: every line's token as a number, searched by
        self.days = array("B")              # bisect, with its day and offset (13 bytes a line: a list of
        self.offsets = array("I")           # bytes objects was 90, 125 MB over five years' months)

    @property
    def data(self):
        """The file, mapped on the first lookup."""
        if self._data is None:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            self.start = self._data.find(b"\n") + 1 if size else 0
        return self._data

    def lookup(self, key: str, want: bytes | None = None) -> list[tuple[str, int]]:
        """(day DD, byte offset) of each line filed under the key's token (`want`, when known)."""
        want = token(key) if want is None else want
        data = self.data
        self.calls += 1
        if self.tokens is None and self.calls > 256:     # a whole-history command: index the tokens once
            self.tokens = array("Q")
            for line in data[self.start:].split(b"\n")[:-1]:
                tok, dd, offset = line.split(b",")
                self.tokens.append(int(tok, 16))
                self.days.append(int(dd))
                self.offsets.append(int(offset))
        if self.tokens is not None:
            out = []
            number = int(want, 16)
            i = bisect.bisect_left(self.tokens, number)
            while i < len(self.tokens) and self.tokens[i] == number:
                out.append((f"{self.days[i]:02d}", self.offsets[i]))
                i += 1
            return out
        lo, hi = self.start, len(data)
        while lo < hi:                       # lo: the first line whose token may be >= want
            line = data.rfind(b"\n", 0, (lo + hi) // 2) + 1      # the start of the line holding the middle
            if data[line:line + 10] < want:
                lo = data.find(b"\n", line) + 1
            else:
                hi = line
        out = []
        pos = lo
        while data[pos:pos + 10] == want:
            end = data.find(b"\n", pos)
            _tok, dd, offset = data[pos:end].split(b",")
            out.append((dd.decode(), int(offset)))
            pos = end + 1
        return out


    def lookup_many(self, wanted: dict[bytes, list[str]]) -> list[tuple[str, str, int]]:
        """(key, day DD, byte offset) for many keys at once (`wanted`: token -> keys): one pass over
        the file instead of a search per key."""
        out = []
        data = self.data
        for line in data[self.start:].split(b"\n"):
            keys = wanted.get(line[:10])
            if keys:
                _tok, dd, offset = line.split(b",")
                out += [(key, dd.decode(), int(offset)) for key in keys]
        return out


def read_line(root: Path, month: str, dd: str, offset: int, cache: dict) -> tuple[dict, str]:
    """The record at a byte offset of a day file, verified against its own hash; (record, where)."""
    rel = f"ledger/{month}/{dd}.csv"
    handle = cache.get(rel)
    if handle is None:
        handle = cache[rel] = open(root / rel, "rb")
    handle.seek(offset)
    raw = handle.readline().rstrip(b"\n")
    try:
        record, digest = codecs.decode_line(raw)
    except codecs.CodecError:
        record, digest = {}, ""
    if not record or digest != record.get("hash"):
        from rotactl.core.errors import LedgerError

        raise LedgerError([f"{rel}: the line at byte {offset} is not the entry the month index "
                           f"checkpoints/{month} names (edited after it was sealed?); run `rotactl check`"])
    return record, rel
