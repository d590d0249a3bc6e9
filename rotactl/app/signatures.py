"""Managers' SSH keys (SPEC §4.1): a public key as the roster records it."""
from __future__ import annotations

from rotactl.core.errors import UsageError
from rotactl.store import signing


def public_key(text: str) -> str:
    """An SSH public key (`TYPE BASE64 [comment]`, or a .pub file's text) as the roster keeps it;
    a usage error naming `--ssh-key` otherwise."""
    try:
        return signing.parse_public_key(text)
    except ValueError as exc:
        raise UsageError(f"--ssh-key: {exc}") from None
