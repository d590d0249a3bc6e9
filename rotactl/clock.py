"""Office time: event times are local wall-clock text "YYYY-MM-DD HH:MM:SS"."""
from __future__ import annotations

import datetime as dt
import functools
import re

from rotactl.errors import UsageError

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


def day_of(at: str) -> str:
    return at[:10]


@functools.lru_cache(maxsize=1 << 16)
def add_days(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


@functools.lru_cache(maxsize=1 << 16)
def add_minutes(at: str, minutes: int) -> str:
    return (dt.datetime.fromisoformat(at) + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


def prev_day(day: str) -> str:
    return add_days(day, -1)


def days_between(first: str, last: str) -> list[str]:
    """Every day from first to last inclusive."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def minutes_between(earlier: str, later: str) -> float:
    return (dt.datetime.fromisoformat(later) - dt.datetime.fromisoformat(earlier)).total_seconds() / 60


def hhmm(at: str) -> str:
    return at[11:16]


def weekday(day: str) -> int:
    """Monday = 0 … Sunday = 6."""
    return dt.date.fromisoformat(day).weekday()


def iso_week(day: str) -> str:
    year, week, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"
