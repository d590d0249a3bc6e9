"""The ledger's codec (ledger format 3): one entry a CSV line, every file one table.

An entry is a flat mapping of field name to text (empty text = absent). A day
file `ledger/YYYY-MM/DD.csv` is UTF-8 with a byte-order mark, one header line
naming `COLUMNS` — the same in every file, so `csv.reader`, Excel/WPS and
DuckDB's `read_csv` read the whole ledger as one table — then one entry a line,
`\\n`-terminated, standard CSV quoting (a cell holding `,` or `"` is quoted, `"`
doubled; nothing else).

* `hash`, the last cell, is the SHA-256 of "rotactl/entry/v3\\n" and the line's
  own bytes before it (they end with the comma in front of it): the stored bytes
  are hashed, nothing is re-encoded to verify a line. `prev`, inside those bytes,
  is the hash of the same writer's previous line in the file.
* A text cell that a spreadsheet would take for a formula (it starts with `=`,
  `+`, `-`, `@`, a tab or a CR) or for a number, a date, a time or a truth value
  (`1502`, `007`, `12:30`, `yes`) is written with one `'` in front, and so is a
  cell that starts with `'`; reading takes one `'` off every cell that starts
  with one. So Excel shows every text as text, and DuckDB, which types a column
  by sampling its values, reads every text column as VARCHAR in every file. A
  lone `-` (a reception's `after` for the first of the day) is left as it is.
* The typed columns (`TYPES`) are spelt one way only and never guarded: times
  `YYYY-MM-DD HH:MM:SS`, days `YYYY-MM-DD`, flags `1`/`0`, counts in digits,
  amounts with two decimals (`1280000.00`). DuckDB reads them as TIMESTAMP, DATE,
  BIGINT and DOUBLE in every file.
* `accept-late`'s list of days is the column `accepts` (its record field is
  `days`, which is a number of days in every other kind).

A field outside `COLUMNS` cannot be written: adding a column is a new ledger
format (docs/ledger-format.md).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from itertools import compress

from rotactl.core.errors import UsageError
from rotactl.core.text import problem

Record = dict[str, str]

FORMAT = 3
COLUMNS: tuple[str, ...] = (
    # every entry
    "id", "at", "kind", "actor",
    # the floor: who, and the decision taken
    "staff", "receiver", "counted", "rule", "skipped", "queue", "turn", "free", "fine", "suspend_days",
    # the customer
    "phone", "name", "ckind", "party", "intent", "designated", "referred_by", "family_of", "relation", "other",
    "agency", "agent", "mask", "expect", "absent", "to", "claim", "takeover",
    # deals
    "stage", "unit", "amount",
    # corrections, rulings and notes
    "ref", "dispute", "award", "house", "owner", "reason", "note",
    # the roster
    "role", "team", "trainee", "key", "reassign_to", "penalty", "days", "from", "until",
    # the office
    "day", "accepts", "value", "before", "version",
    # what is not shown (log): the turn a reception followed, numbers encrypted (for --reveal), signatures
    "after", "phone_enc", "family_of_enc", "referred_by_enc", "other_enc", "sig", "sig_v1",
    # the chain
    "writer", "prev", "hash",
)
SHOWN = COLUMNS[:COLUMNS.index("after")]        # what `log --format csv` shows of an entry
HEADER = ",".join(COLUMNS)
BOM = "\ufeff"
HEADER_LINE = BOM + HEADER + "\n"
HEADER_BYTES = HEADER_LINE.encode("utf-8")
HASH_DOMAIN = b"rotactl/entry/v3\n"
HASH_LEN = 64

# The typed columns and how each is spelt (DuckDB's type for it): anything else is text.
_TIME, _DAY, _FLAG, _COUNT, _MONEY = (re.compile(p, re.ASCII) for p in (
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r"\d{4}-\d\d-\d\d", r"[01]", r"\d{1,15}", r"\d{1,15}\.\d\d"))
TYPES: dict[str, tuple[re.Pattern, str]] = {
    "at": (_TIME, "TIMESTAMP"), "expect": (_TIME, "TIMESTAMP"),
    "day": (_DAY, "DATE"), "from": (_DAY, "DATE"), "until": (_DAY, "DATE"),
    "counted": (_FLAG, "BIGINT"), "free": (_FLAG, "BIGINT"), "takeover": (_FLAG, "BIGINT"),
    "house": (_FLAG, "BIGINT"), "trainee": (_FLAG, "BIGINT"),
    "party": (_COUNT, "BIGINT"), "fine": (_COUNT, "BIGINT"), "suspend_days": (_COUNT, "BIGINT"),
    "days": (_COUNT, "BIGINT"),
    "amount": (_MONEY, "DOUBLE"),
}
_POSITION = {name: i for i, name in enumerate(COLUMNS)}
_TEXT_AT = tuple(i for i, name in enumerate(COLUMNS) if name not in TYPES and name != "hash")
_KIND_AT, _ACCEPTS_AT = _POSITION["kind"], _POSITION["accepts"]
KNOWN = frozenset(COLUMNS) - {"accepts"}        # record fields (accept-late's `days` sits in `accepts`)


class CodecError(ValueError):
    """A line that cannot be decoded; the store adds FILE:LINE."""


class FieldError(CodecError, UsageError):
    """A field that cannot be written (a line break, a control character, not UTF-8): exit 2."""


# -- what may be written --------------------------------------------------------------------

# an 11-digit mainland mobile number (also spaced or dashed) inside text: never written in clear
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])")
PROSE_FIELDS = frozenset({"name", "note", "intent", "reason", "agent", "unit", "team", "evidence"})


def clean(record: dict) -> Record:
    """Validate a record before it is written: text values that fit one line of a ledger file
    (no line breaks, NUL, control or bidi characters, nothing that is not UTF-8), and no phone
    number inside text (a phone has its own field, stored as an identity with the number encrypted)."""
    out: Record = {}
    for key, value in record.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "1" if value else "0"
        value = str(value)
        why = problem(value) or problem(key)
        if why:
            raise FieldError(f"{key if not problem(key) else 'a field name'}: {why} in a field")
        if key in PROSE_FIELDS and MOBILE.search(value):
            raise FieldError(f"{key}: a phone number inside the text: give a phone in its own option "
                             "(it is stored encrypted), never in a name or a note")
        out[key] = value
    return out


def mask_text(text: str) -> str:
    """Text with every mobile number in it masked (139****0001): what `migrate` keeps of old notes."""
    return MOBILE.sub(lambda m: (d := re.sub(r"\D", "", m.group()))[:3] + "****" + d[-4:], text)


# -- the text guard -------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
# what DuckDB (sampling a column's values) or a spreadsheet would read as a number, a date, a time or
# a truth value: `1502`, `007`, `1.5`, `1e5`, `5%`, `0x1F`, `3-1502`, `1/2`, `12:30`, `2026-11-02 09:00`,
# `20261102T0900`, `yes`, `t`, `nan`, `epoch`, `infinity`
_TYPED = re.compile(r"""
    (?:\d[\d_,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?                   # a number
  | 0[xXbBoO][0-9a-fA-F_]+                                           # 0x1F, 0b101
  | \d[\d\s.:/,-]*(?:[T\s]\d[\d\s.:/,-]*)?(?:Z|[+-]\d[\d:]*)?          # a date, a time, both
  | (?i:true|false|t|f|yes|no|y|n|on|off|inf|infinity|nan|epoch|null)  # a truth value, a special value
""", re.X | re.ASCII)


def needs_guard(text: str) -> bool:
    """Would a spreadsheet or DuckDB take this text for something else: a formula (it starts with
    `=`, `+`, `-`, `@`, a tab or a CR), a number, a date, a time, a truth value? Then it is written
    with a `'` in front, as is text that starts with `'`. A lone `-` is left alone."""
    if not text or text == "-":
        return False
    if text.startswith(FORMULA_STARTS):
        return True
    bare = text.strip()
    return bool(bare) and (bare.startswith(FORMULA_STARTS) or _TYPED.fullmatch(bare) is not None)


def guard(text: str) -> str:
    return "'" + text if needs_guard(text) else text


# -- lines ----------------------------------------------------------------------------------

class _Line:
    """One csv.writer over one buffer, reused for every line written (QUOTE_MINIMAL, `\\n`)."""

    def __init__(self):
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="\n")

    def __call__(self, cells: list[str]) -> str:
        self.buf.seek(0)
        self.buf.truncate()
        self.writer.writerow(cells)
        return self.buf.getvalue()


_write_row = _Line()


def cells_of(record: Record) -> list[str]:
    """The cells of a record in `COLUMNS` order (the hash cell empty), each guarded or checked."""
    unknown = record.keys() - KNOWN
    if unknown:
        raise FieldError(f"{', '.join(sorted(unknown))}: not a column of the ledger (docs/ledger-format.md)")
    cells = [record.get(name, "") for name in COLUMNS]
    cells[-1] = ""
    if cells[_KIND_AT] == "accept-late" and cells[_POSITION["days"]]:
        cells[_ACCEPTS_AT], cells[_POSITION["days"]] = cells[_POSITION["days"]], ""
    for name, (pattern, type_name) in TYPES.items():
        value = cells[_POSITION[name]]
        if value and not pattern.fullmatch(value):
            raise FieldError(f"{name}: {value!r} is not spelt as the ledger's {type_name} column wants "
                             "(docs/ledger-format.md)")
    for i in _TEXT_AT:
        value = cells[i]
        if value and needs_guard(value):
            cells[i] = "'" + value
    return cells


def line_of(record: Record) -> tuple[str, str]:
    """The line of a record (its `prev` and `writer` inside, its `hash` ignored) and the line's hash."""
    body = _write_row(cells_of(record))[:-1]          # ends with the comma before the (empty) hash cell
    digest = hashlib.sha256(HASH_DOMAIN + body.encode("utf-8")).hexdigest()
    return f"{body}{digest}\n", digest


def hash_of(line: bytes) -> str:
    """The hash a line's own bytes give (the line without its line end): over all but its last cell."""
    return hashlib.sha256(HASH_DOMAIN + line[:-HASH_LEN]).hexdigest()


def record_of(row: list[str], guarded: bool = True) -> Record:
    """The record of a parsed row of `COLUMNS` (no row-length check): empties left out, one `'` off
    each cell that starts with one (`guarded`: the line holds a `'` at all)."""
    pairs = compress(zip(COLUMNS, row), row)
    record = {k: v[1:] if v[0] == "'" else v for k, v in pairs} if guarded else dict(pairs)
    if "accepts" in record:
        record["days"] = record.pop("accepts")
    return record


def decode_line(line: bytes) -> tuple[Record, str]:
    """A line's record and the hash of its bytes (which the caller compares with its `hash`); a line
    that is not one entry of `COLUMNS` is a `CodecError` that says what is wrong with it."""
    if len(line) <= HASH_LEN or line[-HASH_LEN - 1:-HASH_LEN] != b",":
        raise CodecError("not a ledger line (it must end in its hash)")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise CodecError("not UTF-8 text (saved in another encoding, e.g. by a spreadsheet as GBK?)") from None
    bad = _CONTROL.search(text)
    if bad:
        raise CodecError(f"control character U+{ord(bad.group()):04X} in a ledger line (edited outside rotactl?)")
    try:
        rows = list(csv.reader([text], strict=True))
    except csv.Error as exc:
        raise CodecError(f"not a CSV line ({exc})") from None
    if len(rows) != 1 or len(rows[0]) != len(COLUMNS):
        raise CodecError(f"{len(rows[0]) if len(rows) == 1 else 'not'} {len(COLUMNS)} cells: the line does not "
                         "fit the header")
    return record_of(rows[0], "'" in text), hash_of(line)


def canonical_line(record: Record) -> bytes:
    """The bytes rotactl writes for a decoded record, without its line end (its `hash` kept): what a
    line re-saved by a spreadsheet with other quoting had been."""
    cells = cells_of({k: v for k, v in record.items() if k != "hash"})
    return (_write_row(cells)[:-1] + record.get("hash", "")).encode("utf-8")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CONTROL = bytes([*range(0x0a), *range(0x0b, 0x20), 0x7f])   # every control byte but LF (CR too)


def has_control(data: bytes) -> bool:
    """Does the file hold a control byte other than its line ends (one pass of C)?"""
    return len(data.translate(None, CONTROL)) != len(data)


class Codec:
    """How a ledger file of one format is written: its header, and a record's line."""

    def __init__(self, suffix: str, header: str, seal):
        self.suffix, self.header, self._seal = suffix, header, seal

    def seal(self, prev: str, record: Record) -> str:
        """Give the record its hash; returns its line."""
        line, record["hash"] = self._seal(prev, record)
        return line


LEDGER = Codec(".csv", HEADER_LINE, lambda _prev, record: line_of(record))
