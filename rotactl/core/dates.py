"""Date arithmetic on office wall-clock text ("YYYY-MM-DD HH:MM:SS"). Pure: no clock.

Reading the clock and parsing what a person typed belong to the shell
(`rotactl.app.clock`); the rules only add, compare and bucket the texts entries carry.
"""
from __future__ import annotations

import datetime as dt
import functools


# The parts of a moment "YYYY-MM-DD HH:MM:SS" (and of a day "YYYY-MM-DD"), by name rather than by offset.
def day_of(at: str) -> str:
    """"2026-11-02 09:05:00" → "2026-11-02"."""
    return at[:10]


def minute_of(at: str) -> str:
    """"2026-11-02 09:05:00" → "2026-11-02 09:05" (what tables and messages show)."""
    return at[:16]


def month_of(day: str) -> str:
    """A day or a moment → its month, "2026-11" (a ledger folder)."""
    return day[:7]


def day_number(day: str) -> str:
    """"2026-11-02" → "02" (a day file's name in its month's folder)."""
    return day[8:10]


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


def prev_month(day: str) -> str:
    """The calendar month before the one that holds `day`, as "YYYY-MM"."""
    year, month = int(day[:4]), int(day[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def hhmm(at: str) -> str:
    return at[11:16]


def weekday(day: str) -> int:
    """Monday = 0 … Sunday = 6."""
    return dt.date.fromisoformat(day).weekday()


def iso_week(day: str) -> str:
    year, week, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def period_days(period: str, date: str) -> list[str]:
    """The days of the report period (day, ISO week, calendar month) that holds `date`."""
    day = dt.date.fromisoformat(date)
    if period == "day":
        return [date]
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return days_between(start.isoformat(), (start + dt.timedelta(days=6)).isoformat())
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return days_between(start.isoformat(), end.isoformat())
