"""Checks of what is derived or converted: the month indexes (rebuilt and compared), and the
signatures made before `migrate` (verified over the format-1 record)."""
from __future__ import annotations

from collections.abc import Iterator

from rotactl.core.errors import DomainError
from rotactl.store.files import CHECKPOINTS, checkpoint_hash


def signed_before_migration(record: dict, keys) -> dict:
    """The format-1 record an entry's `sig_v1` was made over: its numbers decrypted (needs the key)."""
    if keys is None:
        raise DomainError("its signature can be verified only with the office key (`rotactl key import`)")
    out = {k: v for k, v in record.items() if not k.endswith("_enc") and k != "sig_v1"}
    for name, value in record.items():
        if name.endswith("_enc") and out.get(name[:-4]):
            out[name[:-4]] = keys.decrypt(value)
    out["sig"] = record["sig_v1"]
    return out


def check_month_indexes(ledger) -> Iterator[str]:
    """Every month index is named by the hash of its bytes, and the one in force for a month is
    exactly what its sealed days give (a forged index could hide a customer's facts)."""
    from rotactl.store import months
    from rotactl.store.index import month_keys

    base = ledger.store.root / CHECKPOINTS
    verified = set(ledger.prior.get("months", []))
    ledger.after.setdefault("months", [])
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        if ledger.month and folder.name != ledger.month:
            continue
        found = sorted(p for p in folder.iterdir() if p.name.startswith(months.PREFIX))
        ledger.after["months"] += [p.name for p in found]
        if found and {p.name for p in found} <= verified:
            continue                        # rebuilt and compared by an earlier check, unchanged since
        for path in found:
            rel = path.relative_to(ledger.store.root).as_posix()
            parts = path.name.split(".")
            named = len(parts) == 4 and path.name.endswith(months.SUFFIX)
            if not named or parts[2] != checkpoint_hash(path.read_bytes()):
                yield f"{rel}:1: month index does not match its name (edited?)"
        current = months.in_force(ledger.store, folder.name) if found else None
        if current is not None and current.read_text(encoding="utf-8") != months.build(
                ledger.store, folder.name, month_keys):
            yield f"{current.relative_to(ledger.store.root).as_posix()}:1: month index differs from the ledger"
