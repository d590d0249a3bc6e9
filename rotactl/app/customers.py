"""Customers: a customer's group and its facts from the phone index (never all history), and the
disputes across customer groups (DSP-DETECT), one group at a time."""
from __future__ import annotations

from rotactl.core import attribution, dates, disputes
from rotactl.core.dates import day_of
from rotactl.core.entries import Entry, links_in
from rotactl.core.phones import masks_of
from rotactl.core.state import Carry
from rotactl.store import records

ANALYSIS_BATCH = 2000    # customer groups' seeds whose facts `analyses` holds at once


class Customers:
    def __init__(self, office):
        self.office = office
        self.store, self.policy = office.store, office.policy
        self._index = None

    # -- the phone index -----------------------------------------------------------------------
    def index(self, complete: bool = False):
        """The phone index, up to date; `complete`: for a whole-history question (`Index.refresh`)."""
        if self._index is None:
            from rotactl.store.index import Index

            self._index = Index(self.store)
            self._index.refresh(complete)
        elif complete and self._index.months:
            self._index.refresh(complete)   # every month in SQLite, once
            self._index.forget()
        return self._index

    def forget_index(self) -> None:
        """Open the index afresh on its next use (a month index was written)."""
        self._index = None

    def drop_index(self) -> None:
        """Forget the derived index (after accept-late added lines to closed days): rebuilt on next use."""
        self._index = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = self.store.root / ".rotactl" / f"index.sqlite{suffix}"
            if path.exists():
                path.unlink()

    def known(self, phone: str) -> bool:
        return bool(self.index().fetch(phone))

    def listed(self, kind: str) -> list[Entry]:
        """Every entry of a kind that `disputes` and `report` list (deal, claim, ruling, report-in, …)."""
        return self.index().fetch("#" + kind)

    def _fetcher(self, extra: tuple[Entry, ...] = (), cache: dict | None = None, reported: set | None = None,
                 masked: dict[str, list[Entry]] | None = None):
        """fetch(phone): every fact filed under the phone or under its masks (masked report-ins).
        `reported`, when known, is the set of masks some report-in carries: others are not looked up;
        `masked`, when known, is `masked_report_ins()`: the masks are not looked up at all."""
        index = self.index()

        def lookup(key: str) -> list[Entry]:
            if cache is None:
                return index.fetch(key)
            if key not in cache:
                cache[key] = index.fetch(key)
            return cache[key]

        def fetch(p: str) -> list[Entry]:
            found = lookup(p)
            for key in masks_of(p):
                if masked is not None:
                    found = found + masked.get(key, [])
                elif reported is None or key in reported:
                    found = found + [r for r in lookup(key) if r.kind == "report-in"]
            return found + [r for r in extra if p in _phones(r)]
        return fetch

    def masked_report_ins(self) -> dict[str, list[Entry]]:
        """mask -> the report-ins made with only that mask of the phone, in (time, id) order. A mask key
        also files every visit and call of every phone with that mask (years of them at five years):
        a question about many customers asks this once instead of looking each mask up."""
        out: dict[str, list[Entry]] = {}
        for report in self.index().fetch("#report-in"):
            if report.mask:
                out.setdefault(report.mask, []).append(report)
        return out

    def group(self, phone: str, at: str, carry: Carry, extra: tuple[Entry, ...] = (), cache=None, gone=None,
              reported=None) -> disputes.Group:
        """The customer group of `phone` with its facts, ready for the pure rules."""
        members, found = attribution.group(phone, self._fetcher(extra, cache, reported),
                                           self.policy.protection.family, at)
        gone = attribution.departed(carry) if gone is None else gone
        return disputes.Group(members, found, self.policy, gone, at)

    # -- disputes ------------------------------------------------------------------------------
    def rulings(self, at: str):
        return disputes.first_rulings(r for r in self.index().fetch("#ruling") if r.at <= at)

    def analyses(self, at: str, carry: Carry, phones_of_interest=None):
        """Every customer group that a deal, a claim or a report-in touches, analysed (DSP-DETECT),
        one at a time. With `phones_of_interest`, only the groups of those phones. The groups' facts
        are fetched ANALYSIS_BATCH seeds at a time, so a five-year office never holds them all."""
        index = self.index(complete=phones_of_interest is None)
        reports = list(index.fields_of("#report-in", ("phone", "mask", "name", "at")))
        reported = {mask for _phone, mask, _name, _at in reports if mask}
        seeds = self._seeds(index, reports, at) if phones_of_interest is None else set(phones_of_interest)
        del reports
        index.release()
        rulings = self.rulings(at)
        gone = attribution.departed(carry)
        done: set[str] = set()
        ordered = sorted(seeds)
        for start in range(0, len(ordered), ANALYSIS_BATCH):
            batch = [p for p in ordered[start:start + ANALYSIS_BATCH] if p not in done]
            index.release()
            cache = _facts_of(index, batch, reported)
            for phone in batch:
                if phone in done:
                    continue
                group = self.group(phone, at, carry, cache=cache, gone=gone, reported=reported)
                done.update(group.members)
                yield disputes.analyse(group, rulings)

    def _seeds(self, index, reports: list[tuple], at: str) -> set[str]:
        """The phones whose groups may hold a dispute: every deal's, claim's and report-in's (a masked
        report-in: the phones registered under its mask and name while it was valid)."""
        seeds = {phone for key in ("#deal", "#claim") for phone, when in index.fields_of(key, ("phone", "at"))
                 if phone and when <= at}
        for phone, mask, name, when in reports:
            if when > at:
                continue
            if phone:
                seeds.add(phone)
            else:
                until = dates.add_days(day_of(when), self.policy.channel.report_valid_days + 1)
                seeds.update(index.phones_masked_as(mask, name, when, until))
        return seeds

    def dispute(self, dispute: str, at: str, carry: Carry) -> dict | None:
        """One dispute by its id: a staff or claim dispute is raised by a deal or a claim entry, so
        only that customer's group is analysed; an agency dispute (raised by an arrival) needs all."""
        listed = self.index().fetch_many(["#deal", "#claim"])
        for kind, key in (("staff", "#deal"), ("claim", "#claim")):
            for entry in listed[key]:
                if entry.at <= at and disputes.dispute_id(kind, entry.id) == dispute:
                    return disputes.find(self.analyses(at, carry, {entry.phone}), dispute)
        return disputes.find(self.analyses(at, carry), dispute)


def _facts_of(index, phones: list[str], reported: set[str]) -> dict[str, list[Entry]]:
    """The facts of these phones and of the relatives their links name, fetched in batches."""
    cache: dict[str, list[Entry]] = {}
    todo = set(phones)
    while todo:
        keys = set(todo)
        for p in todo:
            keys.update(m for m in masks_of(p) if m in reported)
        cache.update(index.fetch_many(keys - cache.keys()))
        todo = {p for key in todo for r in cache[key] for link in links_in(r) for p in link[:2]} - cache.keys()
    return cache


def _phones(entry: Entry) -> set[str]:
    from rotactl.store.index import phones_of

    return phones_of(records.encode(entry) | {"kind": entry.kind})
