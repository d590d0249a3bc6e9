"""The ledger formats before this one, read by `rotactl migrate` (and by `check` of an office being
migrated): nothing writes them any more.

An entry is a flat mapping of field name to text (empty text = absent), in every format.

* Format 1 (`DD.floor.csv` + `DD.notes.toml`): each entry hashed over a canonical form,
      hash = SHA-256("rotactl/entry/v1\\n" + prev + "\\n" + canonical)
  CSV (floor events): a fixed header; fields outside the columns go to `extra` as
  `key=value;key=value` with `\\`, `;` and `=` escaped by a backslash; a cell starting with
  `=`, `+`, `-`, `@` or a tab has a leading `'`. TOML (entries that carry prose): one line per
  entry, `ID = { key = "value", … }`.
* Format 2 (`DD.jsonl`): each line a JSON object whose last member is `hash`, the SHA-256 of
  "rotactl/entry/v2\\n" and the line's own bytes before `,"hash":"`.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib

from rotactl.core.text import problem
from rotactl.store.codecs import CodecError, Record

HASH_DOMAIN = b"rotactl/entry/v1\n"
CSV_COLUMNS = [
    "id", "at", "kind", "actor", "staff", "queue", "phone", "name", "receiver",
    "counted", "rule", "skipped", "claim", "extra", "writer", "prev", "hash",
]
CSV_HEADER = ",".join(CSV_COLUMNS) + "\n"
_CSV_SET = set(CSV_COLUMNS) - {"extra"}


def canonical(record: Record) -> str:
    body = {k: v for k, v in record.items() if k not in ("hash", "prev") and v != ""}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(prev: str, record: Record) -> str:
    digest = hashlib.sha256(HASH_DOMAIN)
    digest.update(prev.encode())
    digest.update(b"\n")
    digest.update(canonical(record).encode())
    return digest.hexdigest()


# -- extra field (CSV) -------------------------------------------------------

def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace("=", "\\=")


def encode_extra(fields: Record) -> str:
    return ";".join(f"{_esc(k)}={_esc(v)}" for k, v in sorted(fields.items()))


def decode_extra(text: str) -> Record:
    out: Record = {}
    key, buf, escaped = None, [], False
    for ch in text + ";":
        if escaped:
            buf.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "=" and key is None:
            key, buf = "".join(buf), []
        elif ch == ";":
            if key is None:
                if buf:
                    raise CodecError(f"extra: '{''.join(buf)}' has no '='")
            else:
                out[key] = "".join(buf)
            key, buf = None, []
        else:
            buf.append(ch)
    if escaped:
        raise CodecError("extra: dangling backslash")
    return out


# -- CSV ---------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV cell that no spreadsheet (Excel, WPS) takes for a formula: `'` before a formula start,
    and before a leading `'` (so that exactly one `'` is taken off again on reading)."""
    return "'" + text if text.startswith(FORMULA_STARTS + ("'",)) else text


def csv_uncell(text: str) -> str:
    """The value of a ledger cell: one escaping `'` off. A line written before cells were escaped
    reads as it always did: only a `'` followed by what `csv_cell` escapes is taken off."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1] in "=+-@\t\r'" else text


def csv_line(record: Record) -> str:
    extra = {k: v for k, v in record.items() if k not in _CSV_SET}
    row = [record.get(c, "") for c in CSV_COLUMNS]
    row[CSV_COLUMNS.index("extra")] = encode_extra(extra)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([csv_cell(cell) for cell in row])
    return buf.getvalue()


def csv_record(line: str) -> Record:
    rows = list(csv.reader([line]))
    if len(rows) != 1 or len(rows[0]) != len(CSV_COLUMNS):
        raise CodecError(f"expected {len(CSV_COLUMNS)} columns")
    row = dict(zip(CSV_COLUMNS, (csv_uncell(cell) for cell in rows[0])))
    record = {k: v for k, v in row.items() if k != "extra" and v != ""}
    for key, value in decode_extra(row["extra"]).items():
        if key in _CSV_SET:
            raise CodecError(f"extra: '{key}' is a column of its own")
        record[key] = value
    return record


# -- TOML (one entry per line) -----------------------------------------------

def _toml_str(text: str) -> str:
    # a JSON string is a TOML basic string, except that TOML also forbids a raw DEL
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_line(record: Record) -> str:
    body = ", ".join(f"{k} = {_toml_str(v)}" for k, v in record.items() if k != "id")
    return f"{record['id']} = {{ {body} }}\n"


def toml_record(line: str) -> Record:
    try:
        data = tomllib.loads(line)
    except tomllib.TOMLDecodeError as exc:
        raise CodecError(f"not a TOML entry line ({exc})") from None
    if len(data) != 1:
        raise CodecError("expected one `ID = { … }` entry")
    (entry_id, body), = data.items()
    if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
        raise CodecError("entry fields must be strings")
    return {"id": entry_id, **body}


# -- JSON lines (format 2) ---------------------------------------------------------------

HASH_DOMAIN_2 = b"rotactl/entry/v2\n"
JSONL_HEADER = '{"rotactl":"ledger","format":2}\n'
HASH_MARK = b',"hash":"'


def jsonl_line(record: Record) -> tuple[str, str]:
    """The line of a record (its `prev` inside, its `hash` ignored) and the line's hash."""
    text = json.dumps({k: v for k, v in record.items() if k != "hash"}, ensure_ascii=False,
                      separators=(",", ":"))[:-1]
    digest = hashlib.sha256(HASH_DOMAIN_2 + text.encode("utf-8")).hexdigest()
    return f'{text},"hash":"{digest}"}}\n', digest


def jsonl_record(line: bytes) -> tuple[Record, str]:
    """A line's record and the hash of its bytes (which `scan` compares with its `hash`)."""
    cut = line.rfind(HASH_MARK)
    if cut < 0 or len(line) != cut + len(HASH_MARK) + 66 or not line.endswith(b'"}'):
        raise CodecError("not a ledger line (it must end in its hash)")
    try:
        record = json.loads(line)
    except ValueError as exc:          # also text that is not UTF-8
        raise CodecError(f"not a JSON entry line ({exc})") from None
    if not isinstance(record, dict) or not all(type(v) is str for v in record.values()):
        raise CodecError("entry fields must be strings")
    if b"\\u" in line:                   # an escaped character: the writer never escapes a control one
        for key, value in record.items():
            why = problem(value) or problem(key)
            if why:
                raise CodecError(f"{key}: {why}")
    return record, hashlib.sha256(HASH_DOMAIN_2 + line[:cut]).hexdigest()


_scan_once = json.JSONDecoder().scan_once      # what json.loads runs, without its wrapping
_HASH_TAIL = len(HASH_MARK) + 66


def jsonl_quick(line: bytes) -> tuple[Record, str] | None:
    """`jsonl_record` for a line as rotactl writes it, or None: then `jsonl_record` decides (and
    words the problem). Only lines that `jsonl_record` takes as they are get an answer here."""
    cut = len(line) - _HASH_TAIL
    if line.rfind(HASH_MARK) != cut or cut < 0 or not line.endswith(b'"}') or not line.startswith(b'{"') \
            or b"\\u" in line:
        return None
    try:
        text = line.decode("utf-8")
        record, end = _scan_once(text, 0)
        "".join(record.values())                # TypeError unless every value is text
    except (ValueError, StopIteration, TypeError, AttributeError):
        return None
    if end != len(text) or type(record) is not dict:
        return None
    return record, hashlib.sha256(HASH_DOMAIN_2 + line[:cut]).hexdigest()


class Codec:
    def __init__(self, suffix: str, header: str, encode, decode):
        self.suffix, self.header, self.encode, self.decode = suffix, header, encode, decode

    def seal(self, prev: str, record: Record) -> str:
        """Give the record its hash (format 1: over its canonical form); returns its line."""
        record["hash"] = entry_hash(prev, record)
        return self.encode(record)


class JsonLines(Codec):
    def seal(self, prev: str, record: Record) -> str:
        line, record["hash"] = jsonl_line(record)
        return line


CSV = Codec(".floor.csv", CSV_HEADER, csv_line, csv_record)
TOML = Codec(".toml", "# rotactl ledger: one entry per line (ID = { fields }); append-only\n",
             toml_line, toml_record)
JSONL = JsonLines(".jsonl", JSONL_HEADER, lambda record: jsonl_line(record)[0], jsonl_record)


def codec_for(path: str) -> Codec:
    return JSONL if path.endswith(".jsonl") else CSV if path.endswith(".floor.csv") else TOML
