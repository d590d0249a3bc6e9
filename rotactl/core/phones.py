"""Phones as the rules see them: stored text "+CC NATIONAL", masks for display and matching.

Parsing what a person typed (phonenumberslite) is the shell's job (`rotactl.phones`).
"""
from __future__ import annotations

import functools

# A report-in may hide the middle of the number (报备 "前三后四"): first 3 + last 4
# or first 4 + last 5 digits of an 11-digit national number, `*` (or x) between.
MASK_FORMS = ((3, 4), (4, 5))


def national(stored: str) -> str:
    return stored.split(" ", 1)[-1]


def mask(stored: str | None, reveal: bool = False) -> str | None:
    """First 3 and last 4 digits of the national number, `*` between: 139****0001."""
    if not stored:
        return None
    digits = national(stored)
    if reveal or len(digits) <= 7:
        return digits
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


@functools.lru_cache(maxsize=1 << 16)
def masks_of(stored: str) -> tuple[str, ...]:
    """The mask keys a report-in of this phone could carry: "+86 139****0001", "+86 1390**00001"."""
    cc, _sep, digits = stored.partition(" ")
    if len(digits) != 11:
        return ()
    return tuple(f"{cc} {digits[:a]}{'*' * (11 - a - b)}{digits[-b:]}" for a, b in MASK_FORMS)
