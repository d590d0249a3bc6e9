"""The ledger store: where entries live on disk, and the only code that touches them.

Layout of an office directory::

    rotactl.toml                      policy (SPEC §6)
    office.toml                       ledger format, office id, key check values (`rotactl.store.keyring`)
    ledger/2026-11/02.csv             every entry of 2 Nov (ledger format 3: CSV, `store.codecs`)
    checkpoints/2026-11/02.HASH.toml  written by rollover: the day's seal and carried state
    .rotactl/                         git-ignored cache: writer id, derived index (deletable)

Every write happens under one office-wide `fcntl.flock` on the office directory
itself — not on a file in a cache folder that `git clean -fdX` or a cache wipe
could delete and recreate underneath a writer — as a single `os.write` on an
`O_APPEND` descriptor followed by `fsync` (and the directory's when the file is
new). A torn or unverifiable
file is never repaired: writes to it refuse until `check` passes.
"""
from __future__ import annotations

import calendar
import contextlib
import fcntl
import hashlib
import os
import secrets
import time
import tomllib
from pathlib import Path

from rotactl.core.dates import day_number, day_of, month_of
from rotactl.core.errors import LedgerError
from rotactl.store import codecs
from rotactl.store.scan import DAY_END_WRITER, SUFFIXES, FileScan, Line, scan_text  # noqa: F401 (re-exported)

LEDGER = "ledger"
CHECKPOINTS = "checkpoints"
LOCAL = ".rotactl"


def partition(at: str, kind: str = "") -> str:
    """The file (relative to the office) that holds an entry at this time: one file a day."""
    return day_file(day_of(at))


def day_file(day: str, suffix: str = ".csv") -> str:
    """"2026-11-02" → "ledger/2026-11/02.csv" (`suffix`: the file of another ledger format)."""
    return f"{LEDGER}/{month_of(day)}/{day_number(day)}{suffix}"


def day_of_file(rel: str) -> str:
    """"ledger/2026-11/02.csv" → "2026-11-02"."""
    _top, month, name = rel.split("/")
    return f"{month}-{name[:2]}"


def month_of_file(rel: str) -> str:
    """"ledger/2026-11/02.csv" (or a checkpoint's path) → "2026-11"."""
    return rel.split("/")[1]


def checkpoint_day(month: str, name: str) -> str | None:
    """The day a file of a checkpoints folder seals ("02.5093014567d2.toml" in 2026-11 → "2026-11-02"),
    or None for a file that is not a checkpoint (a month index, a temporary file)."""
    return f"{month}-{name[:2]}" if name[2:3] == "." and name.endswith(".toml") else None


class Store:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self._scans: dict[str, tuple[tuple[int, int], FileScan]] = {}
        self.created: set[str] = set()     # files this command created (git must add them before committing)
        self._writer: str | None = None
        self._last_us = 0

    # -- paths -----------------------------------------------------------
    @property
    def policy_path(self) -> Path:
        return self.root / "rotactl.toml"

    def local(self, name: str) -> Path:
        path = self.root / LOCAL
        path.mkdir(exist_ok=True)
        return path / name

    def exists(self) -> bool:
        return self.policy_path.is_file()

    # -- locking -----------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, exclusive: bool = True):
        # the directory itself: it cannot be deleted while the office exists, and a read-only
        # office can still be opened for the shared (reading) lock
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- reading -------------------------------------------------------------
    def scan(self, rel: str) -> FileScan:
        path = self.root / rel
        try:
            st = path.stat()
        except FileNotFoundError:
            return FileScan(rel)
        key = (st.st_size, st.st_mtime_ns)
        cached = self._scans.get(rel)
        if cached and cached[0] == key:
            return cached[1]
        result = scan_text(rel, path.read_bytes())
        self._scans[rel] = (key, result)
        return result

    def rows(self, rel: str) -> tuple[list[list[str]], bool]:
        """A format-3 day file's entries as rows of cells in `codecs.COLUMNS` order, as stored (a text
        cell keeps its `'` guard), each line verified as `scan` verifies it — for a pass that needs no
        records (`log --format csv`) — and whether no cell of them needs CSV quoting. A file with
        problems: they are raised (`LedgerError`)."""
        from rotactl.store.scan import sound_rows

        try:
            data = (self.root / rel).read_bytes()
        except FileNotFoundError:
            return [], True
        lines = data.split(b"\n")
        found = sound_rows(lines[:-1], data, guarded=True) if len(lines) > 1 and lines[-1] == b"" else None
        if found is not None:
            return [row for _number, _offset, row in found], b'"' not in data
        scan = self.scan(rel)                   # says what is wrong, or reads what the fast path does not
        if scan.problems:
            raise LedgerError(scan.problems)
        return [codecs.cells_of(line.record)[:-1] + [line.record["hash"]] for line in scan.entries], False

    def forget(self) -> None:
        """Drop the decoded files kept for this command (a long pass keeps one day at a time)."""
        self._scans.clear()

    def day_files(self, day: str) -> list[str]:
        return [rel for rel in (day_file(day, suffix) for suffix in SUFFIXES) if (self.root / rel).is_file()]

    def read_day(self, day: str, strict: bool = True) -> list[Line]:
        entries: list[Line] = []
        problems: list[str] = []
        for rel in self.day_files(day):
            scan = self.scan(rel)
            entries += scan.entries
            problems += scan.problems
        if problems and strict:
            raise LedgerError(problems)
        return entries

    def days(self, after: str = "") -> list[str]:
        """Days that have ledger files, in order; only those after `after` if given."""
        base = self.root / LEDGER
        if not base.is_dir():
            return []
        out = []
        for month in sorted(os.listdir(base)):
            if after and month < month_of(after):
                continue
            folder = base / month
            if not folder.is_dir():
                continue
            for name in os.listdir(folder):
                if name.endswith(SUFFIXES):
                    day = f"{month}-{name[:2]}"
                    if day > after:
                        out.append(day)
        return sorted(set(out))

    def find(self, entry_id: str) -> Line | None:
        """An entry's line by id: the day of its write time first, then a byte search of every file."""
        needle = entry_id.encode()
        stamp = entry_id[1:9]
        near = [f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}"] if stamp.isdigit() else []
        candidates = [rel for day in near for rel in self.day_files(day)]
        for rel in candidates + [r for r in self.all_files() if r not in candidates]:
            path = self.root / rel
            if rel.endswith(SUFFIXES) and needle in path.read_bytes():
                for line in self.scan(rel).entries:
                    if line.id == entry_id:
                        return line
        return None

    def all_files(self, since_month: str = "") -> list[str]:
        """Every file under ledger/ (`since_month`: only in the months from that one on)."""
        base = self.root / LEDGER
        if not base.is_dir():
            return []
        out = []
        for top in os.scandir(base):
            if top.is_dir(follow_symlinks=False) and top.name >= since_month:
                out += [f"{LEDGER}/{rel}" for rel in _walk(Path(top.path), top.name)]
            elif not top.is_dir(follow_symlinks=False) and top.is_file():
                out.append(f"{LEDGER}/{top.name}")
        return sorted(out)

    # -- writing -------------------------------------------------------------
    def writer(self) -> str:
        if self._writer is None:
            try:
                path = self.local("writer")
                if not path.exists():
                    path.write_text(new_writer() + "\n")
                self._writer = path.read_text().strip()
            except OSError:     # the cache folder vanished underneath (a wipe): a fresh id is as good
                self._writer = new_writer()
        return self._writer

    def _new_id(self, floor: str = "") -> str:
        now_us = max(time.time_ns() // 1000, self._last_us + 1)
        if floor:
            floor_us = int(floor[1:21] if floor[1:21].isdigit() else 0)
            now_us = max(now_us, _us_from_stamp(floor_us) + 1)
        self._last_us = now_us
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now_us // 1_000_000))
        return f"e{stamp}{now_us % 1_000_000:06d}-{secrets.token_hex(3)}"

    def new_id(self, at: str, kind: str) -> str:
        """A fresh entry id for an entry of this kind at this time, later than any in its file, so
        that the rules can name it (dispute ids) before it is appended (the caller holds the lock)."""
        return self._new_id(max((e.id for e in self.scan(partition(at, kind)).entries), default=""))

    def append(self, records: list[dict], writer: str | None = None) -> list[codecs.Record]:
        """Append entries (the caller holds the lock); returns them as written. A record that
        carries an id (from `new_id`) keeps it. `writer`: rollover's day-end entries are written
        as `DAY_END_WRITER`, so that every clone writes them byte for byte alike."""
        writer = writer or self.writer()
        tails: dict[str, tuple[str, str]] = {}  # file -> (this writer's head hash, last id)
        lines: dict[str, list[str]] = {}
        written = []
        for raw in records:
            record = codecs.clean(raw)
            rel = partition(record["at"], record["kind"])
            if rel not in tails:
                scan = self.scan(rel)
                if scan.problems:
                    raise LedgerError(scan.problems + ["writes are refused until `rotactl check` passes"])
                tails[rel] = (scan.heads.get(writer, ""), max((e.id for e in scan.entries), default=""))
            prev, last_id = tails[rel]
            if writer == DAY_END_WRITER:
                prev = ""       # unchained: each day-end line is the same bytes in every clone, wherever it sits
            record = {"id": record.get("id") or self._new_id(last_id),
                      **{k: v for k, v in record.items() if k not in ("id", "writer", "prev", "hash")},
                      "writer": writer}
            if prev:
                record["prev"] = prev
            lines.setdefault(rel, []).append(codecs.LEDGER.seal(prev, record))
            tails[rel] = (record["hash"], record["id"])
            written.append(record)
        for rel, text in lines.items():
            self._write(rel, "".join(text))
        return written

    def _write(self, rel: str, text: str) -> None:
        path = self.root / rel
        created_dirs = []
        parent = path.parent
        while not parent.exists():
            created_dirs.append(parent)
            parent = parent.parent
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        if new:
            text = codecs.LEDGER.header + text
        _write_synced(path, os.O_APPEND, text.encode("utf-8"))
        if new:
            self.created.add(rel)
            for folder in [path.parent, *[d.parent for d in created_dirs]]:
                _fsync_dir(folder)
        self._scans.pop(rel, None)

    # -- checkpoints -----------------------------------------------------------
    # DD.<hash of its bytes>.toml; the bytes depend on the day's lines only (no clock, no actor), so clones
    # that seal the same lines write one file and others write two: no git conflict. Legacy: DD.toml.
    def checkpoint_files(self, day: str) -> list[Path]:
        folder = self.root / CHECKPOINTS / month_of(day)
        try:
            names = os.listdir(folder)
        except OSError:
            return []
        return sorted(folder / n for n in names if checkpoint_day(month_of(day), n) == day)

    def latest_checkpoint(self, before: str = "9999-99-99") -> str | None:
        """The last sealed day strictly before `before`, or None."""
        base = self.root / CHECKPOINTS
        if not base.is_dir():
            return None
        for month in sorted(os.listdir(base), reverse=True):
            if month > month_of(before) or not (base / month).is_dir():
                continue
            days = sorted((d for n in os.listdir(base / month) if (d := checkpoint_day(month, n))), reverse=True)
            for day in days:
                if day < before:
                    return day
        return None

    def sealed_days(self) -> list[str]:
        """Every day that has a checkpoint, in order."""
        base = self.root / CHECKPOINTS
        return sorted({day for month in (os.listdir(base) if base.is_dir() else []) if (base / month).is_dir()
                       for name in os.listdir(base / month) if (day := checkpoint_day(month, name))})

    def read_checkpoint_file(self, path: Path) -> dict:
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            rel = path.relative_to(self.root).as_posix()
            raise LedgerError([f"{rel}:1: unreadable checkpoint ({exc})"]) from None

    def read_checkpoint(self, day: str) -> dict:
        """The day's checkpoint in force: the latest generation (an `accept-late` re-seals a day),
        then the one that covers the most lines."""
        found = [self.read_checkpoint_file(p) for p in self.checkpoint_files(day)]
        if not found:
            raise LedgerError([f"{CHECKPOINTS}/{month_of(day)}/{day_number(day)}.toml:1: no checkpoint for {day}"])
        return max(found, key=lambda c: (c.get("generation", -1), _covered(c)))

    def coverage(self, day: str) -> dict:
        """A checkpoint's record of the day's files: per writer, lines and last hash (day-end: ids)."""
        files = {}
        for rel in self.day_files(day):
            scan = self.scan(rel)
            if scan.problems:
                raise LedgerError(scan.problems)
            files[rel] = {"writers": {w: {"ids": sorted(x.id for x in chain)} if w == DAY_END_WRITER else
                                      {"lines": len(chain), "head": chain[-1].record["hash"]}
                                      for w, chain in sorted(scan.chains.items())}}
        return files

    def seal(self, day: str, state: dict, generation: int = 0, voided: list[str] = ()) -> str:
        """Write the day's checkpoint; returns its path relative to the office."""
        import tomli_w

        body = {"day": day, "generation": generation, "files": self.coverage(day), "state": state}
        if voided:
            body["voided"] = sorted(voided)
        text = (f"# rotactl checkpoint of {day}, written by rollover. Do not edit: `rotactl check` verifies "
                "it against the ledger and its name against its bytes.\n" + tomli_w.dumps(body))
        name = f"{day_number(day)}.{checkpoint_hash(text.encode('utf-8'))}.toml"
        path = self.root / CHECKPOINTS / month_of(day) / name
        if not path.exists():
            self.write_whole(path, text)
        return path.relative_to(self.root).as_posix()

    def write_whole(self, path: Path, text: str) -> None:
        """Replace a file whole: a synced temporary file renamed over it (a crash leaves old or new)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            self.created.add(path.relative_to(self.root).as_posix())
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        _write_synced(tmp, os.O_TRUNC, text.encode("utf-8"))
        os.replace(tmp, path)
        _fsync_dir(path.parent)


def new_writer() -> str:
    """A clone's writer id: 6 hex digits, never all digits or digits around an `e` (which a spreadsheet
    or DuckDB would read as a number: `writer` is a text column)."""
    while True:
        writer = secrets.token_hex(3)
        if not codecs.needs_guard(writer):
            return writer


def _walk(folder: Path, prefix: str) -> list[str]:
    out = []
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            out += _walk(Path(entry.path), f"{prefix}/{entry.name}")
        elif entry.is_file():
            out.append(f"{prefix}/{entry.name}")
    return out


def checkpoint_hash(data: bytes) -> str:
    return hashlib.sha256(b"rotactl/checkpoint/v2\n" + data).hexdigest()[:12]


def _covered(checkpoint: dict) -> int:
    return sum(w.get("lines", 0) for f in checkpoint.get("files", {}).values()
               for w in f.get("writers", {}).values())


def _us_from_stamp(value: int) -> int:
    """Microseconds since the epoch from the 20 digits of an entry id (UTC)."""
    text = f"{value:020d}"
    seconds = calendar.timegm(time.strptime(text[:14], "%Y%m%d%H%M%S"))
    return seconds * 1_000_000 + int(text[14:])


def _write_synced(path: Path, mode: int, data: bytes) -> None:
    """One `os.write` of the whole data (O_APPEND or O_TRUNC), then fsync, before anything is reported."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | mode, 0o644)
    try:
        if os.write(fd, data) != len(data):
            raise OSError(f"short write to {path.name}")
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
