"""The floor board (`board`, 轮排大屏): what the showroom screen shows, from the replayed day. Pure.

Each queue is `next`'s view (`rotation.next_view`: the same decision a new lead would get), with
each person's name, since when they are in their state, and why they are away; `today` holds the
day's counts with `report day`'s column names. No customer appears at all: no phone, no name.
"""
from __future__ import annotations

from rotactl.core.entries import QUEUES, Entry
from rotactl.core.reports import report_rows
from rotactl.core.rotation import after_hours, next_view
from rotactl.core.state import Day

TODAY = ("turns", "receptions", "makeups", "forfeits", "passes", "calls", "deals")


def board_state(day: Day, entries: list[Entry], at: str, office: str) -> dict:
    """The board at `at`: `day` is the floor replayed up to `at`, `entries` that day's entries up to `at`."""
    last = _last_presence(entries)
    started = {e.id: e.at for e in entries}
    queues = []
    for queue in QUEUES:
        view = next_view(day, queue, at)
        for item in view["order"]:
            sid = item["staff"]
            member = day.member(sid)
            item["name"] = member.name if member is not None and member.name else sid
            item["since"] = _since(day, sid, queue, item["status"], last, started)
            item["reason"] = (day.person(sid).away or None) if item["status"] == "away" else None
            item["until"] = member.suspended_until if item["status"] == "suspended" else None
        queues.append(view)
    rows = report_rows(day.carry.roster, [day.stats], [])
    today = [{"staff": r["staff"], "name": r["name"] or r["staff"], **{f: r[f] for f in TODAY}} for r in rows]
    return {"office": office, "at": at, "date": day.date, "free_day": day.free,
            "after_hours": day.policy.skips.after_hours == "duty" and after_hours(at, day.policy),
            "queues": queues, "today": today}


def _last_presence(entries: list[Entry]) -> dict[tuple[str, str], str]:
    """(staff, kind) -> the time of that person's latest check-in, check-out, away … entry of the day."""
    out: dict[tuple[str, str], str] = {}
    for entry in sorted(entries, key=lambda e: (e.at, e.id)):
        staff = getattr(entry, "staff", "")
        if staff and entry.kind in ("check-in", "check-out", "away", "back", "done"):
            out[(staff, entry.kind)] = entry.at
    return out


def _since(day: Day, sid: str, queue: str, status: str, last: dict, started: dict[str, str]) -> str | None:
    """Since when `sid` is in `status`: waiting at the desk since check-in, back or done; busy since
    the reception began (the earliest still open); away since leaving the desk; off since check-out."""
    if status == "available":
        return day.person(sid).since or None
    if status == "busy":
        times = [started[s.entry] for s in day.busy(sid, queue) if s.entry in started]
        return min(times) if times else None
    if status == "away":
        return last.get((sid, "away"))
    if status == "off":
        return last.get((sid, "check-out"))
    return None
