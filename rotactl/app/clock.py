"""The shell's clock: what time it is at the office, and times typed on the command line.

Arithmetic on those texts is pure and lives in `rotactl.core.dates`.
"""
from __future__ import annotations

import datetime as dt
import re

from rotactl.core.errors import UsageError

AT_RE = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")


def parse_at(text: str, option: str = "--at") -> str:
    match = AT_RE.fullmatch(text.strip())
    if not match:
        raise UsageError(f"{option} '{text}': expected \"YYYY-MM-DD HH:MM\"")
    day, hour, minute, second = match.groups()
    try:
        moment = dt.datetime.fromisoformat(f"{day} {hour}:{minute}:{second or '00'}")
    except ValueError:
        raise UsageError(f"{option} '{text}': no such date or time") from None
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def parse_day(text: str, option: str = "--date") -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError(f"{option} '{text}': expected YYYY-MM-DD") from None


def now(timezone: str) -> str:
    import zoneinfo

    return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S")
