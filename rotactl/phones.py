"""Phone numbers typed by a person: normalised once, at write time.

Stored form: "+CC NATIONAL" (e.g. "+86 13900000001") — canonical, readable in a
spreadsheet, and maskable without the phone library (`rotactl.core.phones`). The
library (phonenumberslite) is imported only here, on the write path.
"""
from __future__ import annotations

import re

from rotactl.core.phones import MASK_FORMS
from rotactl.errors import DomainError, UsageError

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
