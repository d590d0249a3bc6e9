"""`report fairness`: who got their share of the counted turns over a window. Pure: replayed days in,
rows out.

Per person, over the window's days only (the window restarts the comparison: nothing before
`--since` counts, cal.com's monthly reset):

present       days the person checked in
offered       times the rotation reached them: received by the walk or a make-up (ROT-NEXT,
              ROT-CONSUMED, ROT-MAKEUP, calls in turn), passed over by a walk (any skip outcome), or
              passing their turn (ROT-PASS)
turns         counted receptions (`report`'s turns)
owed_makeups  make-ups owed to them: walks that skipped them with a make-up, hand-backs, CNT-HELP credits
makeups       make-ups served (`report`'s makeups)
forfeits      turns forfeit (`report`'s forfeits)
passes        voluntary passes (`report`'s passes)
out_of_turn   customers received outside the walk: owners' revisits, designated, referrals, parties,
              repeats, help, duty, free days, manager assignments
fair_share    the window's counted turns × this person's days present ÷ everyone's days present
deviation     turns − fair_share (positive: more than an equal share of the days they were there)
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from rotactl.core import rules
from rotactl.core.entries import Entry
from rotactl.core.state import Day, Member

IN_TURN = frozenset({rules.ROT_NEXT, rules.ROT_CONSUMED, rules.ROT_MAKEUP, rules.CNT_NEW, rules.DAY_ROLLOVER})
COLUMNS = ["staff", "name", "present", "offered", "turns", "owed_makeups", "makeups", "forfeits", "passes",
           "out_of_turn", "fair_share", "deviation"]


@dataclass
class Tally:
    present: int = 0
    offered: int = 0
    turns: int = 0
    owed_makeups: int = 0
    makeups: int = 0
    forfeits: int = 0
    passes: int = 0
    out_of_turn: int = 0

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def tally(day: Day, entries: list[Entry]) -> dict[str, Tally]:
    """One replayed day's figures per person; `entries` are the decisions as applied to `day`."""
    out: dict[str, Tally] = {}

    def of(sid: str) -> Tally:
        return out.setdefault(sid, Tally())

    for entry in entries:
        kind = entry.kind
        if kind == "check-in":
            of(entry.staff).present = 1
        elif kind in ("visit", "call", "pass", "handover", "distribute"):
            for skip in entry.skipped:
                if kind != "handover":
                    of(skip.staff).offered += 1
                if skip.outcome == "make-up":
                    of(skip.staff).owed_makeups += 1
            if kind == "pass":
                of(entry.staff).offered += 1
            elif entry.receiver and kind != "handover":
                if entry.rule in IN_TURN:
                    of(entry.receiver).offered += 1
                elif not getattr(entry, "ckind", ""):
                    of(entry.receiver).out_of_turn += 1
        elif kind == "help-credit":
            of(entry.staff).owed_makeups += 1
    for sid, stat in day.stats.items():
        t = of(sid)
        t.turns, t.makeups, t.forfeits, t.passes = stat.turns, stat.makeups, stat.forfeits, stat.passes
    return out


def rows(roster: dict[str, Member], days: list[dict[str, Tally]]) -> list[dict]:
    """Per person of the roster in the rotation (or with figures), the window's sums, share and deviation."""
    totals: dict[str, Tally] = {}
    for day in days:
        for sid, t in day.items():
            totals.setdefault(sid, Tally()).add(t)
    people = [sid for sid, m in roster.items() if m.in_rotation() or sid in totals]
    people += sorted(sid for sid in totals if sid not in roster)
    turns = sum(totals.get(s, Tally()).turns for s in people)
    present = sum(totals.get(s, Tally()).present for s in people)
    out = []
    for sid in people:
        t = totals.get(sid, Tally())
        share = round(turns * t.present / present, 2) if present else 0.0
        member = roster.get(sid)
        out.append({"staff": sid, "name": member.name if member else "", **vars(t), "fair_share": share,
                    "deviation": round(t.turns - share, 2)})
    return out


def bars(rows_: list[dict], width: int = 30) -> list[str]:
    """A plain-text bar per person: `#` for counted turns, `|` where the fair share falls."""
    top = max([max(r["turns"], r["fair_share"]) for r in rows_] + [1])
    label = max([len(r["staff"]) for r in rows_] + [1])
    lines = []
    for r in rows_:
        filled = round(r["turns"] * width / top)
        mark = min(round(r["fair_share"] * width / top), width)
        cells = ["#" if i < filled else " " for i in range(width + 1)]
        cells[mark] = "|"
        lines.append(f"{r['staff']:<{label}} {''.join(cells)} {r['turns']:>4} {r['deviation']:+.2f}")
    return lines
