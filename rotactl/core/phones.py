"""Phones as the rules see them: opaque stored text, equal when the customer is the same.

Ledger formats 2 and 3 store an *identity* "+86 139****0001~TOKEN~MASKTOKEN" (`rotactl.store.keyring`):
its display mask, then keyed hashes; format 1 stored the full number "+86 13900000001".
The rules only compare phones, show their masks and list the mask keys a masked
report-in could carry — all three work on either form, without any key.

Parsing what a person typed (phonenumberslite) and the keys are the shell's job.
"""
from __future__ import annotations

import functools

# A report-in may hide the middle of the number (报备 "前三后四"): first 3 + last 4
# or first 4 + last 5 digits of an 11-digit national number, `*` (or x) between.
MASK_FORMS = ((3, 4), (4, 5))
# The fields of an entry that hold a phone; in the ledger each may carry FIELD_enc, the number encrypted.
PHONE_FIELDS = ("phone", "family_of", "other", "referred_by")


def national(stored: str) -> str:
    return stored.split(" ", 1)[-1].split("~", 1)[0].split("#", 1)[0]


def display_digits(digits: str) -> str:
    """The shown form of a national number: first 3 and last 4 digits, `*` between; a short
    number keeps only its last 2."""
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask(stored: str | None, reveal: bool = False) -> str | None:
    """First 3 and last 4 digits of the national number, `*` between: 139****0001. (An identity
    is shown as its mask; revealing it needs the key: the shell's `Env.mask`.)"""
    if not stored:
        return None
    digits = national(stored)
    if "~" in stored or "#" in stored or "*" in digits:
        return digits
    if reveal or len(digits) <= 7:
        return digits
    return display_digits(digits)


@functools.lru_cache(maxsize=1 << 16)
def masks_of(stored: str) -> tuple[str, ...]:
    """The mask keys a report-in of this phone could carry: formats 2 and 3 "+86 139****0001" and
    "+86 139****0001#MASKTOKEN"; format 1 "+86 139****0001", "+86 1390**00001"."""
    cc, _sep, rest = stored.partition(" ")
    if "~" in rest:
        parts = rest.split("~")
        return (f"{cc} {parts[0]}", f"{cc} {parts[0]}#{parts[2]}") if len(parts) == 3 else ()
    if len(rest) != 11:
        return ()
    return tuple(f"{cc} {rest[:a]}{'*' * (11 - a - b)}{rest[-b:]}" for a, b in MASK_FORMS)


def is_identity(stored: str) -> bool:
    """A phone stored as an identity (formats 2 and 3), not a report-in's mask key, which has no number
    behind it to reveal."""
    return "~" in stored
