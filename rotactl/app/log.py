"""What `log` reads: the days from a date on, each day's entries in (time, id) order — as records
(the JSON contract and the table) or, for `--format csv`, as the ledger's own verified cells,
without making a record — and the map over days that uses a second process when it pays."""
from __future__ import annotations

import csv
import io
from operator import itemgetter

from rotactl.core import dates
from rotactl.core.phones import PHONE_FIELDS
from rotactl.store import codecs
from rotactl.store.forked import ordered_map

SHOWN = codecs.SHOWN          # the columns of `log --format csv` (the ledger's, less `after` and what follows)
_AT, _ID = codecs.COLUMNS.index("at"), codecs.COLUMNS.index("id")
_PHONES = [codecs.COLUMNS.index(c) for c in (*PHONE_FIELDS, "mask")]


def days_from(office, start: str) -> list[str]:
    return office.store.days(after=dates.prev_day(start))


def records_of(office, day: str, kind: str | None) -> list[dict]:
    """A day's ledger records in (time, id) order (an entry lives in the file of its day, so the days
    in order are the whole in order); the day's files are let go once read."""
    store = office.store
    out = [line.record for line in sorted(store.read_day(day), key=lambda x: (x.record["at"], x.id))
           if not kind or line.record["kind"] == kind]
    store.forget()
    return out


def csv_of(office, day: str, kind: str | None, voided: set, shown) -> tuple[int, str]:
    """(rows, CSV text) of a day's entries from the ledger's verified cells, in (time, id) order:
    the columns of `SHOWN`, each phone as `shown(stored)` gives it, and `void` 1 for a voided entry."""
    rows, plain = [], True
    for rel in office.store.day_files(day):
        found, simple = office.store.rows(rel)
        rows += found
        plain = plain and simple
    rows.sort(key=itemgetter(_AT, _ID))
    width, masks, out = len(SHOWN), {}, []
    for row in rows:
        if kind and row[2] != kind:
            continue
        cells = row[:width]
        for i in _PHONES:
            stored = cells[i]
            if stored:
                as_shown = masks.get(stored)
                if as_shown is None:
                    as_shown = masks[stored] = shown(stored[1:] if stored[0] == "'" else stored)
                cells[i] = as_shown
        cells.append("1" if row[0] in voided else "")
        out.append(cells)
    if plain:                               # no cell holds a comma or a quote: the cells are the CSV
        return len(out), "".join(",".join(cells) + "\n" for cells in out)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(out)
    return len(out), buf.getvalue()


def each_day(fn, days: list[str]):
    """`map(fn, days)`, every other day worked out in a forked process when the pass is long enough."""
    return ordered_map(fn, days, least=14)
