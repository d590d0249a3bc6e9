"""An in-memory office over the pure core: typed entries, no CLI, no files, no SQLite.

`Floor` plays the shell's part the way `rotactl` does — it asks the core for each
decision and appends the typed entry it returns — so a rule test reads like the
floor: check people in, register leads, deal, and look at the decision's rule.
"""
from __future__ import annotations

import itertools

from rotactl.core import attribution, dates, desk, disputes
from rotactl.core.entries import (
    Claim,
    Deal,
    Entry,
    FollowUp,
    Link,
    Penalty,
    Presence,
    Reassign,
    Reception,
    ReportIn,
    Ruling,
    StaffAdd,
    StaffLeave,
    StaffSuspend,
)
from rotactl.core.penalties import day_end, half_rotation
from rotactl.core.phones import masks_of
from rotactl.core.policy import parse
from rotactl.core.replay import end_day, replay_day
from rotactl.core.rotation import next_view
from rotactl.core.state import Carry
from rotactl.store.policy_file import PRESETS_DIR

DATE = "2026-11-02"      # a Monday


def policy(preset: str = "default", **knobs):
    """A preset's policy with knobs changed: policy("default", order__daily="checkin")."""
    pol = parse((PRESETS_DIR / f"{preset}.toml").read_text(encoding="utf-8"))
    for key, value in knobs.items():
        section, name = key.split("__")
        value = tuple(value) if isinstance(value, list) else value
        pol = pol.replace(**{section: getattr(pol, section).replace(**{name: value})})
    return pol


def phone(n: int) -> str:
    """The stored form of 1390000000n (n < 10) / 139000000nn."""
    return f"+86 139{n:08d}"


class Floor:
    """One office in memory. Times are "HH:MM" on the current day, or full "YYYY-MM-DD HH:MM"."""

    def __init__(self, preset: str = "default", date: str = DATE, **knobs):
        self.policy = policy(preset, **knobs)
        self.date = date
        self.entries: list[Entry] = []
        self._ids = itertools.count(1)

    # -- time and entries ---------------------------------------------------------------
    def at(self, when: str | None = None) -> str:
        if when is None:
            return f"{self.date} 23:59:59"
        text = when if len(when) > 8 else f"{self.date} {when}"
        return text if len(text) == 19 else text + ":00"

    def add(self, entry: Entry) -> Entry:
        """Append an entry (an id is given if it has none); returns it as recorded."""
        if not entry.id:
            entry = entry.replace(id=f"e{entry.at[:10].replace('-', '')}{next(self._ids):012d}-000000")
        self.entries.append(entry)
        return entry

    def new_id(self, at: str) -> str:
        return f"e{at[:10].replace('-', '')}{next(self._ids):012d}-000000"

    # -- replay -------------------------------------------------------------------------------
    def carry_before(self, date: str) -> Carry:
        carry = Carry()
        for day in sorted({e.at[:10] for e in self.entries if e.at[:10] < date}):
            carry = end_day(replay_day(carry, day, self.policy, [e for e in self.entries if e.at[:10] == day]))
        return carry

    def day(self, when: str | None = None):
        """The floor at `when` (default: end of the current day)."""
        at = self.at(when)
        return replay_day(self.carry_before(at[:10]), at[:10], self.policy,
                          [e for e in self.entries if e.at[:10] == at[:10] and e.at <= at])

    def next(self, when: str | None = None, queue: str = "visit") -> dict:
        at = self.at(when)
        return next_view(self.day(at), queue, at)

    def rollover(self) -> list[Penalty]:
        """Close the current day (its day-end rules append their entries) and move to the next."""
        extra = [self.add(e) for e in day_end(self.day(), "cron")]
        self.date = dates.add_days(self.date, 1)
        return extra

    # -- the roster and the desk -----------------------------------------------------------
    def staff(self, *ids: str, role: str = "sales", team: str = "", trainee: bool = False, when: str = "07:00"):
        for sid in ids:
            self.add(StaffAdd(at=self.at(when), staff=sid, name=sid, role=role, team=team, trainee=trainee))

    def presence(self, kind: str, sid: str, when: str, reason: str = "") -> Entry:
        return self.add(Presence(at=self.at(when), kind=kind, staff=sid, reason=reason))

    def check_in(self, *ids: str, when: str = "08:30"):
        for sid in ids:
            self.presence("check-in", sid, when)

    def away(self, sid: str, reason: str, when: str):
        return self.presence("away", sid, when, reason)

    def back(self, sid: str, when: str):
        return self.presence("back", sid, when)

    def done(self, sid: str, when: str):
        return self.presence("done", sid, when)

    def leave(self, sid: str, when: str, reassign_to: str = ""):
        return self.add(StaffLeave(at=self.at(when), staff=sid, reassign_to=reassign_to))

    def suspend(self, sid: str, days: int, when: str):
        return self.add(StaffSuspend(at=self.at(when), staff=sid, days=days))

    def penalize(self, sid: str, days: int, when: str):
        start, until = half_rotation(self.at(when), days)
        return self.add(Penalty(at=self.at(when), kind="staff-penalize", staff=sid, start=start, until=until,
                                days=days))

    def register(self, when: str, name: str = "客户", phone: str = "", queue: str = "visit",
                 **fields) -> desk.Registration:
        """The desk registers a lead: the core decides, the decided entry is appended."""
        at = self.at(when)
        pending = Reception(id=self.new_id(at), at=at, kind=queue, name=name, phone=phone, **fields)
        group = self.group(phone, at, extra=(pending,)) if phone else None
        referrer = self.group(pending.referred_by, at) if pending.referred_by else None
        done = desk.register(self.day(at), pending, group and (group.members, group.records),
                             referrer and (referrer.members, referrer.records))
        self.add(done.entry)
        return done

    def pass_(self, sid: str, when: str, queue: str = "visit"):
        at = self.at(when)
        return self.add(desk.pass_turn(self.day(at), sid, queue, at, "desk"))

    def handover(self, taker: str, when: str, phone: str = "", ref: str = ""):
        at = self.at(when)
        day = self.day(at)
        return self.add(desk.handover(day, desk.find_reception(day, ref=ref, phone=phone), taker, at, "desk"))

    # -- customers -------------------------------------------------------------------------
    def deal(self, phone: str, by: str, stage: str, when: str, amount: str = "", agency: str = ""):
        """A deal, with its credit and SPL-KNOWING's fine (appended when due)."""
        at = self.at(when)
        entry = self.add(Deal(at=at, phone=phone, staff=by, stage=stage, amount=amount, agency=agency))
        credit, fine = disputes.deal_outcome(self.group(phone, at), self.rulings(at), entry)
        if fine:
            self.add(fine)
        return entry, credit, fine

    def follow_up(self, phone: str, by: str, when: str):
        return self.add(FollowUp(at=self.at(when), phone=phone, staff=by))

    def link(self, a: str, b: str, relation: str, when: str):
        return self.add(Link(at=self.at(when), phone=a, other=b, relation=relation))

    def claim(self, phone: str, by: str, when: str, agency: bool = False):
        return self.add(Claim(at=self.at(when), phone=phone, **({"agency": by} if agency else {"staff": by})))

    def report_in(self, agency: str, name: str, when: str, phone: str = "", mask: str = "", expect: str = ""):
        return self.add(ReportIn(at=self.at(when), agency=agency, name=name, phone=phone, mask=mask,
                                 expect=expect or self.at(when)))

    def reassign(self, phone: str, to: str, when: str):
        return self.add(Reassign(at=self.at(when), phone=phone, receiver=to, rule="ATT-COMPLAINT"))

    def rule(self, dispute: str, when: str, award: dict | None = None, house: bool = False, by: str = "m"):
        return self.add(Ruling(at=self.at(when), actor=by, dispute=dispute, award=award or {}, house=house))

    # -- what the rules say ---------------------------------------------------------------------
    def fetch(self, key: str) -> list[Entry]:
        """What the index would give for a phone: entries naming it, and report-ins under its masks."""
        masks = set(masks_of(key))
        return [e for e in self.entries
                if key in (getattr(e, "phone", ""), getattr(e, "family_of", ""), getattr(e, "other", ""))
                or (isinstance(e, ReportIn) and e.mask and e.mask in masks)]

    def group(self, phone: str, when: str | None = None, extra: tuple[Entry, ...] = ()) -> disputes.Group:
        at = self.at(when)

        def fetch(p):
            return self.fetch(p) + [e for e in extra if p in (e.phone, getattr(e, "family_of", ""))]
        members, found = attribution.group(phone, fetch, self.policy.protection.family, at)
        return disputes.Group(members, found, self.policy, self.departed(at), at)

    def departed(self, at: str) -> dict[str, tuple[str, str]]:
        """ATT-DEPARTED's input, as the shell takes it from the roster: who left, when, to whom."""
        return {e.staff: (e.at, e.reassign_to) for e in self.entries if isinstance(e, StaffLeave) and e.at <= at}

    def who(self, phone: str, when: str | None = None) -> attribution.Attribution:
        group = self.group(phone, when)
        return attribution.attribute(group.records, self.policy, group.at, group.departed)

    def channel(self, phone: str, when: str | None = None) -> attribution.Channel:
        group = self.group(phone, when)
        return attribution.channel(group.records, self.policy, group.at)

    def rulings(self, at: str):
        return disputes.first_rulings(e for e in self.entries if isinstance(e, Ruling) and e.at <= at)

    def analyses(self, when: str | None = None) -> list[disputes.Analysis]:
        at = self.at(when)
        seen: set[str] = set()
        out = []
        for p in sorted({e.phone for e in self.entries if isinstance(e, (Reception, Deal, Claim, ReportIn))
                         and e.phone and e.at <= at}):
            if p in seen:
                continue
            group = self.group(p, at)
            seen.update(group.members)
            out.append(disputes.analyse(group, self.rulings(at)))
        return out

    def disputes(self, when: str | None = None) -> list[dict]:
        return sorted((d for a in self.analyses(when) for d in a.disputes), key=lambda d: (d["raised"], d["id"]))

    def credits(self, when: str | None = None) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for analysis in self.analyses(when):
            out.update(analysis.credits)
        return out


def floor(preset: str = "default", *ids: str, **knobs) -> Floor:
    """An office with salespeople `ids` (default a, b, c) checked in at 08:30 on the first day."""
    f = Floor(preset, **knobs)
    ids = ids or ("a", "b", "c")
    f.staff(*ids)
    f.check_in(*ids)
    return f
