"""The imperative shell around the pure core: one office directory.

Reads what a command needs (the last checkpoint, the unsealed days, the
customer index), hands it to the pure functions (floor, rotation, attribution),
and appends what they decided. Writing commands hold the store's lock across
read → decide → append.
"""
from __future__ import annotations

from pathlib import Path

from rotactl import attribution, clock, phones, policy as policy_mod
from rotactl.errors import DomainError, LedgerError
from rotactl.floor import Carry, Day, end_day, replay_day, start_day
from rotactl.store import Store, partition


class Office:
    def __init__(self, root: str | Path):
        self.store = Store(root)
        if not self.store.exists():
            raise DomainError(f"{root} is not a rotactl office (no rotactl.toml); "
                              "create one with `rotactl init DIR`")
        self.policy = policy_mod.load(self.store.policy_path)
        self._index = None

    # -- time --------------------------------------------------------------------
    def now(self) -> str:
        return clock.now(self.policy.office.timezone)

    def sealed(self) -> str | None:
        return self.store.latest_checkpoint()

    def guard_open(self, at: str) -> None:
        """Back-dating into a day that rollover has closed is refused."""
        sealed = self.sealed()
        if sealed and at[:10] <= sealed:
            raise DomainError(f"{at[:10]} is closed (rollover sealed it through {sealed}); "
                              "record a correction as a new entry today instead")

    # -- floor state ---------------------------------------------------------------
    def records(self, date: str) -> list[dict]:
        return [{**e.record, "_where": f"{e.path}:{e.line}"} for e in self.store.read_day(date)]

    def carry_before(self, date: str) -> Carry:
        """The carried state at the start of `date`: last checkpoint + the unsealed days since."""
        checkpoint = self.store.latest_checkpoint(before=date)
        carry = Carry.from_dict(self.store.read_checkpoint(checkpoint).get("state", {})) \
            if checkpoint else Carry()
        for day in self.store.days(after=checkpoint or ""):
            if day >= date:
                break
            carry = end_day(replay_day(carry, day, self.policy, self.records(day)))
        return carry

    def day(self, at: str) -> Day:
        date = at[:10]
        records = [r for r in self.records(date) if r["at"] <= at]
        return replay_day(self.carry_before(date), date, self.policy, records)

    def full_day(self, date: str) -> Day:
        return replay_day(self.carry_before(date), date, self.policy, self.records(date))

    # -- customers ---------------------------------------------------------------------
    def index(self):
        if self._index is None:
            from rotactl.index import Index

            self._index = Index(self.store)
            self._index.refresh()
        return self._index

    def _fetcher(self, extra: tuple[dict, ...] = (), cache: dict | None = None, reported: set | None = None):
        """fetch(phone): every fact filed under the phone or under its masks (masked report-ins).
        `reported`, when known, is the set of masks some report-in carries: others are not looked up."""
        from rotactl.index import phones_of

        index = self.index()

        def lookup(key: str) -> list[dict]:
            if cache is None:
                return index.fetch(key)
            if key not in cache:
                cache[key] = index.fetch(key)
            return cache[key]

        def fetch(p: str) -> list[dict]:
            found = lookup(p)
            for key in phones.masks_of(p):
                if reported is None or key in reported:
                    found = found + [r for r in lookup(key) if r["kind"] == "report-in"]
            return found + [r for r in extra if p in phones_of(r)]
        return fetch

    def departed(self, carry: Carry) -> dict:
        return {sid: (m.left, m.reassign_to) for sid, m in carry.roster.items() if m.left}

    def group(self, phone: str, at: str, carry: Carry, extra: tuple[dict, ...] = (), cache=None, departed=None,
              reported=None):
        """The customer group of `phone` with its facts, ready for the pure rules."""
        from rotactl.disputes import Group

        fetch = self._fetcher(extra, cache, reported)
        members, records = attribution.group(phone, fetch, self.policy.protection.family, at)
        return Group(members, records, self.policy, self.departed(carry) if departed is None else departed, at)

    def attribution(self, phone: str, at: str, carry: Carry, extra: tuple[dict, ...] = ()):
        group = self.group(phone, at, carry, extra)
        return group.members, attribution.attribute(group.records, self.policy, at, group.departed)

    # -- disputes ------------------------------------------------------------------------
    def rulings(self, at: str) -> dict[str, dict]:
        """dispute id -> its ruling; the first one recorded wins (DSP-FINAL)."""
        out: dict[str, dict] = {}
        for record in self.index().fetch("#ruling"):
            if record["at"] <= at:
                out.setdefault(record["dispute"], record)
        return out

    def analyses(self, at: str, carry: Carry, phones_of_interest=None):
        """Every customer group that a deal, a claim or a report-in touches, analysed (DSP-DETECT).
        With `phones_of_interest`, only the groups of those phones."""
        from rotactl import disputes

        index = self.index()
        listed = index.fetch_many(["#deal", "#claim", "#report-in"] if phones_of_interest is None
                                  else ["#report-in"])
        reported = {r["mask"] for r in listed["#report-in"] if r.get("mask")}
        if phones_of_interest is None:
            seeds = {r["phone"] for key in ("#deal", "#claim") for r in listed[key]
                     if r.get("phone") and r["at"] <= at}
            for report in listed["#report-in"]:
                if report["at"] > at:
                    continue
                if report.get("phone"):
                    seeds.add(report["phone"])
                else:
                    until = clock.add_days(report["at"][:10], self.policy.channel.report_valid_days + 1)
                    seeds.update(index.phones_masked_as(report["mask"], report.get("name", ""), report["at"],
                                                        until))
        else:
            seeds = set(phones_of_interest)
        cache: dict[str, list[dict]] = {}
        todo = set(seeds)
        while todo:        # fetch the seeds, then the relatives their links name, in batches
            keys = set(todo)
            for p in todo:
                keys.update(m for m in phones.masks_of(p) if m in reported)
            cache.update(index.fetch_many(keys - cache.keys()))
            todo = {p for key in todo for r in cache[key] for link in attribution.links_in(r)
                    for p in link[:2]} - cache.keys()
        rulings = self.rulings(at)
        departed = self.departed(carry)
        done: set[str] = set()
        out = []
        for phone in sorted(seeds):
            if phone in done:
                continue
            group = self.group(phone, at, carry, cache=cache, departed=departed, reported=reported)
            done.update(group.members)
            out.append(disputes.analyse(group, rulings))
        return out

    def known_customer(self, phone: str) -> bool:
        return bool(self.index().fetch(phone))

    # -- writing -----------------------------------------------------------------------
    def write(self, records: list[dict]) -> list[dict]:
        return self.store.append(records)

    # -- rollover ------------------------------------------------------------------------
    def rollover(self, through: str, actor: str, now: str) -> list[str]:
        """DAY-ROLLOVER: close every unclosed day up to `through`; returns the days closed."""
        import tomli_w

        sealed = self.sealed() or ""
        if through <= sealed:
            return []
        closed = []
        carry = self.carry_before(clock.add_days(sealed, 1)) if sealed else Carry()
        for date in self.store.days(after=sealed):
            if date > through:
                break
            day = replay_day(carry, date, self.policy, self.records(date))
            extra = self._day_end(day, actor)
            if extra:
                self.write(extra)
                day = replay_day(carry, date, self.policy, self.records(date))
            carry = end_day(day)
            files = {}
            for rel in self.store.day_files(date):
                scan = self.store.scan(rel)
                if scan.problems:
                    raise LedgerError(scan.problems)
                files[rel] = {"size": scan.size, "lines": scan.lines, "heads": dict(scan.heads)}
            body = {"day": date, "closed_at": now, "closed_by": actor, "files": files,
                    "state": carry.to_dict()}
            text = (f"# rotactl checkpoint: {date} closed by rollover. Do not edit: "
                    "`rotactl check` verifies it against the ledger.\n" + tomli_w.dumps(body))
            self.store.write_checkpoint(date, text)
            closed.append(date)
        if through not in closed:  # nothing recorded that day: seal it all the same
            carry = end_day(start_day(carry, through, self.policy))
            body = {"day": through, "closed_at": now, "closed_by": actor, "files": {},
                    "state": carry.to_dict()}
            self.store.write_checkpoint(through, "# rotactl checkpoint (no entries that day)\n"
                                        + tomli_w.dumps(body))
            closed.append(through)
        return closed

    def _day_end(self, day: Day, actor: str) -> list[dict]:
        """Day-end rules of DAY-ROLLOVER: the weekly PEN-HALF on the week's last day."""
        out = []
        if self.policy.penalties.no_deal_week_half and clock.weekday(day.date) == 6:
            start = clock.add_days(day.date, 1)
            for sid, member in day.carry.roster.items():
                if member.in_rotation() and not day.carry.week_deals.get(sid):
                    out.append({"at": f"{day.date} 23:59:59", "kind": "penalty", "actor": actor,
                                "staff": sid, "penalty": "half", "from": start,
                                "until": clock.add_days(start, 6), "days": "7", "rule": "PEN-HALF",
                                "reason": "本周无成交,下周两排一轮"})
        return out

    # -- check ------------------------------------------------------------------------------
    def check(self) -> tuple[int, list[str]]:
        """Validate every file, chain, partition and checkpoint; replay everything."""
        store = self.store
        problems: list[str] = []
        seen: dict[str, str] = {}
        count = 0
        by_day: dict[str, list[dict]] = {}
        for rel in store.all_files():
            if not rel.endswith((".floor.csv", ".notes.toml")):
                problems.append(f"{rel}:1: not a ledger file")
                continue
            scan = store.scan(rel)
            problems += scan.problems
            for entry in scan.entries:
                count += 1
                where = f"{rel}:{entry.line}"
                if entry.id in seen:
                    problems.append(f"{where}: entry id {entry.id} also in {seen[entry.id]}")
                seen[entry.id] = where
                if partition(entry.at, entry.kind) != rel:
                    problems.append(f"{where}: entry {entry.id} ({entry.kind} at {entry.at}) "
                                    f"belongs in {partition(entry.at, entry.kind)}")
                by_day.setdefault(entry.at[:10], []).append({**entry.record, "_where": where})
        if not problems:  # replay only a ledger whose lines are sound
            try:
                problems += self._check_checkpoints(by_day)
            except LedgerError as exc:
                problems += exc.problems
        return count, problems

    def _check_checkpoints(self, by_day: dict[str, list[dict]]) -> list[str]:
        import os

        store = self.store
        problems = []
        base = store.root / "checkpoints"
        sealed_days = []
        if base.is_dir():
            for month in sorted(os.listdir(base)):
                for name in sorted(os.listdir(base / month)):
                    if name.endswith(".toml"):
                        sealed_days.append(f"{month}-{name[:2]}")
        sealed = set(sealed_days)
        carry = Carry()
        for date in sorted(set(by_day) | sealed):
            day = replay_day(carry, date, self.policy, by_day.get(date, []))
            carry = end_day(day)
            if date not in sealed:
                continue
            rel = store.checkpoint_path(date).relative_to(store.root).as_posix()
            try:
                data = store.read_checkpoint(date)
            except LedgerError as exc:
                problems += exc.problems
                continue
            files = data.get("files", {})
            for path in sorted(set(files) | set(store.day_files(date))):
                want = files.get(path)
                scan = store.scan(path)
                if want is None:
                    problems.append(f"{path}:1: written after {date} was closed")
                elif (scan.size, scan.lines) != (want.get("size"), want.get("lines")):
                    line = min(scan.lines, want.get("lines", 0)) + 1
                    problems.append(f"{path}:{line}: changed after {date} was closed "
                                    f"({want.get('lines')} lines, {want.get('size')} bytes recorded in {rel}; "
                                    f"now {scan.lines} lines, {scan.size} bytes)")
                elif scan.heads != want.get("heads", {}):
                    problems.append(f"{path}:{scan.lines}: last entries differ from those recorded in {rel}")
            if data.get("state") != carry.to_dict():
                problems.append(f"{rel}:1: carried state differs from a replay of the ledger")
        return problems


def init_office(root: Path, preset: str, office_name: str | None, timezone: str | None, git: bool) -> None:
    import re
    import subprocess

    if preset not in policy_mod.PRESET_NAMES:
        raise DomainError(f"unknown preset '{preset}' (one of {', '.join(policy_mod.PRESET_NAMES)})")
    if (root / "rotactl.toml").exists():
        raise DomainError(f"{root} already holds an office (rotactl.toml exists)")
    text = (policy_mod.PRESETS_DIR / f"{preset}.toml").read_text(encoding="utf-8")
    if office_name:
        text = re.sub(r'(?m)^name = ".*"$', lambda _m: f"name = {_quote(office_name)}", text, count=1)
    if timezone:
        text = re.sub(r'(?m)^timezone = ".*"$', lambda _m: f"timezone = {_quote(timezone)}", text, count=1)
    policy_mod.parse(text)
    root.mkdir(parents=True, exist_ok=True)
    (root / "rotactl.toml").write_text(text, encoding="utf-8")
    (root / "ledger").mkdir(exist_ok=True)
    (root / "checkpoints").mkdir(exist_ok=True)
    (root / ".gitattributes").write_text(
        "# ledger lines are independent records: two clones' appends merge as a union\n"
        "ledger/**/*.csv merge=union\nledger/**/*.toml merge=union\n", encoding="utf-8")
    (root / ".gitignore").write_text("# derived caches, the lock file and this clone's writer id\n.rotactl/\n",
                                     encoding="utf-8")
    if git:
        try:
            subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise DomainError(f"git init failed ({exc}); use --no-git to skip it") from None


def _quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
