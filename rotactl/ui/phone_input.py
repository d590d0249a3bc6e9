"""Phone numbers typed by a person: normalised once, at write time.

Stored form: "+CC NATIONAL" (e.g. "+86 13900000001") — canonical, readable in a
spreadsheet, and maskable without the phone library (`rotactl.core.phones`). The
library (phonenumberslite) is imported only here, on the write path.

What was typed is NFKC-normalised first (full-width １３９…, ＋86, ＊ from a Chinese
input method), then may hold only digits, spaces, dashes, dots, parentheses and a
leading `+`. No refusal echoes the number that was typed: only its mask (139****0001),
since error lines end up in terminals, logs and chat screenshots.
"""
from __future__ import annotations

import re
import unicodedata

from rotactl.core.errors import DomainError, UsageError
from rotactl.core.phones import MASK_FORMS

_MASKED = re.compile(r"(\d+)[*xX]+(\d+)")
_TYPED = re.compile(r"\(?\+?[0-9 ().\-]*[0-9][0-9 ().\-]*")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
ALLOWED = "digits, spaces, dashes, dots, parentheses and a leading +"


def typed(raw: str | None) -> str:
    """What a person typed, in plain ASCII where it can be: NFKC (full-width digits, ＋, ＊, the
    ideographic space), any script's decimal digits as 0-9, dash look-alikes as `-`."""
    text = unicodedata.normalize("NFKC", raw or "").translate(_DASHES)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
                   for ch in text).strip()


def masked(text: str, region: str = "CN") -> str:
    """A typed number as an error may echo it: first 3 + last 4 digits of the national number,
    `*` between; all `*` for a short one."""
    import phonenumbers

    kept = re.sub(r"[^0-9+]", "", typed(text))
    try:
        digits = phonenumbers.national_significant_number(phonenumbers.parse(kept, region))
    except phonenumbers.NumberParseException:
        digits = ""
    digits = digits or re.sub(r"\D", "", kept)
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * len(digits)


def _field(raw: str, field: str | None) -> str:
    """The option or argument that held `raw` in the command being run (`--phone`, `PHONE`)."""
    if field:
        return field
    import click

    from rotactl.ui.params import param_label

    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        for param in ctx.command.params:
            value = ctx.params.get(param.name)
            if value == raw or (isinstance(value, (tuple, list)) and raw in value):
                return param_label(param)
        ctx = ctx.parent
    return "phone"


def normalise(raw: str, region: str, field: str | None = None) -> str:
    import phonenumbers  # heavy: imported only on the write path

    text = typed(raw)
    if not text:
        raise DomainError(f"{_field(raw, field)}: the phone number is empty")
    if not any(ch.isdigit() for ch in text):
        raise DomainError(f"{_field(raw, field)}: not a phone number (no digits)")
    if not _TYPED.fullmatch(text):
        raise UsageError(f"{_field(raw, field)}: '{masked(text, region)}' is not a phone number "
                         f"(only {ALLOWED} may be typed)")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise DomainError(f"{_field(raw, field)}: '{masked(text, region)}' is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise DomainError(f"{_field(raw, field)}: '{masked(text, region)}' is not a valid phone number "
                          f"for region {region}")
    return f"+{number.country_code} {phonenumbers.national_significant_number(number)}"


def parse_reported(raw: str, region: str, field: str | None = None) -> tuple[str, str]:
    """A report-in's phone: (full stored phone, "") or ("", mask key) for a masked one."""
    text = typed(raw).replace(" ", "").replace("-", "")
    match = _MASKED.fullmatch(text)
    if not match:
        return normalise(raw, region, field), ""
    head, tail = match.group(1), match.group(2)
    hidden = len(text) - len(head) - len(tail)
    if (len(head), len(tail)) not in MASK_FORMS or len(head) + hidden + len(tail) != 11:
        shown = masked(head + tail) if len(head) + len(tail) >= 8 else f"{head[:3]}{'*' * hidden}{tail[-4:]}"
        raise UsageError(f"{_field(raw, field)}: '{shown}' is neither a phone number nor a masked one "
                         "(first 3 + last 4 digits, e.g. 139****0001, or first 4 + last 5, e.g. 1390**00001)")
    import phonenumbers

    return "", f"+{phonenumbers.country_code_for_region(region)} {head}{'*' * hidden}{tail}"
