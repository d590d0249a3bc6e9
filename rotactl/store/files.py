"""The ledger store: where entries live on disk, and the only code that touches them.

Layout of an office directory::

    rotactl.toml                      policy (SPEC §6)
    ledger/2026-11/02.floor.csv       floor events of 2 Nov (CSV, one entry a line)
    ledger/2026-11/02.notes.toml      entries that carry prose (TOML, one entry a line)
    checkpoints/2026-11/02.toml       written by rollover: the day's seal and carried state
    .rotactl/                         git-ignored: lock file, writer id, derived index

Every write happens under one repo-wide `fcntl.flock` on `.rotactl/lock` (never
deleted), as a single `os.write` on an `O_APPEND` descriptor followed by
`fsync` (and the directory's when the file is new). A torn or unverifiable
file is never repaired: writes to it refuse until `check` passes.
"""
from __future__ import annotations

import calendar
import contextlib
import fcntl
import os
import secrets
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rotactl.store import codecs
from rotactl.errors import LedgerError

PROSE_KINDS = frozenset({
    "follow-up", "deal", "link", "claim", "report-in", "ruling",
    "staff-leave", "staff-suspend", "staff-penalize", "penalty", "void", "fine", "reassign",
})
LEDGER = "ledger"
CHECKPOINTS = "checkpoints"
LOCAL = ".rotactl"


@dataclass
class Line:
    """A decoded ledger line: the record and where it sits."""

    record: codecs.Record
    path: str
    line: int

    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def at(self) -> str:
        return self.record["at"]

    @property
    def kind(self) -> str:
        return self.record["kind"]


@dataclass
class FileScan:
    path: str
    entries: list[Line] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)       # for each problem: text | torn | header | decode | hash | chain | id
    size: int = 0
    lines: int = 0
    heads: dict[str, str] = field(default_factory=dict)  # writer -> last hash

    def found(self, kind: str, problem: str) -> None:
        self.problems.append(problem)
        self.kinds.append(kind)

    def of_kind(self, *kinds: str) -> list[str]:
        return [p for p, k in zip(self.problems, self.kinds) if k in kinds]


def partition(at: str, kind: str) -> str:
    """The file (relative to the office) that holds an entry of this kind at this time."""
    day = at[:10]
    name = "notes.toml" if kind in PROSE_KINDS else "floor.csv"
    return f"{LEDGER}/{day[:7]}/{day[8:10]}.{name}"


def scan_text(rel: str, data: bytes) -> FileScan:
    """Decode and verify one ledger file's bytes. Pure: no I/O."""
    scan = FileScan(rel, size=len(data))
    codec = codecs.codec_for(rel)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        scan.found("text", f"{rel}:{line}: not UTF-8 text")
        return scan
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif lines:
        scan.found("torn",
            f"{rel}:{len(lines)}: torn last line (no line end: an interrupted write?); "
            "restore the file from git or remove the partial line by hand, then run `rotactl check`")
        lines.pop()
    scan.lines = len(lines)
    if not lines:
        return scan
    if lines[0] + "\n" != codec.header:
        scan.found("header", f"{rel}:1: header line was changed")
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        try:
            record = codec.decode(line)
        except codecs.CodecError as exc:
            scan.found("decode", f"{rel}:{number}: {exc}")
            continue
        missing = [k for k in ("id", "at", "kind", "writer", "hash") if not record.get(k)]
        if missing:
            scan.found("decode", f"{rel}:{number}: missing {', '.join(missing)}")
            continue
        writer, prev = record["writer"], record.get("prev", "")
        if codecs.entry_hash(prev, record) != record["hash"]:
            scan.found("hash", f"{rel}:{number}: entry {record['id']} does not match its hash "
                                 "(edited after it was written?)")
        if prev != scan.heads.get(writer, ""):
            scan.found("chain", f"{rel}:{number}: entry {record['id']} does not follow the entry "
                                 "before it in the chain (a line was deleted, inserted or moved?)")
        if record["id"] in seen:
            scan.found("id", f"{rel}:{number}: duplicate entry id {record['id']}")
        seen.add(record["id"])
        scan.heads[writer] = record["hash"]
        scan.entries.append(Line(record, rel, number))
    return scan


class Store:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self._scans: dict[str, tuple[tuple[int, int], FileScan]] = {}
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
        fd = os.open(self.local("lock"), os.O_RDWR | os.O_CREAT, 0o644)
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

    def day_files(self, day: str) -> list[str]:
        folder = self.root / LEDGER / day[:7]
        out = []
        for name in ("floor.csv", "notes.toml"):
            rel = f"{LEDGER}/{day[:7]}/{day[8:10]}.{name}"
            if (folder / f"{day[8:10]}.{name}").is_file():
                out.append(rel)
        return out

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
            if after and month < after[:7]:
                continue
            folder = base / month
            if not folder.is_dir():
                continue
            for name in os.listdir(folder):
                if name.endswith((".floor.csv", ".notes.toml")):
                    day = f"{month}-{name[:2]}"
                    if day > after:
                        out.append(day)
        return sorted(set(out))

    def all_files(self) -> list[str]:
        base = self.root / LEDGER
        if not base.is_dir():
            return []
        return sorted(f"{LEDGER}/{p.relative_to(base).as_posix()}" for p in base.rglob("*")
                      if p.is_file())

    # -- writing -------------------------------------------------------------
    def writer(self) -> str:
        if self._writer is None:
            path = self.local("writer")
            if not path.exists():
                path.write_text(secrets.token_hex(3) + "\n")
            self._writer = path.read_text().strip()
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

    def append(self, records: list[dict]) -> list[codecs.Record]:
        """Append entries (the caller holds the lock); returns them as written. A record that
        carries an id (from `new_id`) keeps it."""
        writer = self.writer()
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
            record = {"id": record.get("id") or self._new_id(last_id),
                      **{k: v for k, v in record.items() if k != "id"}, "writer": writer}
            if prev:
                record["prev"] = prev
            record["hash"] = codecs.entry_hash(prev, record)
            tails[rel] = (record["hash"], record["id"])
            lines.setdefault(rel, []).append(codecs.codec_for(rel).encode(record))
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
            text = codecs.codec_for(rel).header + text
        data = text.encode("utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if os.write(fd, data) != len(data):
                raise OSError(f"short write to {rel}")
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            for folder in [path.parent, *[d.parent for d in created_dirs]]:
                _fsync_dir(folder)
        self._scans.pop(rel, None)

    # -- checkpoints -----------------------------------------------------------
    def checkpoint_path(self, day: str) -> Path:
        return self.root / CHECKPOINTS / day[:7] / f"{day[8:10]}.toml"

    def latest_checkpoint(self, before: str = "9999-99-99") -> str | None:
        """The last sealed day strictly before `before`, or None."""
        base = self.root / CHECKPOINTS
        if not base.is_dir():
            return None
        for month in sorted(os.listdir(base), reverse=True):
            if month > before[:7]:
                continue
            names = sorted((n for n in os.listdir(base / month) if n.endswith(".toml")), reverse=True)
            for name in names:
                day = f"{month}-{name[:2]}"
                if day < before:
                    return day
        return None

    def read_checkpoint(self, day: str) -> dict:
        path = self.checkpoint_path(day)
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            rel = path.relative_to(self.root).as_posix()
            raise LedgerError([f"{rel}:1: unreadable checkpoint ({exc})"]) from None

    def seal(self, day: str, now: str, actor: str, state: dict) -> None:
        """Write the day's checkpoint: each file's size, lines and chain heads, and the carried state."""
        import tomli_w

        files = {}
        for rel in self.day_files(day):
            scan = self.scan(rel)
            if scan.problems:
                raise LedgerError(scan.problems)
            files[rel] = {"size": scan.size, "lines": scan.lines, "heads": dict(scan.heads)}
        head = (f"# rotactl checkpoint: {day} closed by rollover. Do not edit: "
                "`rotactl check` verifies it against the ledger.\n") if files else \
            "# rotactl checkpoint (no entries that day)\n"
        body = {"day": day, "closed_at": now, "closed_by": actor, "files": files, "state": state}
        self.write_checkpoint(day, head + tomli_w.dumps(body))

    def write_checkpoint(self, day: str, text: str) -> None:
        path = self.checkpoint_path(day)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)


def _us_from_stamp(value: int) -> int:
    """Microseconds since the epoch from the 20 digits of an entry id (UTC)."""
    text = f"{value:020d}"
    seconds = calendar.timegm(time.strptime(text[:14], "%Y%m%d%H%M%S"))
    return seconds * 1_000_000 + int(text[14:])


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
