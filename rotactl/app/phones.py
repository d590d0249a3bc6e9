"""The office key (`store.keyring`): phones matched and encrypted as they are typed, revealed on
`--reveal`; and what the `key` command shows, exports and installs."""
from __future__ import annotations

import os
from pathlib import Path

from rotactl.core.errors import DomainError
from rotactl.core.phones import PHONE_FIELDS, mask
from rotactl.store import keyring


class Phones:
    def __init__(self, office):
        self.office = office
        self._keys = None

    @property
    def keys(self):
        """This clone's key of the office (refused, clearly, when it has none)."""
        if self._keys is None:
            self._keys = keyring.load(self.office.store.root, self.office.meta)
        return self._keys

    def keys_or_none(self):
        """The key, or None on a clone without it (what reads the office without phones)."""
        try:
            return self.keys
        except DomainError:
            return None

    def identity(self, number: str) -> str:
        """A normalised number as the ledger stores it: an identity made with the key."""
        return self.keys.identity(number)

    def mask_key(self, cc: str, head: str, tail: str) -> str:
        return self.keys.mask_key(cc, head, tail)

    def reveal(self, identity: str) -> str:
        """The full number behind a stored identity (needs the encryption key)."""
        if identity in self.keys.clear:
            return self.keys.clear[identity]
        cipher = self.office.customers.index().cipher(identity)
        if not cipher:
            raise DomainError(f"no encrypted number is stored for {mask(identity)}")
        return self.keys.decrypt(cipher)

    def encrypt(self, record: dict) -> None:
        """The typed numbers this entry names, encrypted beside their identities (for `--reveal`)."""
        if self._keys is None:
            return
        for name in PHONE_FIELDS:
            full = self._keys.clear.get(record.get(name, ""))
            if full:
                record[f"{name}_enc"] = self._keys.encrypt(full)

    # -- the `key` command ---------------------------------------------------------------------
    def describe(self) -> dict:
        """Where this clone's key is and what it can do (never the key itself)."""
        found = self.keys_or_none()
        return {"office": self.office.meta["id"], "key_file": str(keyring.key_path(self.office.meta["id"])),
                "present": found is not None, "match": found is not None,
                "reveal": bool(found and found.encrypt_key)}

    def export(self, match_only: bool) -> str:
        return self.keys.text(match_only)

    def install(self, file: Path) -> dict:
        """A key exported on another machine, checked against this office, then installed (an installed
        key is never replaced)."""
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise DomainError(f"cannot read {file} ({exc.strerror})") from None
        found = keyring.verify(keyring.parse(text, str(file)), self.office.meta, str(file))
        path = keyring.save(found)
        return {"office": self.office.meta["id"], "key_file": str(path), "reveal": found.encrypt_key is not None}


def write_private(path: Path, text: str) -> None:
    """A new file of mode 0600 (an existing one is refused): where an exported key goes."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise DomainError(f"{path} exists: name a new file") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
