"""Output: `json` is the machine contract; `table` (CJK-aware) and `csv` are for people.

Money is `Decimal` (exact yuan, see `rotactl.core.deals`) and prints by format:
- json: a JSON number, exact, never an exponent: `1280000`, `2345678.90` (two decimals when not
  whole). Python's json cannot dump a Decimal: `_dumps` lets a `default` hook turn each one into
  a string carrying a per-run random marker, then replaces each marked string by its bare number.
- table: thousands separators, two decimals when not whole: `1,280,000`, `2,345,678.90`.
- csv: the json number, without separators, so a spreadsheet reads it as a number.
A `Rate` (a fraction 0–1, the report's `conversion`) prints as that fraction in json and csv
(`0.333`) and as a percent in tables (`33.3%`).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from decimal import Decimal
from numbers import Number

from rotactl.core.deals import Rate
from rotactl.ui.words import heading, pair_key, value_word, yes_no

_MOMENT = re.compile(r"\d{4}-(\d{2}-\d{2} \d{2}:\d{2})(:\d{2})?")


def number_text(value: Decimal) -> str:
    """An exact decimal as plain text, never an exponent: a Rate as its fraction (`0.333`, `1`), money
    whole (`1280000`) or with two decimals (`2345678.90`), or more if it has them (never rounded)."""
    if isinstance(value, Rate):
        return format(value.normalize(), "f")
    if value == value.to_integral_value():
        return format(value.to_integral_value(), "f")
    return format(value, ".2f") if value.as_tuple().exponent >= -2 else format(value.normalize(), "f")


def _table_number(value: Decimal) -> str:
    """Money with thousands separators (`1,280,000`, `2,345,678.90`); a Rate as a percent (`33.3%`)."""
    if isinstance(value, Rate):
        return format(value * 100, ".1f") + "%"
    plain = number_text(value)
    whole, dot, frac = plain.partition(".")
    return f"{int(whole):,}" + dot + frac


def _text(value) -> str:
    return _table_number(value) if isinstance(value, Decimal) else str(value)


def _shown(value, zh: bool = True) -> str:
    """A table's or view's cell: `_cell`, with a moment shown the way the floor writes it (11-02 09:05)."""
    if isinstance(value, str):
        match = _MOMENT.fullmatch(value)
        if match:
            return match.group(1)
    return _cell(value, zh)


def _cell(value, zh: bool = True) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return yes_no(value, zh)
    if isinstance(value, Decimal):
        return _table_number(value)
    if isinstance(value, float) and value.is_integer():    # 2.0 deals credited: 2
        return str(int(value))
    if isinstance(value, list):
        return "、".join(_cell(v, zh) if not isinstance(v, dict)
                        else ":".join(_cell(value_word(k, x, zh), zh) for k, x in v.items()) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in value.items())
    return str(value)


def _csv_cell(value) -> str:
    """A `--format csv` cell that Excel/WPS never takes for a formula (SPEC §4.2): text starting with
    `=`, `+`, `-`, `@`, tab or CR gets a leading `'`; numbers stay numbers; no value is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):                 # plain digits: a spreadsheet reads a number
        return number_text(value)
    text = _cell(value)
    if isinstance(value, Number) and not isinstance(value, bool):   # -3 is a number, not a formula
        return text
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def table(rows: list[dict], columns: list[str] | None = None, zh: bool = True) -> str:
    from tabulate import tabulate  # imported where used: keeps start-up light

    if not rows:
        return "(无)" if zh else "(none)"
    columns = columns or list(rows[0])
    headers = [heading(c, zh) for c in columns]
    # cells are our text as is (tabulate would reparse "2345678.90" as 2.34568e+06, or "007" as 7);
    # numeric columns stay right-aligned
    align = ["right" if all(r.get(c) is None or _numeric(r.get(c)) for r in rows)
             and any(_numeric(r.get(c)) for r in rows) else "left" for c in columns]
    return tabulate([[_shown(value_word(c, r.get(c), zh), zh) for c in columns] for r in rows], headers=headers,
                    disable_numparse=True, colalign=align)


def _numeric(value) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def pairs(data: dict, zh: bool = True) -> str:
    from tabulate import tabulate

    return tabulate([[pair_key(k, zh), _shown(value_word(k, v, zh), zh)] for k, v in data.items()], tablefmt="plain",
                    disable_numparse=True)


_MARKER = f"rotactl-number-{os.urandom(8).hex()}:"     # random per run: no stored text can forge it


def _dumps(data, **options) -> str:
    """json.dumps that writes each Decimal as its exact number (`number_text`), never an exponent."""
    marker = _MARKER
    seen = []

    def default(value):
        if isinstance(value, Decimal) and value.is_finite():
            seen.append(True)
            return marker + number_text(value)
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    text = json.dumps(data, ensure_ascii=False, default=default, **options)
    return re.sub(f'"{re.escape(marker)}([0-9.-]+)"', r"\1", text) if seen else text


def _chunk_dumps():
    """`_dumps` for many items, one chunk at a time: one encoder for the whole stream (json.dumps
    builds one a call), the marked numbers replaced once a chunk; the same text as `_dumps` each."""
    marker, seen = _MARKER, []

    def default(value):
        if isinstance(value, Decimal) and value.is_finite():
            seen.append(True)
            return marker + number_text(value)
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    encode = json.JSONEncoder(ensure_ascii=False, default=default).encode
    pattern = re.compile(f'"{re.escape(marker)}([0-9.-]+)"')

    def dumps(chunk) -> str:
        seen.clear()
        text = ",\n".join([encode(item) for item in chunk])
        return pattern.sub(r"\1", text) if seen else text
    return dumps


class Rendered(tuple):
    """A chunk already written out (`render_chunk`, in another process): (rows, text)."""


class CsvText(tuple):
    """A CSV chunk already written out, rows of output cells (text guarded, numbers plain) with their
    line ends: (rows, text) (`log --format csv`)."""


def render_chunk(chunk: list, fmt: str, columns: list[str] | None, zh: bool, dumps) -> Rendered:
    """A chunk's text as `emit_stream` writes it (json: `dumps = _chunk_dumps()`; a table)."""
    if not chunk:
        return Rendered((0, ""))
    return Rendered((len(chunk), dumps(chunk) if fmt == "json" else table(chunk, columns, zh)))


def emit_stream(chunks, fmt: str, columns: list[str] | None, title: str = "", zh: bool = True,
                bom: bool = False) -> None:
    """A long list written as it is produced, one chunk (a day) at a time, so that no output holds all
    history in memory: JSON as one array, CSV as one table (the columns of its first row unless
    given), a table as one block per chunk."""
    out, count, writer = sys.stdout, 0, None
    dumps = _chunk_dumps() if fmt == "json" else None
    if fmt not in ("json", "csv") and title:
        out.write(title + "\n")
    for chunk in chunks:
        if isinstance(chunk, Rendered):         # json or table, written out where it was made
            if chunk[0]:
                out.write(("[\n" if not count else ",\n") + chunk[1] if fmt == "json"
                          else ("\n" if count else "") + chunk[1] + "\n")
                count += chunk[0]
            continue
        if isinstance(chunk, CsvText) and not chunk[0]:
            continue
        if not chunk:
            continue
        if fmt == "csv" and writer is None:
            out.write("\ufeff" if bom else "")
            writer = csv.writer(out, lineterminator="\n")
            columns = columns or list(chunk[0])
            writer.writerow(columns)
        if fmt == "json":
            out.write(("[\n" if not count else ",\n") + dumps(chunk))
        elif isinstance(chunk, CsvText):
            out.write(chunk[1])
            count += chunk[0]
            continue
        elif fmt == "csv":
            writer.writerows([_csv_cell(row.get(c)) for c in columns] for row in chunk)
        else:
            out.write(("\n" if count else "") + table(chunk, columns, zh) + "\n")
        count += len(chunk)
    if fmt == "json":
        out.write("\n]\n" if count else "[]\n")
    elif fmt != "csv" and not count:
        out.write(("(无)" if zh else "(none)") + "\n")


def emit(data, fmt: str, columns: list[str] | None = None, title: str = "", zh: bool = True,
         bom: bool = False) -> None:
    if fmt == "json":
        if isinstance(data, list):   # one element per line: readable, and the C encoder for long lists
            body = ",\n".join(_dumps(item) for item in data)
            sys.stdout.write(f"[\n{body}\n]\n" if data else "[]\n")
        else:
            sys.stdout.write(_dumps(data, indent=1) + "\n")
        return
    if fmt == "csv":
        rows = data if isinstance(data, list) else [data]
        buf = io.StringIO()
        if rows:
            cols = columns or list(rows[0])
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(cols)
            for row in rows:
                writer.writerow([_csv_cell(row.get(c)) for c in cols])
        sys.stdout.write(("\ufeff" if bom else "") + buf.getvalue())
        return
    if title:
        sys.stdout.write(title + "\n")
    text = table(data, columns, zh) if isinstance(data, list) else pairs(data, zh)
    sys.stdout.write(text + "\n")
