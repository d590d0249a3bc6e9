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
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotactl.app.create import create_office as init_office
from rotactl.core.policy import default_policy
from rotactl.core.replay import end_day, replay_day
from rotactl.core.state import Carry
from rotactl.store import (
    codecs,
    months,
)
from rotactl.store import keyring as keys_mod
from rotactl.store import records as codec
from rotactl.store.files import Store, partition
from rotactl.store.index import month_keys

DATA = ROOT / "bench-data"
ROTACTL = str(Path(sys.executable).with_name("rotactl"))
STAFF = [f"s{i:02d}" for i in range(40)]
TODAY = dt.date(2026, 11, 2)
YEARS = 5
RUNS = 9
# of the generated history: another version is regenerated.
# 7: ledger format 3 (CSV), both offices git repositories, month indexes as CSV
VERSION = "7"
CSV_PASS = """
import csv, sys
from pathlib import Path
rows = 0
for path in sorted(Path(sys.argv[1]).rglob("*.*")):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            rows += 1
print(rows)
"""


class Writer:
    """Appends chained entries straight to files (the generator's fast path), in ledger format 3:
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
        self.buffers.setdefault(rel, []).append(codecs.LEDGER.seal(prev, record))
        self.heads[rel] = record["hash"]
        return record

    def flush(self) -> None:
        for rel, lines in self.buffers.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            new = not path.exists()
            with open(path, "a", encoding="utf-8") as handle:
                handle.write((codecs.LEDGER.header if new else "") + "".join(lines))
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
                              "amount": "1000000.00"}))
        if i % 30 == 0 and len(phones) > 50:          # a relative registered earlier (ATT-FAMILY)
            out.append(w.add({"at": t, "kind": "link", "phone": phone, "other": rng.choice(phones[-3000:-1]),
                              "relation": "spouse"}))
        if i % 45 == 0 and len(phones) > 50:          # someone else's customer closed (a collision)
            out.append(w.add({"at": t, "kind": "deal", "phone": rng.choice(phones[-300:]), "staff": receiver,
                              "stage": "contract", "amount": "2000000.00"}))
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
        _commit(root)
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
    _commit(root)        # a git office like the five-year one: both pay a commit per write
    (root / ".bench-complete").write_text(VERSION)


def _commit(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@localhost",
                    "commit", "-qm", "bench history"], check=True)


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}   # as users run it: bytecode cached
AT = ["--at", f"{TODAY.isoformat()} 16:00"]


def run(args: list[str]) -> tuple[float, int, str]:
    """One real process: (seconds, exit code, stdout); a refusal stops the bench."""
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, env=ENV)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{args}: exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()[:300]}")
    return elapsed, proc.returncode, proc.stdout.decode(errors="replace")


def rot(root: Path, *args: str) -> list[str]:
    return [ROTACTL, "-C", str(root), "--as", "desk", "--format", "json", *args]


def timed(root: Path, args: list[str]) -> float:
    return run(rot(root, *args))[0]


RSS = ("import resource, subprocess, sys\n"
       "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
       "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def peak_rss(args: list[str]) -> float:
    """Peak resident memory of one process, in MB (its rusage, as the kernel counted it)."""
    return int(run([sys.executable, "-c", RSS, *args])[2]) / 1024


def median_of(n: int, fn) -> float:
    return statistics.median(fn() for _ in range(n))


def free_last(root: Path) -> None:
    out = run(rot(root, *AT, "log", "--kind", "visit"))[2]
    subprocess.run(rot(root, *AT, "done", json.loads(out)[-1]["receiver"]), capture_output=True, env=ENV)


def history_independence(one: Path, five: Path) -> list[tuple]:
    """next / register / who on five years vs. one day, paired run by run."""
    rows = []
    for root in (one, five):
        timed(root, AT + ["who", "13900000001"])          # the derived index warm, the bytecode cached
    samples: dict[str, dict[str, list[float]]] = {"next": {}, "register": {}, "who": {}}
    for i in range(RUNS):
        for tag, root in (("one", one), ("five", five)):
            samples["next"].setdefault(tag, []).append(timed(root, AT + ["next"]))
            samples["who"].setdefault(tag, []).append(timed(root, AT + ["who", "13900000001"]))
            phone = f"137{hash((tag, i, time.time())) % 10**8:08d}"
            samples["register"].setdefault(tag, []).append(timed(root, AT + ["register", "--name", "基准",
                                                                              "--phone", phone]))
            free_last(root)
    for name, by in samples.items():
        a, b = statistics.median(by["one"]), statistics.median(by["five"])
        rows.append((f"{name}: five years vs one day", b, a, b / a, "≤ 1.2×", b / a <= 1.2))
    return rows


def cold_start(five: Path, work: Path) -> list[tuple]:
    """The first `who` and `register` on a fresh `git clone` against the same commands warm."""
    rows = []
    firsts: dict[str, list[float]] = {"who": [], "register": []}
    warms: dict[str, list[float]] = {"who": [], "register": []}
    for i in range(3):
        for name in ("who", "register"):
            clone = work / f"clone-{name}-{i}"
            shutil.rmtree(clone, ignore_errors=True)
            subprocess.run(["git", "clone", "-q", str(five), str(clone)], check=True)
            args = AT + (["who", "13900000001"] if name == "who" else
                         ["register", "--name", "首次", "--phone", f"1360000{i:04d}"])
            firsts[name].append(timed(clone, args))
            if name == "register":
                free_last(clone)
            for j in range(3):
                warm = AT + (["who", "13900000001"] if name == "who" else
                             ["register", "--name", "再次", "--phone", f"1350000{i}{j:03d}"])
                warms[name].append(timed(clone, warm))
                if name == "register":
                    free_last(clone)
            shutil.rmtree(clone)
    for name in ("who", "register"):
        first, warm = statistics.median(firsts[name]), statistics.median(warms[name])
        rows.append((f"first {name} on a fresh git clone", first, warm, first / warm, "≤ 5× and ≤ 3 s",
                     first / warm <= 5 and first <= 3))
    return rows


def bare_csv(root: Path) -> float:
    return run([sys.executable, "-c", CSV_PASS, str(root / "ledger")])[0]


def full_passes(five: Path) -> list[tuple]:
    """Whole-history commands against a bare csv.reader pass over the same files, paired."""
    first_day = (TODAY - dt.timedelta(days=365 * YEARS)).isoformat()
    commands = {"check --full": AT + ["check", "--full"],
                f"log --since {first_day}": AT + ["log", "--since", first_day],
                f"log --format csv --since {first_day}": AT + ["--format", "csv", "log", "--since", first_day],
                "disputes": AT + ["disputes"], "report month": AT + ["report", "month"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    base: list[float] = []
    for _ in range(3):
        base.append(bare_csv(five))
        for name, args in commands.items():
            times[name].append(timed(five, args))
    csv_pass = statistics.median(base)
    rows = [("csv.reader pass (reference)", csv_pass, csv_pass, 1.0, "", True)]
    targets = {"check --full": 3.0, f"log --since {first_day}": 3.0, f"log --format csv --since {first_day}": 3.0,
               "disputes": 3.0, "report month": 3.0}
    for name in commands:
        t = statistics.median(times[name])
        rows.append((f"{name} (five years)", t, csv_pass, t / csv_pass, f"≤ {targets[name]:g}× csv pass",
                     t / csv_pass <= targets[name]))
    for name, args in commands.items():
        rss = peak_rss(rot(five, *args))
        rows.append((f"peak RSS of {name}", rss, 200.0, rss / 200, "≤ 200 MB", rss <= 200))
    return rows + daily_check(five)


def daily_check(five: Path) -> list[tuple]:
    """The nightly `check` after a rollover (one new day since the last clean check) against `next`."""
    checks, nexts = [], []
    for i in range(3):
        clone = DATA / "work" / f"daily-{i}"
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(five), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "status", "--short"], capture_output=True, check=True)
        timed(clone, ["--at", f"{TODAY.isoformat()} 16:00", "check", "--full"])       # the night before
        timed(clone, ["--at", f"{(TODAY + dt.timedelta(days=1)).isoformat()} 00:30", "rollover"])
        checks.append(timed(clone, ["--at", f"{(TODAY + dt.timedelta(days=1)).isoformat()} 00:35", "check"]))
        nexts.append(timed(clone, ["--at", f"{(TODAY + dt.timedelta(days=1)).isoformat()} 09:00", "next"]))
        shutil.rmtree(clone)
    c, n = statistics.median(checks), statistics.median(nexts)
    return [("daily check (one new day) vs next", c, n, c / n, "≤ 1.2× next", c / n <= 1.2)]


def start_up(one: Path) -> list[tuple]:
    py = [sys.executable, "-c", "pass"]
    runs = {"python -c pass": py, "rotactl --version": [ROTACTL, "--version"], "next": rot(one, *AT, "next"),
            "import click": [sys.executable, "-c", "import click"]}
    samples: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(RUNS * 2):
        for name, args in runs.items():
            samples[name].append(run(args)[0])
    base = statistics.median(samples["python -c pass"])
    version, nxt = statistics.median(samples["rotactl --version"]), statistics.median(samples["next"])
    click_only = statistics.median(samples["import click"])
    return [("python -c pass (reference)", base, base, 1.0, "", True),
            ("rotactl --version", version, base, version / base, "≤ 1.5×", version / base <= 1.5),
            ("next (one-day office)", nxt, base, nxt / base, "≤ 2.5×", nxt / base <= 2.5),
            ("python -c 'import click' (floor of a click CLI)", click_only, base, click_only / base, "(floor)", True)]


def parallel_desks(five: Path, work: Path, desks: int = 16, each: int = 50) -> list[tuple]:
    """16 desks registering at once in one office (a git clone of the five-year office)."""
    office = work / "desks"
    shutil.rmtree(office, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(five), str(office)], check=True)
    timed(office, AT + ["who", "13900000001"])
    script = (
        "import json, subprocess, sys\n"
        "office, desk, each, rotactl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]\n"
        "ok = 0\n"
        "for i in range(each):\n"
        "    base = [rotactl, '-C', office, '--as', 'desk', '--format', 'json', '--at', 'TODAY 16:00']\n"
        "    p = subprocess.run(base + ['register', '--name', '并发', '--phone', f'138{desk:03d}{i:05d}'],\n"
        "                       capture_output=True, text=True)\n"
        "    if p.returncode == 0:\n"
        "        ok += 1\n"
        "        subprocess.run(base + ['done', json.loads(p.stdout)['receiver']], capture_output=True)\n"
        "    else:\n"
        "        print(p.stderr.strip(), file=sys.stderr)\n"
        "print(ok)\n").replace("TODAY", TODAY.isoformat())
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", script, str(office), str(d), str(each), ROTACTL],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV) for d in range(desks)]
    results = [p.communicate() for p in procs]
    elapsed = time.perf_counter() - start
    acknowledged = sum(int(out.decode().strip() or 0) for out, _err in results)
    log = json.loads(run(rot(office, *AT, "log", "--kind", "visit"))[2])
    stored = sum(1 for e in log if e.get("name") == "并发")
    turns = [e.get("after") for e in json.loads(run(rot(office, *AT, "log"))[2]) if e.get("after")]
    duplicates = len(turns) - len(set(turns))
    rate = acknowledged / elapsed
    shutil.rmtree(office)
    floor = (f"import subprocess, sys\nfor i in range({each}):\n"
             f"    for _ in range(2):\n        subprocess.run([sys.executable, '-c', 'import click'])\n")
    start = time.perf_counter()
    for p in [subprocess.Popen([sys.executable, "-c", floor], env=ENV) for _ in range(desks)]:
        p.wait()
    ceiling = desks * each / (time.perf_counter() - start)
    return [(f"{desks} desks × {each} registers (+ done)", rate, 8.0, rate / 8, "≥ 8 registers/s", rate >= 8),
            ("registers acknowledged / stored / lost", acknowledged, stored, float(acknowledged - stored),
             "0 lost", acknowledged == stored == desks * each),
            (f"ceiling: {desks} desks × {each} × 2 `python -c 'import click'`", ceiling, 8.0, ceiling / 8,
             "≥ 8 registers/s (floor)", ceiling >= 8),
            ("duplicate turns (same `after`)", duplicates, 0, float(duplicates), "0", duplicates == 0)]


def rollover_cost(one: Path, five: Path, work: Path) -> list[tuple]:
    """The nightly rollover: close today in a copy of each office, five years vs one day."""
    samples: dict[str, list[float]] = {"one": [], "five": []}
    for i in range(3):
        for tag, root in (("one", one), ("five", five)):
            copy = work / f"roll-{tag}-{i}"
            shutil.rmtree(copy, ignore_errors=True)
            if (root / ".git").is_dir():
                subprocess.run(["git", "clone", "-q", str(root), str(copy)], check=True)
            else:
                shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".rotactl"))
            timed(copy, AT + ["who", "13900000001"])
            if (copy / ".git").is_dir():   # an office in use: git's index settled (a fresh clone re-hashes once)
                subprocess.run(["git", "-C", str(copy), "status", "--short"], capture_output=True, check=True)
                # and written after its files' timestamps: right after a clone, files written in the index's
                # own tick are "racily clean" and the first `git add` re-hashes them (measured 8-371 ms
                # at five years), which an office in use since the evening never sees
                time.sleep(1.1)
                subprocess.run(["git", "-C", str(copy), "update-index", "-q", "--really-refresh"],
                               capture_output=True)
            samples[tag].append(timed(copy, ["--at", f"{(TODAY + dt.timedelta(days=1)).isoformat()} 00:30",
                                             "rollover"]))
            shutil.rmtree(copy)
    a, b = statistics.median(samples["one"]), statistics.median(samples["five"])
    return [("nightly rollover: five years vs one day", b, a, b / a, "≤ 1.2×", b / a <= 1.2)]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="rotactl's benchmark (make bench)")
    parser.add_argument("--build", metavar="DIR", type=Path,
                        help="only build a synthetic office (ledger format 3) at DIR, then exit")
    parser.add_argument("--years", type=int, default=YEARS, help="years of history for --build (default 5)")
    parser.add_argument("--git", action="store_true", help="with --build: make DIR a git repository")
    parser.add_argument("groups", nargs="*", help="only the figure groups whose title holds one of these words")
    args = parser.parse_args()
    if args.build:
        t0 = time.perf_counter()
        build(args.build, args.years, git=args.git)
        lines = sum(p.read_bytes().count(b"\n") for p in (args.build / "ledger").rglob("*.csv"))
        print(f"{args.build}: {args.years} years, {lines} ledger lines, built in {time.perf_counter() - t0:.0f}s; "
              f"its key: {keys_mod.key_path(keys_mod.read_office(args.build)['id'])}")
        return
    DATA.mkdir(exist_ok=True)
    big, small, work = DATA / "five-years", DATA / "one-day", DATA / "work"
    work.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    build(big, YEARS, git=True)
    build_one_day(small)
    lines = sum(p.read_bytes().count(b"\n") for p in (big / "ledger").rglob("*.csv"))
    size = sum(p.stat().st_size for p in (big / "ledger").rglob("*.csv")) / 2**20
    print(f"offices ready ({time.perf_counter() - t0:.0f}s); five-year office: {lines} ledger lines, {size:.0f} MB;"
          f" medians of paired runs, each a fresh process, bytecode cached", flush=True)
    groups = [("history independence", lambda: history_independence(small, big)),
              ("nightly rollover", lambda: rollover_cost(small, big, work)),
              ("cold start", lambda: cold_start(big, work)),
              ("whole-history passes", lambda: full_passes(big)),
              ("start-up", lambda: start_up(small)),
              ("parallel desks", lambda: parallel_desks(big, work))]
    only = set(args.groups)
    for title, measure in groups:
        if only and not any(word in title for word in only):
            continue
        print(f"\n== {title}", flush=True)
        for name, value, _ref, ratio, target, met in measure():
            unit = "MB" if "RSS" in name else ("/s" if "≥" in target else ("" if isinstance(value, int) else "s"))
            shown = f"{value:9.3f}{unit}" if isinstance(value, float) and unit != "/s" else f"{value:>10}"
            if unit == "/s":
                shown = f"{value:8.2f}/s"
            print(f"{name:46} {shown:>12} {ratio:8.2f}×  {target:22} {'met' if met else 'NOT met'}", flush=True)


if __name__ == "__main__":
    main()
