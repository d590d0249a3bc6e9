"""Reading one ledger file's bytes: decode every line and verify its hash, its writer's chain
and its id. Pure: no I/O. Both formats: 2 (`DD.jsonl`, the stored bytes hashed) and 1
(`DD.floor.csv`, `DD.notes.toml`, a canonical form hashed), which `migrate` reads.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from rotactl.store import codecs

DAY_END_WRITER = "dayend"   # the writer of rollover's day-end entries: the same bytes in every clone
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SUFFIXES = (".jsonl", ".floor.csv", ".notes.toml")
LEGACY_SUFFIXES = (".floor.csv", ".notes.toml")
# format 1 kept entries that carry prose in DD.notes.toml, the others in DD.floor.csv
PROSE_KINDS = frozenset({"follow-up", "deal", "link", "claim", "report-in", "ruling", "staff-leave", "staff-suspend",
                         "staff-penalize", "penalty", "void", "fine", "reassign", "accept-late", "free-day",
                         "policy-set", "help-credit"})


def legacy_partition(at: str, kind: str) -> str:
    """The format-1 file of an entry."""
    return f"ledger/{at[:7]}/{at[8:10]}.{'notes.toml' if kind in PROSE_KINDS else 'floor.csv'}"


@dataclass(slots=True)
class Line:
    """A decoded ledger line: the record and where it sits."""

    record: codecs.Record
    path: str
    line: int
    offset: int = 0         # the byte offset of the line in its file

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
    chains: dict[str, list[Line]] = field(default_factory=dict)  # writer -> its entries, in file order

    def found(self, kind: str, problem: str) -> None:
        self.problems.append(problem)
        self.kinds.append(kind)

    def of_kind(self, *kinds: str) -> list[str]:
        return [p for p, k in zip(self.problems, self.kinds) if k in kinds]


def scan_text(rel: str, data: bytes) -> FileScan:
    """Decode and verify one ledger file's bytes. Pure: no I/O."""
    scan = FileScan(rel, size=len(data))
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    else:
        scan.found("torn",
            f"{rel}:{len(lines)}: torn last line (no line end: an interrupted write?); "
            "restore the file from git or remove the partial line by hand, then run `rotactl check`")
        lines.pop()
    scan.lines = len(lines)
    if not lines:
        return scan
    codec = codecs.codec_for(rel)
    if lines[0] + b"\n" != codec.header.encode():
        scan.found("header", f"{rel}:1: header line was changed")
    rows = _rows_v2(scan, lines) if codec is codecs.JSONL else _rows_v1(scan, codec, lines)
    seen: dict[str, codecs.Record] = {}
    offsets = _offsets(lines)
    heads, entries, chains = scan.heads, scan.entries, scan.chains
    for number, record, digest in rows:
        get = record.get
        if not (get("id") and get("at") and get("kind") and get("writer") and get("hash")):
            missing = [k for k in ("id", "at", "kind", "writer", "hash") if not get(k)]
            scan.found("decode", f"{rel}:{number}: missing {', '.join(missing)}")
            continue
        if record["writer"] == DAY_END_WRITER and seen.get(record["id"]) == record:
            continue            # the same day-end line from two clones (a git union merge): one entry
        writer, prev = record["writer"], record.get("prev", "")
        if (digest or codecs.entry_hash(prev, record)) != record["hash"]:
            scan.found("hash", f"{rel}:{number}: entry {record['id']} does not match its hash "
                               "(edited after it was written?)")
        if prev != ("" if writer == DAY_END_WRITER else heads.get(writer, "")):
            scan.found("chain", f"{rel}:{number}: entry {record['id']} does not follow the entry "
                                "before it in the chain (a line was deleted, inserted or moved?)")
        if record["id"] in seen:
            scan.found("id", f"{rel}:{number}: duplicate entry id {record['id']}")
        seen.setdefault(record["id"], record)
        heads[writer] = record["hash"]
        entry = Line(record, rel, number, offsets[number - 1])
        entries.append(entry)
        chain = chains.get(writer)
        if chain is None:
            chains[writer] = [entry]
        else:
            chain.append(entry)
    return scan


def _offsets(lines: list[bytes]) -> list[int]:
    out, at = [], 0
    for line in lines:
        out.append(at)
        at += len(line) + 1
    return out


def _rows_v2(scan: FileScan, lines: list[bytes]):
    """(line number, record, hash of its bytes) of each JSON line that decodes."""
    quick, decode = codecs.jsonl_quick, codecs.jsonl_record
    for number, line in enumerate(lines[1:], start=2):
        found = quick(line)
        if found is None:               # not as rotactl writes a line: the careful decoder words why
            try:
                found = decode(line)
            except codecs.CodecError as exc:
                scan.found("decode", f"{scan.path}:{number}: {exc}")
                continue
        yield number, found[0], found[1]


def _rows_v1(scan: FileScan, codec, lines: list[bytes]):
    """(line number, record, "") of each format-1 line (its hash is over its canonical form)."""
    for number, raw in enumerate(lines[1:], start=2):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            scan.found("text", f"{scan.path}:{number}: not UTF-8 text")
            continue
        bad = _CONTROL.search(line)
        if bad:
            scan.found("text", f"{scan.path}:{number}: control character U+{ord(bad.group()):04X} in a ledger "
                               "line (edited outside rotactl?)")
            continue
        try:
            record = codec.decode(line)
        except (codecs.CodecError, csv.Error, ValueError) as exc:
            scan.found("decode", f"{scan.path}:{number}: {exc}")
            continue
        yield number, record, ""
