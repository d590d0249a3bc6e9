"""Phone numbers: normalised once, at write time, and masked for display.

Stored form: "+CC NATIONAL" (e.g. "+86 13900000001") — canonical, readable in a
spreadsheet, and maskable without the phone library. The library
(phonenumberslite) is imported only when a number typed by a person must be
parsed; replay never needs it.
"""
from __future__ import annotations

import functools
import re

from rotactl.errors import DomainError, UsageError

# A report-in may hide the middle of the number (报备 "前三后四"): first 3 + last 4
# or first 4 + last 5 digits of an 11-digit national number, `*` (or x) between.
MASK_FORMS = ((3, 4), (4, 5))
_MASKED = re.compile(r"(\d+)[*xX＊]+(\d+)")


def normalise(raw: str, region: str) -> str:
    import phonenumbers  # heavy: imported only on the write path

    text = (raw or "").strip()
    if not text:
        raise DomainError("the phone number is empty")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise DomainError(f"'{raw}' is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise DomainError(f"'{raw}' is not a valid phone number for region {region}")
    return f"+{number.country_code} {phonenumbers.national_significant_number(number)}"


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


def parse_reported(raw: str, region: str) -> tuple[str, str]:
    """A report-in's phone: (full stored phone, "") or ("", mask key) for a masked one."""
    text = (raw or "").strip().replace(" ", "").replace("-", "")
    match = _MASKED.fullmatch(text)
    if not match:
        return normalise(raw, region), ""
    head, tail = match.group(1), match.group(2)
    hidden = len(text) - len(head) - len(tail)
    if (len(head), len(tail)) not in MASK_FORMS or len(head) + hidden + len(tail) != 11:
        raise UsageError(f"'{raw}' is neither a phone number nor a masked one (first 3 + last 4 digits, "
                         "e.g. 139****0001, or first 4 + last 5, e.g. 1390**00001)")
    import phonenumbers

    return "", f"+{phonenumbers.country_code_for_region(region)} {head}{'*' * hidden}{tail}"
