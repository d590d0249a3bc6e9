"""Reading one ledger file's bytes: decode every line and verify its hash, its writer's chain
and its id. Pure: no I/O. Ledger format 3 (`DD.csv`, `store.codecs`: the stored bytes hashed),
and, for `migrate`, formats 2 (`DD.jsonl`) and 1 (`DD.floor.csv`, `DD.notes.toml`).

A day file that a spreadsheet or an editor saved again — its line ends turned into CR LF, its
byte-order mark dropped, its cells quoted otherwise, its columns reordered — is reported once,
at line 1, with what changed: each of its lines is still verified (as it was written: the line
end and the quoting put back, the columns in their order) so that an entry whose text changed
too is named at its own line, and nothing is written into the file until it is restored.
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from itertools import compress

from rotactl.core.dates import day_number, month_of
from rotactl.store import codecs, legacy

DAY_END_WRITER = "dayend"   # the writer of rollover's day-end entries: the same bytes in every clone
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
DAY_FILE = re.compile(r"\d\d\.csv")      # format 3: ledger/YYYY-MM/DD.csv
SUFFIXES = (".csv", ".jsonl", ".floor.csv", ".notes.toml")    # the day files of every format
LEGACY_SUFFIXES = (".floor.csv", ".notes.toml")
# format 1 kept entries that carry prose in DD.notes.toml, the others in DD.floor.csv
PROSE_KINDS = frozenset({"follow-up", "deal", "link", "claim", "report-in", "ruling", "staff-leave", "staff-suspend",
                         "staff-penalize", "penalty", "void", "fine", "reassign", "accept-late", "free-day",
                         "policy-set", "help-credit"})
_BOM = codecs.BOM.encode("utf-8")
_HEADER = codecs.HEADER_BYTES[:-1]


def legacy_partition(at: str, kind: str) -> str:
    """The format-1 file of an entry."""
    return f"ledger/{month_of(at)}/{day_number(at)}.{'notes.toml' if kind in PROSE_KINDS else 'floor.csv'}"


def format_of(rel: str) -> int:
    """The ledger format of a day file, by its name (0: not a day file of any format)."""
    name = rel.rpartition("/")[2]
    if DAY_FILE.fullmatch(name):
        return 3
    if name.endswith(".jsonl"):
        return 2
    return 1 if name.endswith(LEGACY_SUFFIXES) else 0


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
    kinds: list[str] = field(default_factory=list)       # each problem's: text|torn|header|decode|hash|chain|id
    size: int = 0
    lines: int = 0
    heads: dict[str, str] = field(default_factory=dict)  # writer -> last hash
    chains: dict[str, list[Line]] = field(default_factory=dict)  # writer -> its entries, in file order

    def found(self, kind: str, problem: str) -> None:
        self.problems.append(problem)
        self.kinds.append(kind)

    def of_kind(self, *kinds: str) -> list[str]:
        return [p for p, k in zip(self.problems, self.kinds) if k in kinds]

    def keep(self, entry: Line, writer: str) -> None:
        """An entry read: in the file's order, at the head of its writer's chain."""
        self.heads[writer] = entry.record["hash"]
        self.entries.append(entry)
        chain = self.chains.get(writer)
        if chain is None:
            self.chains[writer] = [entry]
        else:
            chain.append(entry)


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
    if format_of(rel) == 3:
        if _sound(scan, lines, data):
            return scan
        rows = _careful(scan, lines)
    else:
        codec = legacy.codec_for(rel)
        if lines[0] + b"\n" != codec.header.encode():
            scan.found("header", f"{rel}:1: header line was changed")
        rows = _rows_v2(scan, lines) if codec is legacy.JSONL else _rows_v1(scan, codec, lines)
    seen: dict[str, codecs.Record] = {}
    offsets = _offsets(lines)
    heads = scan.heads
    for number, record, digest in rows:
        get = record.get
        if not (get("id") and get("at") and get("kind") and get("writer") and get("hash")):
            missing = [k for k in ("id", "at", "kind", "writer", "hash") if not get(k)]
            scan.found("decode", f"{rel}:{number}: missing {', '.join(missing)}")
            continue
        if record["writer"] == DAY_END_WRITER and seen.get(record["id"]) == record:
            continue            # the same day-end line from two clones (a git union merge): one entry
        writer, prev = record["writer"], record.get("prev", "")
        if (digest or legacy.entry_hash(prev, record)) != record["hash"]:
            scan.found("hash", f"{rel}:{number}: entry {record['id']} does not match its hash "
                               "(edited after it was written?)")
        if prev != ("" if writer == DAY_END_WRITER else heads.get(writer, "")):
            scan.found("chain", f"{rel}:{number}: entry {record['id']} does not follow the entry "
                                "before it in the chain (a line was deleted, inserted or moved?)")
        if record["id"] in seen:
            scan.found("id", f"{rel}:{number}: duplicate entry id {record['id']}")
        seen.setdefault(record["id"], record)
        scan.keep(Line(record, rel, number, offsets[number - 1]), writer)
    return scan


def _sound(scan: FileScan, lines: list[bytes], data: bytes) -> bool:
    """A format-3 day file as rotactl writes it (`sound_rows`), its records made: fills `scan` and
    answers True; False (`scan` untouched) when the file is not so, and `_careful` goes over it
    again, line by line, to say what and where."""
    rows = sound_rows(lines, data)
    if rows is None:
        return False
    rel, columns, keep = scan.path, codecs.COLUMNS, scan.keep
    for number, offset, row in rows:
        record = dict(compress(zip(columns, row), row))
        if "accepts" in record:
            record["days"] = record.pop("accepts")
        keep(Line(record, rel, number, offset), record["writer"])
    return True


_ID, _AT, _KIND, _WRITER, _PREV, _HASH = (codecs.COLUMNS.index(c)
                                          for c in ("id", "at", "kind", "writer", "prev", "hash"))


def sound_rows(lines: list[bytes], data: bytes, guarded: bool = False) -> list[tuple[int, int, list[str]]] | None:
    """The rows of a format-3 day file as rotactl writes it — (line number, byte offset, its cells in
    `COLUMNS` order, one `'` taken off each text cell that has one unless `guarded`) — every line's
    header, hash, chain and id verified at C speed (cells split at commas where no cell is quoted);
    the same day-end line twice (two clones' union merge) once. None at the first thing that is not
    so: `scan_text` then reads the file line by line and words each problem."""
    if lines[0] != _HEADER or codecs.has_control(data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    body = text[len(codecs.HEADER_LINE):]
    if '"' in body:                          # a quoted cell somewhere: the csv module reads the file
        cells = list(csv.reader(body.split("\n")[:-1]))
        if not guarded:
            cells = [[c[1:] if c[:1] == "'" else c for c in row] for row in cells]
    else:                                     # no quoting: a cell that starts with ' is a guard
        cells = [line.split(",") for line in (body if guarded else body.replace(",'", ",")).split("\n")[:-1]]
    if len(cells) != len(lines) - 1:
        return None
    width = len(codecs.COLUMNS)
    sha, domain, cut = hashlib.sha256, codecs.HASH_DOMAIN, -codecs.HASH_LEN
    seen: dict[str, list[str]] = {}
    heads: dict[str, str] = {}
    out = []
    offset = len(lines[0]) + 1
    number = 1
    for raw, row in zip(lines[1:], cells):
        number += 1
        at = offset
        offset += len(raw) + 1
        if len(row) != width:
            return None
        entry_id, writer, digest = row[_ID], row[_WRITER], row[_HASH]
        if not (entry_id and writer and row[_AT] and row[_KIND]) or sha(domain + raw[:cut]).hexdigest() != digest:
            return None
        prev = row[_PREV]
        if writer == DAY_END_WRITER:
            if prev:
                return None
            if entry_id in seen:
                if seen[entry_id] != row:
                    return None
                continue                # the same day-end line from two clones (a git union merge): one entry
        else:
            if prev[:1] == "'":
                prev = prev[1:]
            if prev != heads.get(writer, "") or entry_id in seen:
                return None
        seen[entry_id] = row
        heads[writer] = digest
        out.append((number, at, row))
    return out


def _resaved_line(raw: bytes, record: dict) -> str | None:
    """The hash of a line as rotactl writes its record, when that is the line's hash (its bytes
    differ only in quoting, line end or column order: the entry itself is intact), else None."""
    try:
        canonical = codecs.canonical_line(record)
    except codecs.CodecError:
        return None
    digest = codecs.hash_of(canonical)
    return digest if digest == record.get("hash") and canonical != raw else None


def _careful(scan: FileScan, lines: list[bytes]):
    """Line by line, each problem worded, and a file saved again by another program said once."""
    rel, changes = scan.path, []
    header = lines[0]
    crlf = header.endswith(b"\r")          # every line end turned into CR LF (a CR elsewhere: that line's problem)
    if crlf:
        changes.append("its line ends turned into CR LF")
        header = header[:-1]
    if header.startswith(_BOM):
        header = header[len(_BOM):]
    else:
        changes.append("its byte-order mark dropped")
    try:
        names = next(csv.reader([header.decode("utf-8")]), [])
    except (UnicodeDecodeError, csv.Error):
        names = []
    columns = list(codecs.COLUMNS)
    order = None
    if names == columns:
        pass
    elif sorted(names) == sorted(columns):
        order = [names.index(c) for c in columns]
        changes.append("its columns reordered")
    else:
        unknown = [n for n in names if n not in codecs.COLUMNS]
        missing = [c for c in columns if c not in names]
        found = (f"unknown column(s) {', '.join(unknown[:5])}" if unknown else "") + \
                ("; " if unknown and missing else "") + \
                (f"missing column(s) {', '.join(missing[:5])}" if missing else "")
        shown = header[:60].decode("utf-8", "replace")
        scan.found("header", f"{rel}:1: not the header of ledger format 3 ({found or 'found ' + repr(shown)}): "
                             "a column added or removed by a spreadsheet, or a file of another version of rotactl; "
                             f"nothing in it is read or written until it is restored (`git checkout -- {rel}`)")
        return
    intact = 0
    for number, raw in enumerate(lines[1:], start=2):
        if crlf and raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            record, digest = _decode(raw, order)
        except codecs.CodecError as exc:
            scan.found("decode", f"{rel}:{number}: {exc}")
            continue
        if digest != record.get("hash"):
            again = _resaved_line(raw, record)
            if again is not None:
                digest = again
                if order is None and "its cells quoted otherwise" not in changes:
                    changes.append("its cells quoted otherwise")
        intact += digest == record.get("hash")
        yield number, record, digest or "-"
    if changes:
        scan.found("resaved", f"{rel}:1: saved again by a spreadsheet or an editor ({', '.join(changes)}); "
                              f"{intact} of its {len(lines) - 1} entries are as they were written; rotactl "
                              f"writes nothing into it until it is restored: `git checkout -- {rel}`")


def _decode(raw: bytes, order: list[int] | None) -> tuple[dict, str]:
    """One line's record and hash, its cells first put in `COLUMNS` order (`order`: a reordered
    file's). The hash is "" when the line's own bytes are not rotactl's line (a reordered file, a
    quoted hash cell): then only the line as rotactl writes its record can match."""
    if order is None and raw[-codecs.HASH_LEN - 1:-codecs.HASH_LEN] == b"," and b'"' not in raw[-codecs.HASH_LEN:]:
        return codecs.decode_line(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise codecs.CodecError("not UTF-8 text (saved in another encoding, e.g. by a spreadsheet as GBK?)") from None
    bad = _CONTROL.search(text)
    if bad:
        raise codecs.CodecError(f"control character U+{ord(bad.group()):04X} in a ledger line "
                                "(edited outside rotactl?)")
    try:
        row = next(csv.reader([text], strict=True), [])
    except csv.Error as exc:
        raise codecs.CodecError(f"not a CSV line ({exc})") from None
    width = len(order) if order is not None else len(codecs.COLUMNS)
    if len(row) != width:
        raise codecs.CodecError(f"{len(row)} cells, but the header names {width}")
    return codecs.record_of([row[i] for i in order] if order is not None else row), ""


def _offsets(lines: list[bytes]) -> list[int]:
    out, at = [], 0
    for line in lines:
        out.append(at)
        at += len(line) + 1
    return out


def _rows_v2(scan: FileScan, lines: list[bytes]):
    """(line number, record, hash of its bytes) of each JSON line that decodes."""
    quick, decode = legacy.jsonl_quick, legacy.jsonl_record
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
