"""Typed entries ↔ ledger records: the only code that knows how a value is spelt on disk.

A ledger record is a flat mapping of field name to text (empty = absent). Each
typed entry field is spelt by its type: a bool as "1" (`counted` also as "0"),
an int as digits, skipped people as `staff:outcome:rule|…`, a list of ids as
`a,b`, an award as `party=pct|…`; `Penalty.start` is the field `from`.
"""
from __future__ import annotations

import functools

from rotactl.core.entries import KINDS, Entry, Skip
from rotactl.core.errors import LedgerError

ALIASES = {"start": "from"}
ALWAYS = frozenset({"counted"})        # bools written as "1"/"0" rather than "1"/absent
CHAIN_FIELDS = frozenset({"writer", "prev", "hash"})


def _skips(text: str) -> tuple[Skip, ...]:
    out = []
    for part in filter(None, text.split("|")):
        staff, outcome, rule = part.split(":")
        out.append(Skip(staff, outcome, rule))
    return tuple(out)


def _award(text: str) -> dict[str, int]:
    out = {}
    for part in filter(None, text.split("|")):
        party, _sep, pct = part.rpartition("=")
        out[party] = int(pct)
    return out


DECODE = {
    "str": str, "bool": lambda t: t == "1", "int": lambda t: int(t) if t else 0,
    "tuple[Skip, ...]": _skips, "tuple[str, ...]": lambda t: tuple(filter(None, t.split(","))),
    "dict": _award,
}
ENCODE = {
    "str": str, "bool": lambda v: "1" if v else "", "int": lambda v: str(v) if v else "",
    "tuple[Skip, ...]": lambda v: "|".join(f"{s.staff}:{s.outcome}:{s.rule}" for s in v),
    "tuple[str, ...]": ",".join,
    "dict": lambda v: "|".join(f"{party}={pct}" for party, pct in v.items()),
}


@functools.cache
def _spec(cls: type[Entry]) -> tuple[tuple[str, str, str], ...]:
    """(attribute, record key, type name) for each stored field of a class."""
    return tuple((name, ALIASES.get(name, name), kind) for name, kind in cls.FIELDS if name != "where")


@functools.cache
def _plan(cls: type[Entry]) -> tuple[dict[str, str], tuple, bool]:
    """How to decode a class: record key -> attribute, the attributes that are not plain text, and
    whether every key is its attribute's name."""
    spec = _spec(cls)
    keys = {key: name for name, key, _kind in spec}
    return keys, tuple((name, DECODE[kind]) for name, _k, kind in spec if kind != "str"), \
        all(key == name for key, name in keys.items())


def decode(record: dict, where: str = "", owned: bool = False) -> Entry:
    """A typed entry from a ledger record; a record that does not fit its kind is a ledger problem.
    `owned`: the caller hands the dict over (the index's freshly parsed rows), so it may be reused."""
    cls = KINDS.get(record.get("kind", ""), Entry)
    keys, typed, same_names = _plan(cls)
    if owned and same_names and record.keys() <= keys.keys():
        values = record
    else:
        values = {keys[key]: text for key, text in record.items() if key in keys}
    try:
        for name, convert in typed:
            if name in values:
                values[name] = convert(values[name])
        missing = cls.REQUIRED - values.keys()
        if missing:
            raise TypeError(f"missing {', '.join(sorted(missing))}")
    except (TypeError, ValueError) as exc:
        raise LedgerError([f"{where or record.get('id', '?')}: entry {record.get('id')} "
                           f"({record.get('kind')}) does not fit its kind ({exc})"]) from None
    values["where"] = where
    return cls.trusted(values)


def encode(entry: Entry) -> dict[str, str]:
    """The ledger record of a typed entry (without the chain fields the store adds)."""
    out: dict[str, str] = {}
    for name, key, kind in _spec(type(entry)):
        value = getattr(entry, name)
        text = ("1" if value else "0") if name in ALWAYS else ENCODE[kind](value)
        if text:
            out[key] = text
    return out
