"""The writer: entries appended in one write under the office's lock, signed where the policy says,
and committed before the command reports success."""
from __future__ import annotations

import os

from rotactl.core.dates import day_of, minute_of
from rotactl.core.entries import Entry
from rotactl.core.errors import DomainError
from rotactl.core.replay import RECEPTION_KINDS, backdated
from rotactl.store import records
from rotactl.store.files import partition


class Writer:
    def __init__(self, office):
        self.office = office
        self.store, self.policy = office.store, office.policy

    def new_id(self, at: str, kind: str) -> str:
        return self.store.new_id(at, kind)

    def ordered(self, entries: list[Entry], at: str) -> list[Entry]:
        """SPEC §4.2 (time): a turn-deciding entry dated before the day's latest turn decision (or
        any on a later open day) is refused — the decisions taken since were taken in a state it
        would change."""
        floor = self.office.floor
        later_days = [e for day in self.store.days(after=day_of(at)) for e in floor.entries(day)]
        later = backdated(floor.entries(day_of(at)) + later_days, entries)
        if later is not None:
            raise DomainError(f"{minute_of(at)} is before {later.kind} {later.id} at {minute_of(later.at)}, a turn "
                              f"decided since: a back-dated {entries[0].kind} would change it; record it at "
                              f"{minute_of(later.at)} or later")
        return entries

    def write(self, entries: list[Entry], command: str = "", actor: str = "", sign: bool = False,
              also: dict[str, str] | None = None) -> list[str]:
        """Append typed entries in one write (the caller holds the lock); in a git office, commit
        them before returning. Each reception records `after`, the reception decided before it that
        day, so that two clones which gave out the same turn are found (check: clone conflict).
        `also`: files the entries describe (`policy set`), written after them."""
        out, last = [], None
        for entry in entries:
            record = records.encode(entry) | {"kind": entry.kind}
            if entry.kind in RECEPTION_KINDS:
                if last is None:
                    last = max(((x.at, x.id) for x in self.store.read_day(day_of(entry.at))
                                if x.kind in RECEPTION_KINDS), default=("", ""))[1]
                record["after"] = last or "-"
                last = entry.id
            self.office.phones.encrypt(record)
            out.append(record)
        if sign and self.policy.office.signed_manager_entries:
            _sign(out)
        if command:
            self.ready_to_commit()
        written = self.store.append(out)
        paths = sorted({partition(r["at"], r["kind"]) for r in written})
        for rel, text in (also or {}).items():
            self.store.write_whole(self.store.root / rel, text)
            paths.append(rel)
        if command:
            self.commit(paths, f"{command}: {', '.join(r['id'] for r in written)} by {actor}")
        return paths

    def ready_to_commit(self) -> None:
        """Refuse before writing anything when git could not commit it (a git lock file left by a
        running or killed git command): an acknowledged entry is a committed one."""
        from rotactl.store import git

        if git.is_repo(self.store.root) and (lock := git.busy(self.store.root)):
            raise DomainError(f"git is busy ({lock} exists): nothing was written; if no git command is running, "
                              f"it was left by one that was interrupted: remove {lock} and try again")

    def commit(self, paths: list[str], message: str) -> None:
        """In a git office, commit these paths now; refused (exit 1) if git cannot."""
        from rotactl.store import git

        if git.is_repo(self.store.root):
            git.commit(self.store.root, paths, message, new=self.store.created)


def _sign(records_: list[dict]) -> None:
    """SPEC §4.1: a manager-only entry carries an SSH signature by the key in $ROTACTL_SIGNING_KEY
    (a private key file, or the .pub of a key held by ssh-agent)."""
    from rotactl.store import signing

    key = os.environ.get("ROTACTL_SIGNING_KEY", "")
    if not key:
        raise DomainError("this office signs manager entries ([office] signed_manager_entries): set "
                          "ROTACTL_SIGNING_KEY to your SSH key file (or its .pub with the key in ssh-agent)")
    for record in records_:
        try:
            record["sig"] = signing.sign(signing.payload(record), os.path.expanduser(key))
        except signing.SigningError as exc:
            raise DomainError(f"cannot sign the entry: {exc}") from None
