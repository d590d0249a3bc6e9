"""Phone numbers: normalised once, at write time, and masked for display.

Stored form: "+CC NATIONAL" (e.g. "+86 13900000001") — canonical, readable in a
spreadsheet, and maskable without the phone library. The library
(phonenumberslite) is imported only when a number typed by a person must be
parsed; replay never needs it.
"""
from __future__ import annotations

from rotactl.errors import DomainError


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
