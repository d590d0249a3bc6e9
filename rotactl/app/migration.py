"""`rotactl migrate OLD NEW`: an office of ledger format 1 or 2 converted into a new office of the
current format (3), and the proof that the new one replays to the very same floor, owners,
disputes, reports and next-up.

Nothing in OLD changes. NEW is built in a sibling folder and renamed into place
only once the proof holds, so a failed migration leaves no half office. Every
entry keeps its id, time, kind, actor, writer and fields; what changes is the
line format (one CSV file a day, each line's hash over its own bytes, the chains
rebuilt), amounts spelt with two decimals, and, from format 1, the phones
(identities made with NEW's key, the number encrypted beside them). From format 2
NEW keeps OLD's office id and key: its phones are already identities, so every
signature made in OLD verifies in NEW as it is.

The proof, each step a refusal if it fails:
* OLD passes `check` (a migration must not launder an edited ledger into fresh hashes);
* NEW holds exactly OLD's entry ids;
* every day OLD sealed is sealed again in NEW, with the same voids applied, and
  NEW's carried state equals OLD's checkpoint (which `check` proved equal to OLD's replay);
* every open day replays to the same end-of-day state, and the next-up of each queue
  after the last entry is the same;
* `report month` of every month gives the same rows;
* every customer has the same owner, protection and group, and every customer group
  that a deal, claim or report-in touches the same disputes (ids, proposals, rules,
  status, closer) and deal credits;
* NEW passes `check`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rotactl.app.office import Office
from rotactl.core.dates import month_of
from rotactl.core.errors import DomainError
from rotactl.core.phones import PHONE_FIELDS
from rotactl.store import codecs
from rotactl.store import keyring as keys_mod
from rotactl.store.files import DAY_END_WRITER, partition


def migrate(old_root: Path, new_root: Path, match_key: str | None, git: bool) -> dict:
    from rotactl.app.create import create_office
    from rotactl.store.check_run import run as check

    old = Office(old_root, legacy=True)
    fmt = old.meta.get("format", 1)
    if fmt == keys_mod.FORMAT:
        raise DomainError(f"{old_root} is already in ledger format {keys_mod.FORMAT}")
    if fmt not in (1, 2):
        raise DomainError(f"{old_root} is in ledger format {fmt!r}, which this version of rotactl cannot convert")
    if fmt == 2 and match_key:
        raise DomainError("--match-key: an office of format 2 keeps its own key (its phones are matched with it)")
    if new_root.exists() and any(new_root.iterdir()):
        raise DomainError(f"{new_root} is not empty: name a new directory")
    old_keys = old.phones.keys_or_none() if fmt == 2 else None
    _count, problems = check(old.store, old.policy, legacy=fmt, keys=old_keys)
    if problems:
        more = " …" if len(problems) > 1 else ""
        raise DomainError(f"{old_root} does not pass `rotactl check` ({problems[0]}{more}); mend it first: "
                          "nothing was migrated")
    work = new_root.with_name(f".{new_root.name}.migrating")
    shutil.rmtree(work, ignore_errors=True)
    policy_text = old.store.policy_path.read_text(encoding="utf-8")
    try:
        create_office(work, "default", None, None, False, match_key, policy_text=policy_text,
                      identity=old.meta if fmt == 2 else None)
        new = Office(work)
        keys = new.phones.keys if fmt == 1 else old_keys
        entries = _convert(old, new, keys if fmt == 1 else None)
        phone_map = dict(_mapping(keys)) if fmt == 1 else \
            {p: p for e in entries for f in PHONE_FIELDS if (p := e.get(f))}
        # the proof: ids, sealed days, open days and next-up, reports, owners and disputes
        sealed = _same_ids_and_days(old, new, entries, old_root)
        at = max((e["at"] for e in entries), default="0000-00-00 00:00:00")
        _same_floor_and_reports(old, new, at, phone_map)
        groups = _same_disputes(old, new, at, phone_map)
        _count, problems = check(new.store, new.policy, keys=keys)
        if problems:
            raise DomainError(f"the migrated office does not pass `rotactl check` ({problems[0]})")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    os.rename(work, new_root)
    if git:
        from rotactl.store import git as git_mod

        subprocess.run(["git", "init", "-q", str(new_root)], check=True, capture_output=True)
        git_mod.commit_all(new_root, f"migrate: {len(entries)} entries from ledger format {fmt} ({old_root.name})")
    return {"office": str(new_root), "id": new.meta["id"], "from_format": fmt, "format": keys_mod.FORMAT,
            "entries": len(entries), "days": len(old.store.days()), "sealed_days": len(sealed),
            "customer_groups": groups, "key_file": str(keys_mod.key_path(new.meta["id"]))}


def _same_ids_and_days(old: Office, new: Office, entries: list[dict], old_root: Path) -> list[str]:
    """NEW holds OLD's entry ids; every day OLD sealed is sealed again in NEW with the same voids, to
    OLD's carried state; every open day replays alike. Returns the days sealed."""
    from rotactl.app import rollover
    from rotactl.core.replay import end_day
    from rotactl.core.state import Carry

    if sorted(e["id"] for e in entries) != sorted(x.id for d in old.store.days() for x in old.store.read_day(d)):
        raise DomainError("the migrated office does not hold exactly the entry ids of the old one")
    carry, sealed = Carry(), old.store.sealed_days()
    paths: list[str] = []
    for date in sealed:
        before = old.store.read_checkpoint(date)
        carry = rollover.seal(new, carry, date, set(before.get("voided", [])), before.get("generation", 0), paths)
        if carry.to_dict() != before.get("state"):
            raise DomainError(f"{date}: the migrated ledger carries another state than {old_root}'s checkpoint")
    for date in old.store.days(after=sealed[-1] if sealed else ""):
        if end_day(old.floor.full_day(date)).to_dict() != end_day(new.floor.full_day(date)).to_dict():
            raise DomainError(f"{date}: the migrated day replays differently")
    return sealed


def _convert(old: Office, new: Office, keys) -> list[dict]:
    """Write every entry of OLD into NEW's day files (`keys`: format 1's phones made identities with
    them); returns the records written."""
    written = []
    for date in old.store.days():
        lines = sorted(old.store.read_day(date), key=lambda x: (x.at, x.id))
        heads: dict[str, str] = {}
        text = []
        for line in lines:
            record = dict(line.record)
            if keys is not None:
                record = _private(record, keys)
            if record.get("amount"):
                record["amount"] = _amount(record)
            writer = record["writer"]
            prev = "" if writer == DAY_END_WRITER else heads.get(writer, "")
            record.pop("prev", None)
            record.pop("hash", None)
            if prev:
                record["prev"] = prev
            try:
                text.append(codecs.LEDGER.seal(prev, record))
            except codecs.CodecError as exc:
                raise DomainError(f"{line.path}:{line.line}: entry {line.id} cannot be converted: {exc}") from None
            heads[writer] = record["hash"]
            written.append(record)
        rel = partition(date)
        new.store.write_whole(new.store.root / rel, codecs.LEDGER.header + "".join(text))
    return written


def _amount(record: dict) -> str:
    from rotactl.core.deals import amount_text

    try:
        return amount_text(Decimal(record["amount"]))
    except InvalidOperation:
        raise DomainError(f"entry {record['id']}: amount {record['amount']!r} is not a number of yuan") from None


def _private(record: dict, keys) -> dict:
    """A format-1 record with its numbers as formats 2 and 3 store them."""
    changed = False
    for name in PHONE_FIELDS:
        full = record.get(name)
        if full:
            record[name] = keys.identity(full)
            record[f"{name}_enc"] = keys.encrypt(full)
            changed = True
    for name in codecs.PROSE_FIELDS & record.keys():      # a number typed into a note: masked
        masked = codecs.mask_text(record[name])
        changed = changed or masked != record[name]
        record[name] = masked
    mask = record.get("mask")
    if mask:
        cc, _sep, digits = mask.partition(" ")
        head, tail = digits.split("*", 1)[0], digits.rsplit("*", 1)[-1]
        record["mask"] = keys.mask_key(cc, head, tail)
        changed = changed or record["mask"] != mask
    if changed and record.get("sig"):       # its signature was made over the format-1 record
        record["sig_v1"] = record.pop("sig")
    return record


def _mapping(keys):
    return ((full, identity) for identity, full in keys.clear.items())


def _same_floor_and_reports(old: Office, new: Office, at: str, phone_map: dict) -> None:
    """The next-up of each queue after the last entry, and `report month` of every month, the same."""
    from rotactl.app.reports import gather
    from rotactl.core.rotation import next_view

    for queue in ("visit", "call"):
        before, after = next_view(old.floor.day(at), queue, at), next_view(new.floor.day(at), queue, at)
        if before != after:
            raise DomainError(f"the migrated office has another next-up for {queue}s ({before['next']} before, "
                              f"{after['next']} after)")
    for month in sorted({month_of(d) for d in old.store.days()}):
        last = max(d for d in old.store.days() if month_of(d) == month)
        before = _mapped(gather(old, "month", last, at), phone_map)
        if before != _mapped(gather(new, "month", last, at), {}):
            raise DomainError(f"report month of {month} differs in the migrated office")


def _mapped(value, phone_map: dict):
    """A value with every phone in it as the migrated office writes it, as JSON text (to compare)."""
    def walk(item):
        if isinstance(item, Decimal):        # 1280000 (format 2) and 1280000.00 (format 3) are one amount
            return format(item.normalize(), "f")
        if isinstance(item, str):
            return phone_map.get(item, item)
        if isinstance(item, dict):
            return {walk(k): walk(v) for k, v in item.items()}
        if isinstance(item, (list, tuple, set)):
            return [walk(v) for v in item]
        return item
    return json.dumps(walk(value), sort_keys=True, default=str)


def _same_disputes(old: Office, new: Office, at: str, phone_map: dict) -> int:
    """Every customer: the same owner and protection; every analysed group: the same disputes and
    deal credits. Returns how many customers were compared."""
    from rotactl.core import attribution

    def view(office: Office, phones, mapping) -> list[str]:
        carry = office.floor.day(at).carry
        out = [_mapped([a.disputes, a.credits], mapping) for a in office.customers.analyses(at, carry)]
        for phone in phones:
            group = office.customers.group(phone, at, carry)
            att = attribution.attribute(group.records, office.policy, at, group.departed)
            out.append(_mapped([phone, att.owner, att.protected_until, sorted(group.members)], mapping))
        return sorted(out)

    customers = sorted(phone_map)
    before = view(old, customers, phone_map)
    after = view(new, [phone_map[p] for p in customers], {})
    if before != after:
        first = next(i for i, (x, y) in enumerate(zip(before + [""], after + [""])) if x != y)
        raise DomainError(f"the migrated office attributes customers differently (first difference: "
                          f"{(before + [''])[first][:120]!r})")
    return len(customers)
