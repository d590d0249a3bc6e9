"""make bench: `next` and `register` on five years of history vs. one day (issue: ≤ 1.2×).

Generates (once, under bench-data/) two offices with the same roster and the
same current day: one with five years of synthetic history — 40 staff, about
500 entries a day, each past day sealed by a checkpoint as the nightly
rollover would — and one with only that day. Then times the real `rotactl`
command in subprocesses and prints the medians and their ratio.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotactl import keys as keys_mod  # noqa: E402
from rotactl.commands.day import create_office as init_office  # noqa: E402
from rotactl.core.replay import end_day, replay_day  # noqa: E402
from rotactl.core.state import Carry  # noqa: E402
from rotactl.policy import default_policy  # noqa: E402
from rotactl.store import codecs, records as codec  # noqa: E402
from rotactl.store import months  # noqa: E402
from rotactl.store.files import Store, partition  # noqa: E402
from rotactl.store.index import month_keys  # noqa: E402

DATA = ROOT / "bench-data"
ROTACTL = str(Path(sys.executable).with_name("rotactl"))
STAFF = [f"s{i:02d}" for i in range(40)]
TODAY = dt.date(2026, 11, 2)
YEARS = 5
RUNS = 9
VERSION = "4"   # 4: ledger format 2   # of the generated history: another version is regenerated
CSV_PASS = """
import csv, sys
from pathlib import Path
rows = 0
for path in sorted(Path(sys.argv[1]).rglob("*.*")):
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            rows += 1
print(rows)
"""


class Writer:
    """Appends chained entries straight to files (the generator's fast path), in ledger format 2:
    phones as identities made with the office key, each number encrypted where it is typed."""

    def __init__(self, root: Path):
        self.root, self.heads, self.buffers, self.seq = root, {}, {}, 0
        self.keys = keys_mod.load(root, keys_mod.read_office(root))
        self.ids: dict[str, str] = {}

    def phone(self, full: str) -> str:
        if full not in self.ids:
            self.ids[full] = self.keys.identity(full)
        return self.ids[full]

    def add(self, record: dict) -> dict:
        self.seq += 1
        record = {"id": f"e{record['at'][:10].replace('-', '')}{self.seq:012d}-000000", **record,
                  "actor": "bench"}
        for name in ("phone", "other"):
            if record.get(name):
                full = record[name]
                record[name] = self.phone(full)
                if record["kind"] in ("visit", "call", "report-in"):
                    record[f"{name}_enc"] = self.keys.encrypt(full)
        if record.get("mask"):
            cc, digits = record["mask"].split(" ")
            record["mask"] = self.keys.mask_key(cc, digits[:3], digits[-4:])
        record = {k: v for k, v in record.items() if v != ""}
        record["writer"] = "bench0"
        rel = partition(record["at"], record["kind"])
        prev = self.heads.get(rel, "")
        if prev:
            record["prev"] = prev
        self.buffers.setdefault(rel, []).append(codecs.JSONL.seal(prev, record))
        self.heads[rel] = record["hash"]
        return record

    def flush(self) -> None:
        for rel, lines in self.buffers.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            new = not path.exists()
            with open(path, "a", encoding="utf-8") as handle:
                handle.write((codecs.codec_for(rel).header if new else "") + "".join(lines))
        self.buffers = {}


def day_records(w: Writer, day: str, rng: random.Random, phones: list[str], n_visits: int) -> list[dict]:
    out = [w.add({"at": f"{day} 08:{i // 10 + 30:02d}:{i % 10:02d}", "kind": "check-in", "staff": s})
           for i, s in enumerate(STAFF)]
    minute = 9 * 60
    for i in range(n_visits):
        t = f"{day} {minute // 60:02d}:{minute % 60:02d}:{i % 60:02d}"
        phone = f"+86 139{rng.randrange(10**8):08d}"
        phones.append(phone)
        receiver = STAFF[i % len(STAFF)]
        out.append(w.add({"at": t, "kind": "call" if i % 5 == 0 else "visit", "phone": phone, "name": "客户",
                          "receiver": receiver, "counted": "1", "rule": "ROT-NEXT", "claim": receiver}))
        out.append(w.add({"at": t, "kind": "done", "staff": receiver}))
        if i % 7 == 0 and len(phones) > 50:
            out.append(w.add({"at": t, "kind": "follow-up", "phone": rng.choice(phones[-5000:]),
                              "staff": receiver, "note": "电话回访"}))
        if i % 20 == 0:
            out.append(w.add({"at": t, "kind": "deal", "phone": phone, "staff": receiver, "stage": "deposit",
                              "amount": "1000000"}))
        if i % 30 == 0 and len(phones) > 50:          # a relative registered earlier (ATT-FAMILY)
            out.append(w.add({"at": t, "kind": "link", "phone": phone, "other": rng.choice(phones[-3000:-1]),
                              "relation": "spouse"}))
        if i % 45 == 0 and len(phones) > 50:          # someone else's customer closed (a collision)
            out.append(w.add({"at": t, "kind": "deal", "phone": rng.choice(phones[-300:]), "staff": receiver,
                              "stage": "contract", "amount": "2000000"}))
        if i % 50 == 1:                               # a report-in by two agencies, one masked (报备)
            early = f"{day} 08:00:{i % 60:02d}"
            for agency, masked in (("链家", True), ("我爱我家", False)):
                out.append(w.add({"at": early, "kind": "report-in", "agency": agency, "agent": "经纪人",
                                  "name": "客户", "phone": "" if masked else phone,
                                  "mask": phone[:7] + "****" + phone[-4:] if masked else "", "expect": t}))
        if i % 200 == 0 and len(phones) > 50:
            out.append(w.add({"at": t, "kind": "claim", "phone": rng.choice(phones[-300:]),
                              "staff": STAFF[(i + 1) % len(STAFF)], "note": "认出"}))
        minute += 2
    return out


def build(root: Path, years: int, git: bool = False) -> None:
    """An office with `years` of synthetic history, every past day sealed as rollover seals it."""
    if (root / ".bench-complete").exists() and (root / ".bench-complete").read_text() == VERSION:
        return
    if root.exists():
        shutil.rmtree(root)
    print(f"generating {root.name} ({years} years of history)…", flush=True)
    init_office(root, "default", "基准测试售楼处", None, git=False)
    policy = default_policy()
    w = Writer(root)
    rng = random.Random(7)
    first = TODAY - dt.timedelta(days=365 * years)
    roster = [w.add({"at": f"{first.isoformat()} 07:00:00", "kind": "staff-add", "staff": s, "name": f"销售{s}",
                     "role": "sales"}) for s in STAFF]
    carry = Carry()
    phones: list[str] = []
    day = first
    pending = roster
    store = Store(root)
    while day < TODAY:
        records = pending + day_records(w, day.isoformat(), rng, phones, 220)
        pending = []
        w.flush()
        carry = end_day(replay_day(carry, day.isoformat(), policy, [codec.decode(r) for r in records]))
        store.seal(day.isoformat(), carry.to_dict())
        if months.month_of_last_day(day.isoformat()):       # as rollover does
            months.write(store, day.isoformat()[:7], month_keys)
        store._scans.clear()
        day += dt.timedelta(days=1)
    day_records(w, TODAY.isoformat(), rng, phones, 110)   # today, half done, unsealed
    w.flush()
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@localhost",
                        "commit", "-qm", "bench history"], check=True)
    (root / ".bench-complete").write_text(VERSION)


def build_one_day(root: Path) -> None:
    if (root / ".bench-complete").exists() and (root / ".bench-complete").read_text() == VERSION:
        return
    if root.exists():
        shutil.rmtree(root)
    init_office(root, "default", "基准测试售楼处", None, git=False)
    w = Writer(root)
    for s in STAFF:
        w.add({"at": f"{TODAY.isoformat()} 07:00:00", "kind": "staff-add", "staff": s, "name": f"销售{s}",
               "role": "sales"})
    day_records(w, TODAY.isoformat(), random.Random(7), [], 110)
    w.flush()
    (root / ".bench-complete").write_text(VERSION)


def timed(root: Path, args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([ROTACTL, "-C", str(root), "--as", "desk", "--format", "json", *args],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{args}: exit {proc.returncode}: {proc.stderr.strip()}")
    return elapsed


def measure(root: Path, tag: str) -> dict[str, float]:
    at = ["--at", f"{TODAY.isoformat()} 16:00"]
    timed(root, at + ["who", "13900000001"])  # warm the derived index (rebuildable cache)
    nexts, registers = [], []
    for i in range(RUNS):
        nexts.append(timed(root, at + ["next"]))
        registers.append(timed(root, at + ["register", "--name", "基准", "--phone", f"137{hash((tag, i)) % 10**8:08d}"]))
        out = subprocess.run([ROTACTL, "-C", str(root), "--format", "json", *at, "log", "--kind", "visit"],
                             capture_output=True, text=True).stdout
        last = json.loads(out)[-1]["receiver"]  # free the receiver again (not timed)
        subprocess.run([ROTACTL, "-C", str(root), *at, "done", last], capture_output=True)
    return {"next": statistics.median(nexts), "register": statistics.median(registers)}


def bare_csv(root: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CSV_PASS, str(root / "ledger")], check=True, capture_output=True)
    return time.perf_counter() - start


def measure_reads(root: Path) -> dict[str, float]:
    """`disputes` and `report month` over all history vs. a bare csv.reader pass over the same files."""
    at = ["--at", f"{TODAY.isoformat()} 16:00"]
    timed(root, at + ["disputes"])    # the derived index is already warm; one untimed run all the same
    runs: dict[str, list[float]] = {"disputes": [], "report month": [], "csv.reader pass": []}
    for _ in range(max(3, RUNS // 2)):
        runs["disputes"].append(timed(root, at + ["disputes"]))
        runs["report month"].append(timed(root, at + ["report", "month"]))
        runs["csv.reader pass"].append(bare_csv(root))
    return {name: statistics.median(times) for name, times in runs.items()}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="rotactl's benchmark (make bench)")
    parser.add_argument("--build", metavar="DIR", type=Path,
                        help="only build a synthetic office (ledger format 2) at DIR, then exit")
    parser.add_argument("--years", type=int, default=YEARS, help="years of history for --build (default 5)")
    parser.add_argument("--git", action="store_true", help="with --build: make DIR a git repository")
    args = parser.parse_args()
    if args.build:
        t0 = time.perf_counter()
        build(args.build, args.years, git=args.git)
        lines = sum(p.read_bytes().count(b"\n") for p in (args.build / "ledger").rglob("*.jsonl"))
        print(f"{args.build}: {args.years} years, {lines} ledger lines, built in {time.perf_counter() - t0:.0f}s; "
              f"its key: {keys_mod.key_path(keys_mod.read_office(args.build)['id'])}")
        return
    DATA.mkdir(exist_ok=True)
    big, small = DATA / "five-years", DATA / "one-day"
    t0 = time.perf_counter()
    build(big, YEARS)
    build_one_day(small)
    entries = sum(p.read_bytes().count(b"\n") for p in (big / "ledger").rglob("*.*"))
    print(f"offices ready ({time.perf_counter() - t0:.0f}s); five-year office: {entries} ledger lines")
    one = measure(small, "one")
    five = measure(big, "five")
    print(f"\n{'command':10} {'one day':>10} {'five years':>12} {'ratio':>7}   (median of {RUNS} runs)")
    worst = 0.0
    for name in ("next", "register"):
        ratio = five[name] / one[name]
        worst = max(worst, ratio)
        print(f"{name:10} {one[name] * 1000:8.1f}ms {five[name] * 1000:10.1f}ms {ratio:7.2f}")
    print(f"\ntarget ≤ 1.20: {'met' if worst <= 1.2 else 'NOT met'} (worst ratio {worst:.2f})")
    reads = measure_reads(big)
    found = json.loads(subprocess.run([ROTACTL, "-C", str(big), "--format", "json", "--at",
                                       f"{TODAY.isoformat()} 16:00", "disputes"],
                                      capture_output=True, text=True).stdout)
    base = reads["csv.reader pass"]
    print(f"\nfive-year office, whole history ({len(found)} open disputes); median of "
          f"{max(3, RUNS // 2)} runs, each a fresh process")
    for name in ("csv.reader pass", "disputes", "report month"):
        print(f"{name:16} {reads[name] * 1000:8.1f}ms {reads[name] / base:7.2f}x")
    worst = max(reads["disputes"], reads["report month"]) / base
    print(f"target ≤ 3x the csv.reader pass: {'met' if worst <= 3 else 'NOT met'} (worst {worst:.2f}x)")


if __name__ == "__main__":
    main()
