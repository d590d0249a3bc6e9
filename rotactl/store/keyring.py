"""An office's phone keys (ledger formats 2 and 3): kept outside the repository, never committed.

A phone is written to the ledger as an *identity*: its display mask, a keyed hash
for equality and, for an 11-digit number, a keyed hash of its "first 4 + last 5"
mask (so that a masked report-in still finds it):

    +86 139****0001~<24 base32: HMAC(match key, phone)>~<8 base32: HMAC(match key, 4+5 mask)>

and, on the entry that brought the number in, the full number encrypted
(AES-256-GCM, field `phone_enc` etc.) for `--reveal`. Base32 (a-z, 2-7) has no
1, so no token can ever read as a mobile number.

Two keys, kept apart: the *matching* key (HMAC) may be shared by a group of
offices — sister projects of one developer recognise a customer across them —
and the *encryption* key stays with one office: sharing the matching key does
not share the means to read the numbers.

Key file: `$ROTACTL_KEY`, else `$XDG_CONFIG_HOME/rotactl/OFFICE-ID.key` (default
`~/.config/rotactl/`), mode 0600. The office records a check value of each key
(`office.toml`), so a wrong key is refused instead of silently matching nothing.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tomllib
from pathlib import Path

from rotactl.core.errors import DomainError
from rotactl.core.phones import display_digits

OFFICE_FILE = "office.toml"
FORMAT = 3          # the ledger format this version reads and writes (`store.codecs.FORMAT`)
_AAD = b"rotactl/phone/v1"


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=").lower()


def unb32(text: str) -> bytes:
    return base64.b32decode(text.upper() + "=" * (-len(text) % 8))


def key_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "rotactl"


def key_path(office_id: str) -> Path:
    return Path(os.environ["ROTACTL_KEY"]) if os.environ.get("ROTACTL_KEY") else key_dir() / f"{office_id}.key"


def check_value(key: bytes, what: str) -> str:
    return hmac.new(key, f"rotactl/key-check/{what}".encode(), hashlib.sha256).hexdigest()[:16]


class Keys:
    """The matching key (always) and the encryption key (None in a match-only key file)."""

    def __init__(self, office: str, match: bytes, encrypt: bytes | None):
        self.office, self.match, self.encrypt_key = office, match, encrypt
        self.clear: dict[str, str] = {}       # identity -> full number, for what this process typed

    # -- matching ----------------------------------------------------------------
    def _tag(self, domain: bytes, text: str, size: int) -> str:
        return b32(hmac.new(self.match, domain + text.encode(), hashlib.sha256).digest()[:size])

    def identity(self, full: str) -> str:
        """The stored form of a full number "+86 13900000001"."""
        cc, _sep, digits = full.partition(" ")
        token = self._tag(b"rotactl/phone\n", full, 15)
        out = f"{cc} {display_digits(digits)}~{token}"
        if len(digits) == 11:
            out += "~" + self._mask45(cc, digits[:4], digits[-5:])
        self.clear[out] = full
        return out

    def _mask45(self, cc: str, head: str, tail: str) -> str:
        return self._tag(b"rotactl/mask45\n", f"{cc} {head}**{tail}", 5)

    def mask_key(self, cc: str, head: str, tail: str) -> str:
        """The matching key of a masked report-in: 3+4 as it is shown ("+86 139****0001"), 4+5 as
        the shown 3+4 form with its keyed hash ("+86 139****0001#<8>")."""
        shown = f"{cc} {head[:3]}****{tail[-4:]}"
        return shown if len(head) == 3 else f"{shown}#{self._mask45(cc, head, tail)}"

    # -- encryption ----------------------------------------------------------------
    def _aead(self):
        if self.encrypt_key is None:
            raise DomainError(f"this clone holds only the matching key of office {self.office}: phones can be "
                              "matched but neither written nor revealed; import the full key with "
                              "`rotactl key import FILE`")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self.encrypt_key)

    def encrypt(self, full: str) -> str:
        """The full number, encrypted; deterministic (the nonce is a keyed hash of the number), so
        the same number gives the same bytes in every entry and every clone."""
        nonce = hmac.new(self.encrypt_key or b"", b"rotactl/nonce\n" + full.encode(), hashlib.sha256).digest()[:12]
        return b32(nonce + self._aead().encrypt(nonce, full.encode(), _AAD))

    def decrypt(self, token: str) -> str:
        from cryptography.exceptions import InvalidTag

        aead = self._aead()
        try:
            data = unb32(token)
            return aead.decrypt(data[:12], data[12:], _AAD).decode()
        except (InvalidTag, ValueError):
            raise DomainError(f"a stored phone does not decrypt with this clone's key of office {self.office} "
                              "(another office's key?)") from None

    # -- the key file ----------------------------------------------------------------
    def text(self, match_only: bool = False) -> str:
        lines = [f"# rotactl key of office {self.office}. Keep it secret and out of every repository.",
                 "# match: phone equality (may be shared by a group of offices); "
                 "encrypt: reads the full numbers (this office only).",
                 f'office = "{self.office}"', f'match = "{b32(self.match)}"']
        if self.encrypt_key is not None and not match_only:
            lines.append(f'encrypt = "{b32(self.encrypt_key)}"')
        return "\n".join(lines) + "\n"

    def checks(self) -> dict[str, str]:
        out = {"match_check": check_value(self.match, "match")}
        if self.encrypt_key is not None:
            out["encrypt_check"] = check_value(self.encrypt_key, "encrypt")
        return out


def parse(text: str, where: str) -> Keys:
    try:
        data = tomllib.loads(text)
        return Keys(str(data["office"]), unb32(data["match"]),
                    unb32(data["encrypt"]) if data.get("encrypt") else None)
    except (tomllib.TOMLDecodeError, KeyError, ValueError, TypeError) as exc:
        raise DomainError(f"{where}: not a rotactl key file ({exc})") from None


def new(office: str, match: bytes | None = None) -> Keys:
    return Keys(office, match or secrets.token_bytes(32), secrets.token_bytes(32))


def save(keys: Keys, path: Path | None = None) -> Path:
    """Write the key file (mode 0600, its folder 0700); an existing different key is never replaced."""
    path = path or key_path(keys.office)
    if path.exists():
        if path.read_text(encoding="utf-8") == keys.text():
            return path
        raise DomainError(f"{path} already holds a key: move it away first (it may be the only copy)")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(keys.text())
        handle.flush()
        os.fsync(handle.fileno())
    return path


def read_office(root: Path) -> dict:
    """The office's identity file (`office.toml`); {} for a format-1 office, which has none."""
    path = root / OFFICE_FILE
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DomainError(f"{OFFICE_FILE}:1: unreadable ({exc})") from None


def office_text(office_id: str, keys: Keys | dict) -> str:
    """`office.toml`: the format, the office id, and the check values of its key (`keys`: the key, or
    the check values an office of an older format recorded, which `migrate` keeps)."""
    checks = keys.checks() if isinstance(keys, Keys) else keys
    return (f"# rotactl office identity, written by `rotactl init`; do not edit.\n"
            f"# format: the ledger format (docs/ledger-format.md). The checks prove a key file is this office's;\n"
            f"# the keys themselves live outside the repository (`rotactl key export|import`).\n"
            f'format = {FORMAT}\nid = "{office_id}"\n'
            f'match_check = "{checks["match_check"]}"\nencrypt_check = "{checks["encrypt_check"]}"\n')


def verify(keys: Keys, office: dict, where: str) -> Keys:
    """Refuse a key that is not this office's."""
    if keys.office != office.get("id"):
        raise DomainError(f"{where} is the key of office {keys.office}, not of this office ({office.get('id')})")
    if check_value(keys.match, "match") != office.get("match_check"):
        raise DomainError(f"{where}: its matching key is not this office's (the check value differs)")
    if keys.encrypt_key is not None and check_value(keys.encrypt_key, "encrypt") != office.get("encrypt_check"):
        raise DomainError(f"{where}: its encryption key is not this office's (the check value differs)")
    return keys


def load(root: Path, office: dict) -> Keys:
    """This clone's key of the office at `root`; a clear refusal when it has none."""
    path = key_path(office.get("id", "?"))
    try:
        found = path.is_file()
    except OSError as exc:      # a folder this user may not enter
        raise DomainError(f"{path}: cannot read the key ({exc.strerror})") from None
    if not found:
        raise DomainError(f"no key for office {office.get('id')} on this machine ({path}): phones can be "
                          "neither matched nor revealed; on a machine that has it run `rotactl key export "
                          "> FILE`, carry the file over privately, then `rotactl key import FILE` here")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DomainError(f"{path}: cannot read the key ({exc.strerror})") from None
    return verify(parse(text, str(path)), office, str(path))
