"""`rotactl migrate OLD NEW`: a format-1 office converted into a new format-2 office, and the proof
that the new one replays to the very same floor, owners and disputes.

Nothing in OLD changes. NEW is built in a sibling folder and renamed into place
only once the proof holds, so a failed migration leaves no half office. Every
entry keeps its id, time, kind, actor, writer and fields; what changes is the
line format (one JSON-lines file a day, each line's hash over its own bytes) and
the phones (identities made with NEW's key, the number encrypted beside them).

The proof, each step a refusal if it fails:
* OLD passes `check` (a migration must not launder an edited ledger into fresh hashes);
* every day OLD sealed is sealed again in NEW, with the same voids applied, and
  NEW's carried state equals OLD's checkpoint (which `check` proved equal to OLD's replay);
* every open day replays to the same end-of-day state;
* every customer group that a deal, claim or report-in touches has the same
  disputes (ids, proposals, rules, status, closer) and the same owner.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from rotactl import keys as keys_mod
from rotactl.errors import DomainError
from rotactl.core.phones import PHONE_FIELDS
from rotactl.office import Office
from rotactl.store import codecs
from rotactl.store.files import DAY_END_WRITER, partition


def migrate(old_root: Path, new_root: Path, match_key: str | None, git: bool) -> dict:
    from rotactl.commands.day import create_office
    from rotactl.core.replay import end_day
    from rotactl.core.state import Carry
    from rotactl.store.check import run as check

    old = Office(old_root, legacy=True)
    if old.meta.get("format") == keys_mod.FORMAT:
        raise DomainError(f"{old_root} is already in ledger format {keys_mod.FORMAT}")
    if new_root.exists() and any(new_root.iterdir()):
        raise DomainError(f"{new_root} is not empty: name a new directory")
    _count, problems = check(old.store, old.policy, legacy=True)
    if problems:
        raise DomainError(f"{old_root} does not pass `rotactl check` ({problems[0]}{' …' if len(problems) > 1 else ''});"
                          " mend it first: nothing was migrated")
    work = new_root.with_name(f".{new_root.name}.migrating")
    shutil.rmtree(work, ignore_errors=True)
    policy_text = old.store.policy_path.read_text(encoding="utf-8")
    try:
        create_office(work, "default", None, None, False, match_key, policy_text=policy_text)
        new = Office(work)
        keys = new.keys
        entries = _convert(old, new, keys)
        phone_map = dict(_mapping(keys))
        # the proof: sealed days, open days, owners and disputes
        carry, sealed = Carry(), old.store.sealed_days()
        paths: list[str] = []
        for date in sealed:
            before = old.store.read_checkpoint(date)
            carry = new._seal(carry, date, set(before.get("voided", [])), before.get("generation", 0), paths)
            if carry.to_dict() != before.get("state"):
                raise DomainError(f"{date}: the migrated ledger carries another state than {old_root}'s checkpoint")
        for date in old.store.days(after=sealed[-1] if sealed else ""):
            if end_day(old.full_day(date)).to_dict() != end_day(new.full_day(date)).to_dict():
                raise DomainError(f"{date}: the migrated day replays differently")
        at = max((e["at"] for e in entries), default="0000-00-00 00:00:00")
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
        git_mod.commit_all(new_root, f"migrate: {len(entries)} entries from ledger format 1 ({old_root.name})")
    return {"office": str(new_root), "id": new.meta["id"], "entries": len(entries), "days": len(old.store.days()),
            "sealed_days": len(sealed), "customer_groups": groups, "key_file": str(keys_mod.key_path(new.meta["id"]))}


def _convert(old: Office, new: Office, keys) -> list[dict]:
    """Write every entry of OLD into NEW's day files, phones replaced; returns the records written."""
    written = []
    for date in old.store.days():
        lines = sorted(old.store.read_day(date), key=lambda x: (x.at, x.id))
        heads: dict[str, str] = {}
        text = []
        for line in lines:
            record = _private(dict(line.record), keys)
            writer = record["writer"]
            prev = "" if writer == DAY_END_WRITER else heads.get(writer, "")
            record.pop("prev", None)
            record.pop("hash", None)
            if prev:
                record["prev"] = prev
            text.append(codecs.JSONL.seal(prev, record))
            heads[writer] = record["hash"]
            written.append(record)
        rel = partition(date)
        new.store.write_whole(new.store.root / rel, codecs.JSONL.header + "".join(text))
    return written


def _private(record: dict, keys) -> dict:
    """A format-1 record with its numbers as format 2 stores them."""
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


def _same_disputes(old: Office, new: Office, at: str, phone_map: dict) -> int:
    """Every customer: the same owner and protection; every analysed group: the same disputes and
    deal credits. Returns how many customers were compared."""
    from rotactl.core import attribution

    def mapped(value):
        if isinstance(value, str):
            return phone_map.get(value, value)
        if isinstance(value, dict):
            return {mapped(k): mapped(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set)):
            return [mapped(v) for v in value]
        return value

    def view(office: Office, phones) -> list[str]:
        carry = office.day(at).carry
        out = [json.dumps(mapped([a.disputes, a.credits]), sort_keys=True, default=str)
               for a in office.analyses(at, carry)]
        for phone in phones:
            group = office.group(phone, at, carry)
            att = attribution.attribute(group.records, office.policy, at, group.departed)
            out.append(json.dumps(mapped([phone, att.owner, att.protected_until, sorted(group.members)]),
                                  sort_keys=True, default=str))
        return sorted(out)

    customers = sorted(phone_map)
    before = view(old, customers)
    after = view(new, [phone_map[p] for p in customers])
    if before != after:
        first = next(i for i, (x, y) in enumerate(zip(before + [""], after + [""])) if x != y)
        raise DomainError(f"the migrated office attributes customers differently (first difference: "
                          f"{(before + [''])[first][:120]!r})")
    return len(customers)
