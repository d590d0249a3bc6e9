"""Text that a person typed: refused when it holds what a one-line ledger field cannot (SPEC §4.2).

A value is refused when it holds a line break (\\n, \\r, U+0085, U+2028, U+2029), NUL or any other
control character (category Cc, tab included), a bidirectional override or isolate (U+202A–202E,
U+2066–2069, U+200E/200F, U+061C: they make a name display as something else), or when it is not
valid UTF-8 (on POSIX, Python hands undecodable argv bytes over as lone surrogates U+DC80–U+DCFF
by `surrogateescape`; any surrogate is refused).

Pure: the command line checks every parsed parameter with `rotactl.ui.params.check_params`; the
codec's `clean` checks every field before it is written (the last line of defence).
"""
from __future__ import annotations

import unicodedata

LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def problem(text: str) -> str | None:
    """Why `text` cannot be a field value, or None when it can."""
    if text.isprintable() and BIDI.isdisjoint(text):   # almost every value
        return None
    for ch in text:
        if ch.isprintable() and ch not in BIDI:
            continue
        code = f"U+{ord(ch):04X}"
        if ch in LINE_BREAKS:
            return f"line breaks are not allowed ({code})"
        category = unicodedata.category(ch)
        if category == "Cs":
            return "not valid UTF-8"
        if ch == "\0":
            return "NUL characters are not allowed"
        if category == "Cc":
            return f"control characters are not allowed ({code})"
        if ch in BIDI:
            return f"bidirectional control characters are not allowed ({code})"
    return None
