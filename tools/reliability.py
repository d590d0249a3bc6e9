"""make reliability: the ledger's promises under concurrency, crashes and tampering (SPEC §3, §4.2).

Three sections, each a list of figures; the table at the end says which are not
perfect, and the exit status is 1 if any is not.

writers  N writer processes each run `register` (then `done` for the receiver) on
         one office while another process deletes the `.rotactl/` cache folder every
         20-50 ms. Days are separated by a barrier and a `rollover` (a floor has a few
         hundred walk-ins a day, not thousands). Then: no acknowledged entry lost, no
         torn line, no duplicate turn (every reception's receiver is what a fresh
         `next` said just before it, its `after` names the reception before it, no two
         consecutive receptions go to one person, counted receptions differ by at most
         one per day), `check` clean. Once on a --no-git office (the big run), once on a
         git office (every acknowledged entry is in a commit of its own command).
kill     `kill -9` (the whole process group: rotactl and its git) of a real `rotactl
         register` or `rotactl rollover` process after a random delay spread over the
         command's own run time; then the documented recovery (remove a torn last line,
         re-run rollover) and: no acknowledged entry lost, no day-end entry written
         twice, `check` clean. The jiuzhou preset writes day-end entries (PEN-HALF) when
         a Sunday is closed, so every rollover here closes a Sunday.
tamper   an open day and a sealed day of N floor lines (git office: the committed copy
         is the anchor), the sealed day again in a --no-git office (only the checkpoint
         and the chains), and a closed Sunday's notes file holding rollover's unchained
         day-end lines; single-bit flips, deleted, swapped and duplicated lines,
         truncations (inside a line and at a line end), checkpoint edits (with and
         without renaming it to its new hash), a deleted checkpoint, a forged reseal.
         Each is applied to a copy of the office and `check` run; detected = exit 3
         with a `FILE:LINE:` naming the tampered file within one line of the change (or
         line 1 / the checkpoint for a whole-file problem; for a checkpoint edit, any of
         its day's files). A mutation after which rotactl reads exactly the same entries
         with no problem (day-end lines moved or repeated, as a union merge may) is
         listed as inert instead. Checks run in a process pool, each worker on its own
         `cp -a` copy (mutate, check in-process, restore); a sample is re-run through
         the real `rotactl check` on a fresh `cp -a` copy to show both agree.

Sections run in parallel child processes (--serial: one after the other): the writers
are serialized by the office lock, so the others use the rest of the machine.

Usage: `python tools/reliability.py [--short] [--only writers,kill,tamper] [--json FILE]`
(`--help` for every size). Temporary offices live under one temp folder, removed at
the end unless `--keep`.
"""
from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_SCRIPT = Path(sys.executable).with_name("rotactl")
ROTACTL = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rotactl"]
MANAGER = "m"
PROBLEM = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+): ")
SECTIONS = ("writers", "kill", "tamper")


# -- running rotactl ---------------------------------------------------------------------------------

@dataclass
class Result:
    rc: int
    out: str
    err: str
    seconds: float = 0.0

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError:
            return None

    def first_error(self) -> str:
        lines = [x for x in self.err.strip().splitlines() if x.strip()]
        return lines[0][:200] if lines else f"(exit {self.rc}, no message)"


def run(cmd: list[str], timeout: float = 120, cwd=None) -> Result:
    """A subprocess in its own process group, killed as a group on timeout (exit 124)."""
    start = time.monotonic()
    proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=cwd, start_new_session=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        out, err = proc.communicate(timeout=timeout)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        _killpg(proc)
        out, err = proc.communicate()
        rc, err = 124, (err or "") + f"\n(timed out after {timeout:.0f} s)"
    return Result(rc, out or "", err or "", time.monotonic() - start)


def rotactl(office: Path, *args, at: str | None = None, fmt: str | None = None, timeout: float = 120) -> Result:
    """The real `rotactl` command, as a subprocess."""
    return run([*ROTACTL, *_args(office, args, at, fmt)], timeout=timeout)


def inproc(office: Path | None, *args, at: str | None = None, fmt: str | None = None, timeout: float = 0) -> Result:
    """The same command in this process (click's test runner): rotactl's own code path, lock included,
    without paying Python's start-up for each of thousands of commands."""
    from click.testing import CliRunner

    from rotactl.cli import cli

    start = time.monotonic()
    result = CliRunner().invoke(cli, _args(office, args, at, fmt))
    err = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        err += f"\n(exception in the runner: {type(result.exception).__name__}: {result.exception})"
    return Result(result.exit_code, result.stdout, err, time.monotonic() - start)


def _args(office, args, at, fmt) -> list[str]:
    out = ["-C", str(office)] if office is not None else []
    if at:
        out += ["--at", at]
    out += ["--as", MANAGER]
    if fmt:
        out += ["--format", fmt]
    return out + [str(a) for a in args]


def _killpg(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def must(result: Result, what: str) -> Result:
    if result.rc != 0:
        raise SetupError(f"{what}: exit {result.rc}: {result.first_error()}")
    return result


class SetupError(RuntimeError):
    """A step that builds the scene failed: the section cannot measure anything."""


def new_office(path: Path, preset: str, staff: list[str], day0: str, git: bool) -> None:
    must(inproc(None, "init", path, "--preset", preset, "--manager", MANAGER, "--name", "周杰",
                *([] if git else ["--no-git"]), at=f"{day0} 07:00"), "init")
    for sid in staff:
        must(inproc(path, "staff", "add", sid, "--name", f"销售{sid}", at=f"{day0} 07:30"), f"staff add {sid}")


def add_days(day: str, n: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=n)).isoformat()


def ledger_files(office: Path) -> list[Path]:
    return sorted(p for p in (office / "ledger").rglob("*") if p.is_file())


def torn_files(office: Path) -> list[str]:
    out = []
    for path in ledger_files(office):
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            out.append(path.relative_to(office).as_posix())
    return out


def raw_records(office: Path, day: str | None = None) -> list[dict]:
    """Every ledger line as written (decoded by rotactl's codecs), duplicates included, with its place."""
    from rotactl.store import codecs

    out = []
    for path in ledger_files(office):
        rel = path.relative_to(office).as_posix()
        if day and not rel.startswith(f"ledger/{day[:7]}/{day[8:10]}."):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n")[1:], start=2):
            if not line:
                continue
            try:
                record = dict(codecs.decode_line(line.encode())[0])
            except Exception:           # noqa: BLE001 - a torn or broken line: check reports it
                continue
            out.append({**record, "_file": rel, "_line": number})
    return out


def log_entries(office: Path, since: str, subprocess_: bool = True) -> tuple[list[dict] | None, str]:
    result = (rotactl if subprocess_ else inproc)(office, "log", "--since", since, fmt="json", timeout=300)
    data = result.json()
    if result.rc != 0 or not isinstance(data, list):
        return None, result.first_error()
    return data, ""


def check_office(office: Path, subprocess_: bool = True) -> tuple[bool, list[str], str]:
    """(ok, problems, summary) of `rotactl check --format json`."""
    result = (rotactl if subprocess_ else inproc)(office, "check", fmt="json", timeout=600)
    data = result.json()
    if not isinstance(data, dict):
        return False, [result.first_error()], f"exit {result.rc}, no JSON"
    problems = list(data.get("problems", []))
    ok = result.rc == 0 and data.get("ok") is True and not problems
    return ok, problems, f"exit {result.rc}, {data.get('entries')} entries, {len(problems)} problems"


# -- figures -----------------------------------------------------------------------------------------

@dataclass
class Figure:
    section: str
    name: str
    value: str
    target: str
    ok: bool
    note: str = ""


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, section: str, name: str, value, target: str, ok: bool | None = None, note: str = "") -> None:
        if ok is None:   # a count whose target is "0"
            ok = value == 0
        self.figures.append(Figure(section, name, str(value), target, bool(ok), note))

    def info(self, section: str, name: str, value, note: str = "") -> None:
        self.figures.append(Figure(section, name, str(value), "-", True, note))

    def zero(self, section: str, name: str, value: int, note: str = "") -> None:
        self.add(section, name, value, "0", value == 0, note)

    def percent(self, section: str, name: str, hit: int, total: int, note: str = "") -> None:
        pct = 100.0 * hit / total if total else 100.0
        self.add(section, name, f"{hit}/{total} ({pct:.1f}%)", "100%", hit == total, note)

    def say(self, text: str) -> None:
        self.notes.append(text)
        print(text, flush=True)

    def failed(self) -> list[Figure]:
        return [f for f in self.figures if not f.ok]

    def table(self) -> str:
        rows = [("section", "figure", "value", "target", "")]
        rows += [(f.section, f.name, f.value, f.target, "ok" if f.ok else "FAIL") for f in self.figures]
        widths = [max(_width(r[i]) for r in rows) for i in range(5)]
        lines = []
        for n, row in enumerate(rows):
            lines.append("  ".join(_pad(c, widths[i]) for i, c in enumerate(row)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        for f in self.figures:
            if f.note and (not f.ok or f.target == "-"):
                text = f.note if not f.ok else f.note[:300] + ("…" if len(f.note) > 300 else "")
                lines.append(f"  {'FAIL ' if not f.ok else ''}{f.section}/{f.name}: {text}")
        return "\n".join(lines)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# -- 1. writers ------------------------------------------------------------------------------------------

def worker_main(spec: dict) -> None:
    """One writer process: for each day, wait for its gate, then `register` + `done` n times; one JSON
    line per command on stdout."""
    office, gate, w = Path(spec["office"]), Path(spec["gate"]), spec["writer"]
    subprocess_ = spec["exec"] == "subprocess"
    call = rotactl if subprocess_ else inproc
    if not subprocess_:
        inproc(None, "--help")          # import rotactl before the gate opens
    out = sys.stdout
    for phase, (day, count) in enumerate(spec["days"]):
        deadline = time.monotonic() + spec["gate_timeout"]
        while not (gate / f"go.{phase}").exists():
            if time.monotonic() > deadline:
                print(json.dumps({"op": "gate", "phase": phase, "rc": 124, "err": "gate never opened"}), file=out)
                return
            time.sleep(0.005)
        at = f"{day} 10:00"
        for i in range(count):
            phone = f"139{w:02d}{phase:02d}{i:04d}"
            r = call(office, "register", "--name", f"客户{w}-{i}", "--phone", phone, at=at, fmt="json")
            data = r.json() if r.rc == 0 else None
            row = {"op": "register", "phase": phase, "day": day, "rc": r.rc, "s": round(r.seconds, 4),
                   "phone": phone, "entry": None, "receiver": None}
            if isinstance(data, dict):
                row.update(entry=data.get("entry"), receiver=data.get("receiver"), counted=data.get("counted"),
                           rule=data.get("rule"), skipped=data.get("skipped"))
            elif r.rc == 0:
                row.update(rc=-1, err=f"exit 0 without the JSON: {r.out[:200]!r}")
            if r.rc != 0:
                row["err"] = r.first_error()
            print(json.dumps(row, ensure_ascii=False), file=out, flush=True)
            if row["receiver"]:
                d = call(office, "done", row["receiver"], at=at, fmt="json")
                print(json.dumps({"op": "done", "phase": phase, "day": day, "rc": d.rc, "s": round(d.seconds, 4),
                                  "staff": row["receiver"], "err": d.first_error() if d.rc else ""},
                                 ensure_ascii=False), file=out, flush=True)
        (gate / f"done.{phase}.{w}").write_text("")


def wiper_main(spec: dict) -> None:
    """Delete the office's `.rotactl/` every 20-50 ms until the stop file appears; print the count."""
    office, stop = Path(spec["office"]), Path(spec["stop"])
    lo, hi = spec["ms"]
    rng = random.Random(spec["seed"])
    wiped = 0
    deadline = time.monotonic() + spec["timeout"]
    while not stop.exists() and time.monotonic() < deadline:
        until = time.monotonic() + rng.uniform(lo, hi) / 1000
        while time.monotonic() < until and not stop.exists():
            time.sleep(min(0.05, max(0.0, until - time.monotonic())))
        cache = office / ".rotactl"
        if cache.exists():
            shutil.rmtree(cache, ignore_errors=True)
            wiped += 1
    print(json.dumps({"wiped": wiped}))


def section_writers(report: Report, tmp: Path, args, *, git: bool, writers: int, registers: int, label: str) -> None:
    sec = label
    staff = [f"s{i:02d}" for i in range(args.staff or 2 * writers + 1)]
    day0 = "2026-11-01"
    per_day = max(1, args.day_size)
    total = writers * registers
    phases = []        # per phase: (day, registers per writer)
    left, day = registers, add_days(day0, 1)
    while left > 0:
        n = min(left, max(1, per_day // writers))
        phases.append((day, n))
        left -= n
        day = add_days(day, 1)
    slug = label.replace("/", "-")
    office = tmp / f"{slug}-office"
    gate = tmp / f"{slug}-gate"
    gate.mkdir()
    t0 = time.monotonic()
    new_office(office, "default", staff, day0, git)
    setup_writes = 1 + len(staff)              # init (one commit, the manager included); staff adds
    procs, outs = [], []
    for w in range(writers):
        spec = {"office": str(office), "gate": str(gate), "writer": w, "days": phases, "exec": args.exec,
                "gate_timeout": args.timeout}
        fh = open(tmp / f"{slug}-writer{w}.jsonl", "w+", encoding="utf-8")
        outs.append(fh)
        procs.append(subprocess.Popen([sys.executable, __file__, "_worker", json.dumps(spec)], stdout=fh,
                                      stderr=subprocess.STDOUT, start_new_session=True))
    stop = gate / "stop"
    wiper = subprocess.Popen([sys.executable, __file__, "_wiper",
                              json.dumps({"office": str(office), "stop": str(stop), "ms": args.wipe_ms,
                                          "seed": args.seed, "timeout": args.timeout * (len(phases) + 1)})],
                             stdout=subprocess.PIPE, text=True, start_new_session=True)
    setup_failures: list[str] = []
    t_run = time.monotonic()
    try:
        for phase, (day, _n) in enumerate(phases):
            r = inproc(office, "check-in", *staff, at=f"{day} 09:00")
            setup_writes += r.rc == 0
            if r.rc != 0:
                setup_failures.append(f"check-in {day}: {r.first_error()}")
            (gate / f"go.{phase}").write_text("")
            deadline = time.monotonic() + args.timeout
            while len(list(gate.glob(f"done.{phase}.*"))) < writers:
                if all(p.poll() is not None for p in procs) or time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            if phase + 1 < len(phases):
                r = inproc(office, "rollover", "--date", day, at=f"{add_days(day, 1)} 07:00", fmt="json")
                setup_writes += r.rc == 0
                if r.rc != 0:
                    setup_failures.append(f"rollover {day}: {r.first_error()}")
        for p in procs:
            try:
                p.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _killpg(p)
                p.wait()
    finally:
        stop.write_text("")
        try:
            wiped = json.loads(wiper.communicate(timeout=30)[0] or "{}").get("wiped", 0)
        except (subprocess.TimeoutExpired, ValueError):
            _killpg(wiper)
            wiped = "?"
        for p in procs:
            if p.poll() is None:
                _killpg(p)
                p.wait()
    run_seconds = time.monotonic() - t_run
    rows = []
    for fh in outs:
        fh.seek(0)
        for line in fh:
            try:
                rows.append(json.loads(line))
            except ValueError:
                rows.append({"op": "crash", "rc": -2, "err": line.strip()[:200]})
        fh.close()
    regs = [r for r in rows if r["op"] == "register"]
    acked = [r for r in regs if r["rc"] == 0 and r.get("entry")]
    dones = [r for r in rows if r["op"] == "done"]
    failures = [r for r in rows if r.get("rc") != 0]
    report.info(sec, "office", f"{'git' if git else '--no-git'}, {len(staff)} staff, {len(phases)} days, "
                f"exec {args.exec}")
    report.add(sec, "registers acknowledged", f"{len(acked)}/{total}", f"{total}/{total}", len(acked) == total,
               note=_samples(failures))
    report.zero(sec, "failed commands (any exit != 0)", len(failures), note=_samples(failures))
    report.zero(sec, "setup commands failed", len(setup_failures), note="; ".join(setup_failures[:3]))
    report.info(sec, "cache wipes during the run", wiped)
    secs = [r["s"] for r in rows if "s" in r]
    if secs:
        report.info(sec, "command seconds median / p99 / max",
                    f"{statistics.median(secs):.3f} / {_pct(secs, 99):.3f} / {max(secs):.3f}")
    report.info(sec, "wall time (s)", f"{run_seconds:.1f} ({(len(regs) + len(dones)) / max(run_seconds, 1e-9):.1f} "
                "commands/s)")

    # lost / torn / check
    entries, why = log_entries(office, day0)
    if entries is None:
        report.add(sec, "log readable", why, "yes", False)
        entries = []
    in_log = {e["id"] for e in entries}
    lost = [r["entry"] for r in acked if r["entry"] not in in_log]
    report.zero(sec, "acknowledged registers lost", len(lost), note=", ".join(lost[:5]))
    done_acked = collections.Counter(r["day"] for r in dones if r["rc"] == 0)
    done_logged = collections.Counter(e["at"][:10] for e in entries if e["kind"] == "done")
    short = sum(max(0, n - done_logged.get(d, 0)) for d, n in done_acked.items())
    report.zero(sec, "acknowledged dones lost", short)
    torn = torn_files(office)
    report.zero(sec, "torn lines", len(torn), note=", ".join(torn))
    ok, problems, summary = check_office(office)
    report.add(sec, "check", summary, "ok", ok, note=" | ".join(problems[:4]))

    # duplicate turns
    oracle, after_bad, after_dup = turn_oracle(office, [d for d, _n in phases])
    report.zero(sec, "receptions ≠ a fresh `next` just before (replay)", len(oracle), note="; ".join(oracle[:4]))
    report.zero(sec, "receptions whose `after` is not the previous one", after_bad)
    report.zero(sec, "turns given twice (same `after`)", after_dup)
    visits = sorted((e for e in entries if e["kind"] in ("visit", "call")), key=lambda e: (e["at"], e["id"]))
    consecutive, spreads, skipped = 0, [], 0
    totals: collections.Counter = collections.Counter(dict.fromkeys(staff, 0))
    for day, _n in phases:
        todays = [e for e in visits if e["at"].startswith(day)]
        consecutive += sum(1 for a, b in zip(todays, todays[1:]) if a.get("receiver") == b.get("receiver"))
        counts = collections.Counter(dict.fromkeys(staff, 0))
        for e in todays:
            if e.get("counted") in ("1", True):
                counts[e["receiver"]] += 1
                totals[e["receiver"]] += 1
            skipped += bool(e.get("skipped"))
        spreads.append(max(counts.values()) - min(counts.values()))
    report.zero(sec, "consecutive receptions by one person", consecutive)
    report.add(sec, "counted receptions spread per day (max-min)", max(spreads, default=0), "≤ 1",
               max(spreads, default=0) <= 1, note=f"per day: {spreads}")
    report.info(sec, "counted receptions spread, all days", max(totals.values()) - min(totals.values()),
                note="ORD-CONTINUE carries the order, so ≤ 1 unless someone was skipped")
    report.info(sec, "receptions that skipped someone (ROT-BUSY…)", skipped)

    if git:
        head = run(["git", "-C", office, "rev-list", "--count", "HEAD"])
        commits = int(head.out.strip() or 0)
        acked_writes = len(acked) + sum(1 for r in dones if r["rc"] == 0) + setup_writes
        report.add(sec, "git commits ≥ acknowledged writing commands", f"{commits} ≥ {acked_writes}",
                   "≥", commits >= acked_writes)
        messages = run(["git", "-C", office, "log", "--format=%s"]).out
        uncommitted = [r["entry"] for r in acked if r["entry"] not in messages]
        report.zero(sec, "acknowledged registers not in a commit of their own command", len(uncommitted),
                    note=", ".join(uncommitted[:5]))
        status = run(["git", "-C", office, "status", "--porcelain", "--", "ledger", "checkpoints"]).out.strip()
        report.zero(sec, "ledger files not committed at the end", len(status.splitlines()), note=status[:200])
    report.timings[label] = time.monotonic() - t0


def turn_oracle(office: Path, days: list[str]) -> tuple[list[str], int, int]:
    """Replay each day with rotactl's core and ask, before each reception, who a fresh `next` (and a
    fresh register decision) would pick; compare with the recorded receiver and skips. Also: each
    reception's `after` must name the reception before it (in (time, id) order), and no two share one."""
    from rotactl.app.office import Office
    from rotactl.core.replay import apply, start_day
    from rotactl.core.rotation import Context, Lead, NobodyAvailable, decide, next_view

    o = Office(office)
    mismatches, after_bad, after_dup = [], 0, 0
    for day in days:
        carry = o.floor.carry_before(day)
        state = start_day(carry, day, o.policy)
        previous = "-"
        for entry in sorted(o.floor.entries(day), key=lambda e: (e.at, e.id)):
            if entry.kind in ("visit", "call"):
                fresh = next_view(state, entry.kind, entry.at)["next"]
                try:
                    decision = decide(state, Lead(entry.kind, entry.at), Context())
                    want, skips = decision.receiver, tuple(decision.skipped)
                except NobodyAvailable:
                    want, skips = None, ()
                if entry.receiver != fresh or entry.receiver != want or tuple(entry.skipped) != skips:
                    mismatches.append(f"{entry.where}: {entry.id} went to {entry.receiver}, a fresh next said "
                                      f"{fresh}")
            apply(state, entry)
        seen: collections.Counter = collections.Counter()
        for rec in sorted((r for r in raw_records(office, day) if r.get("kind") in ("visit", "call", "pass",
                                                                                      "handover")),
                          key=lambda r: (r["at"], r["id"])):
            after = rec.get("after", "")
            after_bad += after != previous
            seen[after] += 1
            previous = rec["id"]
        after_dup += sum(n - 1 for n in seen.values() if n > 1)
    return mismatches, after_bad, after_dup


def _samples(rows: list[dict]) -> str:
    kinds = collections.Counter(f"{r.get('op')}: {r.get('err', '')}" for r in rows)
    return "; ".join(f"{n}× {k}" for k, n in kinds.most_common(4))


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


# -- 2. kill -9 ------------------------------------------------------------------------------------------

def section_kill(report: Report, tmp: Path, args, *, git: bool, runs: int, label: str) -> None:
    sec = label
    t0 = time.monotonic()
    rng = random.Random(args.seed + (1 if git else 0))
    staff = ["a", "b", "c", "d"]
    office = tmp / f"{label.replace('/', '-')}-office"
    new_office(office, "jiuzhou", staff, "2026-11-01", git)
    sunday = "2026-11-08"                         # a Sunday: closing it writes PEN-HALF (day-end) entries
    acked: dict[str, str] = {}                    # entry id -> day
    acked_rollovers: list[str] = []
    counts = collections.Counter()
    problems_after: list[str] = []
    unrecovered: list[str] = []
    dayend_dupes: list[str] = []
    dayend_missing: list[str] = []
    blocked: list[str] = []
    durations = {"register": [], "rollover": []}
    lost_by_day: list[str] = []
    stale_locks: list[str] = []
    customer: list[str] = ["", ""]               # this week's customer (phone, owner): a follow-up probe
    acked_unsealed: list[str] = []

    def start_day_(day: str, week: int) -> None:
        must(inproc(office, "check-in", *staff, at=f"{day} 09:00"), f"check-in {day}")
        r = must(inproc(office, "register", "--name", "老客户", "--phone", f"1398{week:07d}", at=f"{day} 09:01",
                        fmt="json"), "setup register")
        receiver = r.json()["receiver"]
        customer[:] = [f"1398{week:07d}", receiver]
        must(inproc(office, "done", receiver, at=f"{day} 09:01"), "setup done")
        must(inproc(office, "deal", f"1398{week:07d}", "--by", receiver, "--stage", "deposit", "--unit",
                    f"{week}-0101", "--amount", "1000000", at=f"{day} 09:02"), "setup deal")
        acked[r.json()["entry"]] = day

    def free_everyone(at: str) -> None:
        view = inproc(office, "next", at=at, fmt="json").json() or {}
        for row in view.get("order", []):
            if row.get("status") == "busy":
                inproc(office, "done", row["staff"], at=at)

    def recover(day: str) -> None:
        """The documented way: a torn last line is removed by hand. A git lock file that the kill left
        behind (.git/index.lock, .git/HEAD.lock, …) is first tried as it is (does the next write go
        through?), then removed, as git's own message says."""
        locks = sorted((office / ".git").rglob("*.lock")) if git else []
        if locks:
            names = ", ".join(sorted({re.sub(r"[0-9]+", "N", p.relative_to(office).as_posix()) for p in locks}))
            counts[f"kills leaving a stale git lock ({names})"] += 1
            stale_locks.append(day)
            sealed = bool(list((office / "checkpoints" / day[:7]).glob(f"{day[8:10]}.*.toml")))
            before = snapshot(day)
            probe = inproc(office, "follow-up", customer[0], "--by", customer[1], "--note", "回访",
                           at=f"{add_days(day, 1)} 08:00" if sealed else f"{day} 09:03")
            if probe.rc != 0:
                blocked.append(f"the write after a kill that left {names}: exit {probe.rc} "
                               f"({'its entry written all the same' if snapshot(day) != before else 'nothing written'})"
                               f": {probe.first_error()}")
            for lock in locks:
                lock.unlink(missing_ok=True)
        ok, problems, _summary = check_office(office, subprocess_=False)
        if ok:
            return
        torn = [p for p in problems if "torn last line" in p]
        for p in torn:
            rel = PROBLEM.match(p)["file"]
            path = office / rel
            data = path.read_bytes()
            path.write_bytes(data[: data.rfind(b"\n") + 1])
            counts["torn last lines removed"] += 1
        others = [p for p in problems if "torn last line" not in p]
        if others:
            problems_after.extend(others[:3])
        ok, problems, _summary = check_office(office, subprocess_=False)
        if not ok:
            unrecovered.append(f"{day}: {problems[:2]}")

    def close_day(day: str) -> None:
        r = inproc(office, "rollover", "--date", day, at=f"{add_days(day, 1)} 07:00", fmt="json")
        if r.rc != 0:
            blocked.append(f"rollover {day} after recovery: {r.first_error()}")
            return
        lines = [x for x in raw_records(office, day) if x.get("writer") == "dayend"]
        keys = collections.Counter((x["kind"], x.get("staff"), x.get("rule")) for x in lines)
        dayend_dupes.extend(f"{day} {k}×{n}" for k, n in keys.items() if n > 1)
        if len(keys) != len(staff) - 1:        # everyone but the one with the week's deal: PEN-HALF
            dayend_missing.append(f"{day}: {len(keys)} day-end entries, {len(staff) - 1} expected")
        if not list((office / "checkpoints" / day[:7]).glob(f"{day[8:10]}.*.toml")):
            dayend_missing.append(f"{day}: no checkpoint")
        entries, why = log_entries(office, day, subprocess_=False)
        if entries is None:
            blocked.append(f"log --since {day}: {why}")
        ids = {e["id"] for e in entries or []}
        lost_by_day.extend(i for i, d in acked.items() if d == day and i not in ids)

    def snapshot(day: str) -> dict[str, int]:
        return {p.relative_to(office).as_posix(): p.stat().st_size for p in ledger_files(office)} | \
            {p.relative_to(office).as_posix(): -1 for p in (office / "checkpoints").rglob("*") if p.is_file()}

    week, minute, done_runs = 0, 0, 0
    start_day_(sunday, week)
    # calibration: three unkilled registers time the command (they are ordinary acknowledged entries)
    for i in range(3):
        r = rotactl(office, "register", "--name", "校准", "--phone", f"1397{week:03d}{i:04d}",
                    at=f"{sunday} 10:{minute:02d}", fmt="json", timeout=args.timeout)
        minute += 1
        data = must(r, "calibration register").json()
        acked[data["entry"]] = sunday
        durations["register"].append(r.seconds)
        free_everyone(f"{sunday} 10:{minute:02d}")
    torn_sim = simulate_torn(office, sunday, f"{sunday} 10:{minute:02d}")
    stale_sim = simulate_stale_git_lock(office, sunday, customer) if git else ""
    while done_runs < runs:
        op = "rollover" if (rng.random() < args.rollover_share or minute >= 40) else "register"
        at = f"{sunday} 10:{minute:02d}" if op == "register" else f"{add_days(sunday, 1)} 07:00"
        if op == "register":
            cmd = [*ROTACTL, *_args(office, ["register", "--name", f"客户{done_runs}", "--phone",
                                             f"1399{done_runs:07d}"], at, "json")]
        else:
            cmd = [*ROTACTL, *_args(office, ["rollover", "--date", sunday], at, "json")]
        base = statistics.median(durations[op] or [statistics.median(durations["register"]) * 1.3])
        if args.kill_max_ms:
            delay = rng.uniform(0, args.kill_max_ms / 1000)
        elif rng.random() < 0.5:
            delay = rng.uniform(0, 1.1 * base)           # anywhere in the command's life
        else:
            delay = rng.uniform(0.7 * base, 1.05 * base)  # its last third: the write, fsync, commit
        before = snapshot(sunday)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            _killpg(proc)
        try:
            out, err = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            _killpg(proc)
            out, err = proc.communicate()
        elapsed = time.monotonic() - start
        try:
            data = json.loads(out)
        except ValueError:
            data = None
        ack = isinstance(data, dict) and (("entry" in data) if op == "register" else ("closed" in data))
        if finished and proc.returncode == 0:
            durations[op].append(elapsed)
        after = snapshot(sunday)
        wrote = after != before
        outcome = ("completed" if finished else "killed") + (", acknowledged" if ack else "") + \
            (", wrote" if wrote else ", wrote nothing")
        counts[f"{op}: {outcome}"] += 1
        if finished and proc.returncode != 0:
            counts[f"{op}: refused/failed before the kill"] += 1
            blocked.append(f"{op} exit {proc.returncode}: {(err.strip().splitlines() or ['?'])[0][:160]}")
        if ack and op == "register":
            acked[data["entry"]] = sunday
        if ack and op == "rollover":
            acked_rollovers.append(sunday)
            if not list((office / "checkpoints" / sunday[:7]).glob(f"{sunday[8:10]}.*.toml")):
                acked_unsealed.append(sunday)
        done_runs += 1
        recover(sunday)
        if op == "register":
            minute += 1
            free_everyone(f"{sunday} 10:{minute:02d}")
        else:
            close_day(sunday)
            week += 1
            sunday, minute = add_days(sunday, 7), 0
            start_day_(sunday, week)
    close_day(sunday)
    entries, why = log_entries(office, "2026-11-01")
    if entries is None:
        report.add(sec, "log readable", why, "yes", False)
    ids = {e["id"] for e in entries or []}
    lost = sorted({i for i in acked if i not in ids} | set(lost_by_day))
    ok, problems, summary = check_office(office)
    tmpfiles = [p.name for p in (office / "checkpoints").rglob("*.tmp")]

    report.info(sec, "office", f"{'git' if git else '--no-git'}, jiuzhou preset, {week + 1} Sundays closed")
    delays = "adaptive: 0-110% of the command's own run time, half of them in its last third" \
        if not args.kill_max_ms else f"uniform 0-{args.kill_max_ms} ms"
    report.info(sec, "kill -9 runs", runs)
    report.info(sec, "kill delays", delays)
    for key in sorted(counts):
        report.info(sec, key, counts[key])
    if durations["register"]:
        report.info(sec, "unkilled register / rollover seconds (median)",
                    f"{statistics.median(durations['register']):.3f} / "
                    f"{statistics.median(durations['rollover']) if durations['rollover'] else float('nan'):.3f}")
    report.zero(sec, "acknowledged entries lost", len(lost), note=", ".join(lost[:5]))
    report.zero(sec, "acknowledged rollovers without their checkpoint", len(acked_unsealed),
                note=", ".join(acked_unsealed[:5]))
    report.zero(sec, "duplicated day-end entries", len(dayend_dupes), note="; ".join(dayend_dupes[:4]))
    report.zero(sec, "days with missing day-end entries / checkpoint", len(dayend_missing),
                note="; ".join(dayend_missing[:4]))
    report.zero(sec, "problems other than a torn last line after a kill", len(problems_after),
                note=" | ".join(problems_after[:3]))
    report.zero(sec, "offices not clean after the documented recovery", len(unrecovered),
                note=" | ".join(unrecovered[:2]))
    report.zero(sec, "commands refused after a kill (office blocked)", len(blocked), note=" | ".join(blocked[:2]))
    report.add(sec, "simulated torn write: reported, writes refused, mended", torn_sim, "yes, yes, yes",
               torn_sim == "yes, yes, yes")
    if git:
        value, _bar, detail = stale_sim.partition(" | ")
        report.add(sec, "simulated stale .git/index.lock: next write commits, or writes nothing", value, "ok",
                   stale_sim == "ok", note=detail)
    report.add(sec, "check at the end", summary, "ok", ok, note=" | ".join(problems[:3]))
    report.info(sec, "leftover checkpoint temp files", len(tmpfiles), note=", ".join(tmpfiles[:3]))
    report.timings[label] = time.monotonic() - t0


def simulate_torn(office: Path, day: str, at: str) -> str:
    """What a crash mid-write (power loss, full disk) leaves: the start of a line without its end. kill -9
    cannot tear rotactl's single write(2), so the torn line is made by hand: `check` must name it, writes
    must refuse, and removing the partial line (the documented mending) must make the office whole."""
    path = office / f"ledger/{day[:7]}/{day[8:10]}.csv"
    data = path.read_bytes()
    last = data[data.rfind(b"\n", 0, len(data) - 1) + 1:]
    path.write_bytes(data + last[: len(last) // 2])
    lines = data.count(b"\n") + 1
    ok, problems, _s = check_office(office, subprocess_=False)
    named = any(p.startswith(f"{path.relative_to(office).as_posix()}:{lines}: ") and "torn" in p for p in problems)
    before = path.read_bytes()
    write = inproc(office, "register", "--name", "撕裂", "--phone", "13970000000", at=at, fmt="json")
    refused = write.rc == 3 and path.read_bytes() == before
    path.write_bytes(before[: before.rfind(b"\n") + 1])
    mended = check_office(office, subprocess_=False)[0] and path.read_bytes() == data
    return ", ".join("yes" if x else "no" for x in (named and not ok, refused, mended))


def simulate_stale_git_lock(office: Path, day: str, customer: list[str]) -> str:
    """What a kill -9 during a command's `git add`/`git commit` leaves: `.git/index.lock`. Every rotactl git
    call runs under the office lock, so such a file is stale for rotactl. The next write must either commit
    (exit 0) or refuse without writing (exit 1 means "nothing written", SPEC §4)."""
    lock = office / ".git" / "index.lock"
    lock.write_bytes(b"")
    path = office / f"ledger/{day[:7]}/{day[8:10]}.csv"
    before = path.read_bytes() if path.exists() else b""
    probe = inproc(office, "follow-up", customer[0], "--by", customer[1], "--note", "回访", at=f"{day} 09:03")
    wrote = (path.read_bytes() if path.exists() else b"") != before
    lock.unlink(missing_ok=True)
    if probe.rc == 0:
        committed = run(["git", "-C", office, "status", "--porcelain", "--", "ledger"]).out.strip() == ""
        return "ok" if committed else "exit 0 but not committed"
    if not wrote:
        return "ok"
    return f"exit {probe.rc}, entry written | {probe.first_error()[:160]}"


# -- 3. tamper -------------------------------------------------------------------------------------------

@dataclass
class Target:
    name: str           # open/git, sealed/git, sealed/no-git
    office: str         # base office (pristine)
    file: str           # the tampered ledger file, relative
    day: str
    checkpoint: str     # the day's checkpoint, relative ("" for an open day)
    git: bool


def build_tamper_offices(tmp: Path, lines: int) -> tuple[Path, Path]:
    """A --no-git office with a sealed day (D1) and an open day (D2) of `lines` floor lines each, and
    the same office as a git repository (every file committed: git is the anchor)."""
    staff = ["a", "b", "c", "d"]
    base = tmp / "tamper-nogit"
    new_office(base, "default", staff, "2026-11-01", git=False)
    for day in ("2026-11-02", "2026-11-03"):
        must(inproc(base, "check-in", *staff, at=f"{day} 09:00"), "check-in")
        n, i = len(staff), 0
        while n < lines:
            at = f"{day} {10 + i // 60:02d}:{i % 60:02d}"
            r = must(inproc(base, "register", "--name", f"客户{i}", "--phone", f"139{day[8:10]}{i:06d}", at=at,
                            fmt="json"), "register")
            n += 1
            if n < lines:
                must(inproc(base, "done", r.json()["receiver"], at=at), "done")
                n += 1
            i += 1
        if day == "2026-11-02":
            must(inproc(base, "rollover", "--date", day, at="2026-11-03 07:00"), "rollover")
    for rel in torn_files(base):
        raise SetupError(f"{rel} torn after the build")
    return base, git_copy(base, tmp / "tamper-git")


def git_copy(base: Path, dest: Path) -> Path:
    """The office as a git repository with everything committed (what `init` + a commit per command give)."""
    shutil.copytree(base, dest, symlinks=True)
    shutil.rmtree(dest / ".rotactl", ignore_errors=True)
    for cmd in (["init", "-q"], ["add", "-A"],
                ["-c", "user.name=reliability", "-c", "user.email=r@localhost", "commit", "-q", "-m", "office"]):
        must(run(["git", "-C", dest, *cmd]), f"git {cmd[0]}")
    return dest


DAYEND_DAY = "2026-11-08"      # a Sunday: rollover writes the weekly PEN-HALF (jiuzhou preset)


def build_dayend_office(tmp: Path, people: int) -> tuple[Path, Path]:
    """A closed Sunday whose notes file holds chained lines (follow-ups, a deal) and rollover's unchained
    day-end lines (PEN-HALF for everyone without a deal that week): --no-git and git."""
    staff = [f"s{i:02d}" for i in range(people)]
    base = tmp / "dayend-nogit"
    new_office(base, "jiuzhou", staff, "2026-11-01", git=False)
    day = DAYEND_DAY
    must(inproc(base, "check-in", *staff, at=f"{day} 09:00"), "check-in")
    for i in range(max(2, people // 2)):
        at = f"{day} 10:{i:02d}"
        phone = f"1396{i:07d}"
        receiver = must(inproc(base, "register", "--name", f"客户{i}", "--phone", phone, at=at, fmt="json"),
                        "register").json()["receiver"]
        must(inproc(base, "done", receiver, at=at), "done")
        must(inproc(base, "follow-up", phone, "--by", receiver, "--note", f"回访{i}", at=at), "follow-up")
        if i == 0:
            must(inproc(base, "deal", phone, "--by", receiver, "--stage", "deposit", "--unit", "1-0101",
                        "--amount", "1000000", at=at), "deal")
    must(inproc(base, "rollover", "--date", day, at=f"{add_days(day, 1)} 07:00"), "rollover")
    return base, git_copy(base, tmp / "dayend-git")


def tamper_tasks(targets: list[Target], args, rng: random.Random) -> list[tuple]:
    tasks = []
    for t in targets:
        data = (Path(t.office) / t.file).read_bytes()
        lines = data.split(b"\n")[:-1]
        n = len(lines)
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        # bit flips: all bits of some bytes (and always the line end) of sampled lines + the header + the last
        picked = sorted(set(rng.sample(range(2, n), min(args.flip_lines, max(0, n - 2)))) | {1, n})
        for number in picked:
            length = len(lines[number - 1]) + 1
            offsets = range(length) if args.flip_bytes == 0 else \
                sorted(set(rng.sample(range(length - 1), min(args.flip_bytes, length - 1))) | {length - 1})
            for off in offsets:
                for bit in range(8):
                    tasks.append((t.name, "bit flip", number, starts[number - 1] + off, bit))
        for number in range(1, n + 1):
            tasks.append((t.name, "line deleted", number))
        for kind, count in (("lines swapped", args.swaps), ("line duplicated", args.dups)):
            pool = list(range(2, n + (kind == "line duplicated")))
            chosen = sorted(set(rng.sample(pool, min(count, len(pool)))) | {max(pool)})
            tasks += [(t.name, kind, number) for number in chosen]
        ends = [starts[i] for i in range(2, n)]              # cut exactly at a line end: whole lines go
        cuts = sorted(set(rng.sample(range(starts[1] + 1, len(data) - 1), min(args.truncations, len(data) - 2))))
        tasks += [(t.name, "truncated", off) for off in cuts]
        tasks += [(t.name, "tail lines cut", off) for off in
                  sorted({starts[n - 1]} | set(rng.sample(ends, min(args.truncations // 2, len(ends)))))]
        if t.checkpoint:
            text = (Path(t.office) / t.checkpoint).read_bytes()
            edits, seen_lines = [], set()          # the first number of each line but the comment
            for m in re.finditer(rb"(?<![0-9a-f])[0-9]+(?![0-9a-f])", text):
                start = text.rfind(b"\n", 0, m.start()) + 1
                line = text[start:text.find(b"\n", m.start())].decode("utf-8")
                if line.startswith("#") or start in seen_lines:
                    continue
                seen_lines.add(start)
                edits.append((m.start(), line.strip()[:60]))
            for offset, line in edits[: args.checkpoint_edits]:
                tasks.append((t.name, "checkpoint number edited", offset, line))
                tasks.append((t.name, "checkpoint edited + renamed", offset, line))
            if t.git:
                tasks.append((t.name, "checkpoint deleted", 0))
                tasks.append((t.name, "last line deleted + checkpoint resealed", 0))
    return tasks


_TARGETS: dict[str, Target] = {}
_COPIES: dict[str, Path] = {}


def _pool_init(targets: list[Target], scratch: str) -> None:
    _TARGETS.update({t.name: t for t in targets})
    mine = Path(tempfile.mkdtemp(prefix=f"w{os.getpid()}-", dir=scratch))
    for t in targets:
        dest = mine / t.name.replace("/", "-")
        if not dest.exists():
            subprocess.run(["cp", "-a", t.office, str(dest)], check=True, timeout=120)
        _COPIES[t.name] = dest


def _mutate(root: Path, t: Target, kind: str, arg) -> list[tuple[Path, bytes | None]]:
    """Apply one mutation to `root`; returns what restores it: (path, original bytes or None = delete)."""
    path = root / t.file
    data = path.read_bytes()
    saved = [(path, data)]
    lines = data.split(b"\n")[:-1]
    if kind == "bit flip":
        _number, off, bit = arg
        new = bytearray(data)
        new[off] ^= 1 << bit
        path.write_bytes(bytes(new))
    elif kind == "line deleted":
        path.write_bytes(b"".join(x + b"\n" for i, x in enumerate(lines, 1) if i != arg))
    elif kind == "lines swapped":
        lines[arg - 1], lines[arg] = lines[arg], lines[arg - 1]
        path.write_bytes(b"".join(x + b"\n" for x in lines))
    elif kind == "line duplicated":
        lines.insert(arg, lines[arg - 1])
        path.write_bytes(b"".join(x + b"\n" for x in lines))
    elif kind in ("truncated", "tail lines cut"):
        path.write_bytes(data[:arg])
    elif kind.startswith("checkpoint") or kind.endswith("resealed"):
        cp = root / t.checkpoint
        text = cp.read_bytes()
        saved.append((cp, text))
        if kind == "checkpoint deleted":
            cp.unlink()
        elif kind.startswith("checkpoint"):
            m = re.compile(rb"[0-9]+").match(text, arg[0])
            new = text[:arg[0]] + str(int(m.group()) + 1).encode() + text[m.end():]
            if kind == "checkpoint edited + renamed":
                from rotactl.store.files import checkpoint_hash

                cp.unlink()
                cp = cp.with_name(f"{cp.name[:2]}.{checkpoint_hash(new)}.toml")
                saved.append((cp, None))
            cp.write_bytes(new)
        else:                                   # a forger with the tool: drop the last line, seal again
            from rotactl.app.office import Office
            from rotactl.core.replay import end_day, replay_day

            path.write_bytes(b"".join(x + b"\n" for x in lines[:-1]))
            cp.unlink()
            office = Office(root)
            carry = office.floor.carry_before(t.day)
            carry = end_day(replay_day(carry, t.day, office.policy, office.floor.entries(t.day, set())))
            made = root / office.store.seal(t.day, carry.to_dict())
            saved.append((made, None))
    return saved


def _expected(t: Target, kind: str, arg, data: bytes) -> tuple[int, int]:
    """The line numbers (inclusive) a located report of this mutation may name."""
    if kind == "bit flip":
        number = arg[0]
        return number - 1, number + 1
    if kind == "line deleted":
        return arg - 1, arg + 1
    if kind in ("lines swapped", "line duplicated"):
        return arg - 1, arg + 2
    if kind in ("truncated", "tail lines cut"):
        number = data[:arg].count(b"\n") + 1          # the line the cut falls in (or the first one gone)
        return number - 1, number + 1
    return 0, 10 ** 9                                   # checkpoint mutations: anywhere in the day's files


def task_arg(task: tuple):
    rest = task[2:]
    return rest[0] if len(rest) == 1 else tuple(rest)


def tamper_one(task: tuple) -> dict:
    name, kind, arg = task[0], task[1], task_arg(task)
    t = _TARGETS[name]
    root = _COPIES[name]
    original = (Path(t.office) / t.file).read_bytes()
    saved: list = []
    try:
        saved = _mutate(root, t, kind, arg)
        result = inproc(root, "check")
    except Exception as exc:                                # noqa: BLE001 - reported, never fatal
        result = Result(-1, "", f"mutation failed: {type(exc).__name__}: {exc}")
    verdict = classify(t, kind, arg, original, result)
    verdict["task"] = task
    verdict["inert"] = not kind.startswith("checkpoint") and not kind.endswith("resealed") and \
        inert(t.file, original, (root / t.file).read_bytes())
    for path, data in reversed(saved):
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(data)
    if (root / t.file).read_bytes() != original:
        verdict["restore_failed"] = True
    return verdict


def inert(rel: str, before: bytes, after: bytes) -> bool:
    """A mutation that leaves what rotactl reads of the file unchanged: the same entries (replay orders
    them by time and id, so their order in the file does not matter) and no problem. Only unchained
    lines can be moved or repeated that way: rollover's day-end lines, which clones write alike and a
    git union merge may place anywhere or twice."""
    from rotactl.store.files import scan_text

    old, new = scan_text(rel, before), scan_text(rel, after)
    if new.problems or old.problems:
        return False
    key = lambda scan: sorted(json.dumps(e.record, sort_keys=True, ensure_ascii=False) for e in scan.entries)  # noqa: E731
    return key(old) == key(new)


def tamper_many(tasks: list[tuple]) -> list[dict]:
    return [tamper_one(task) for task in tasks]


def _line_of(verdict: dict):
    arg = task_arg(verdict["task"])
    return arg[0] if isinstance(arg, tuple) else arg


def classify(t: Target, kind: str, arg, original: bytes, result: Result) -> dict:
    lo, hi = _expected(t, kind, arg, original)
    located = whole = False
    for line in result.err.splitlines():
        m = PROBLEM.match(line)
        if not m:
            continue
        where, number = m["file"], int(m["line"])
        if where == t.file and lo <= number <= hi:
            located = True
        elif kind.startswith("checkpoint") and where.startswith(f"ledger/{t.day[:7]}/{t.day[8:10]}."):
            located = True                  # an edited checkpoint: any of the day's files it no longer fits
        elif (where == t.file and number == 1) or (t.checkpoint and where.startswith(t.checkpoint[:-17])):
            whole = True
    if result.rc == 3 and located:
        verdict = "located"
    elif result.rc == 3 and whole:
        verdict = "whole-file"
    elif result.rc == 3:
        verdict = "elsewhere"
    elif result.rc == 0:
        verdict = "missed"
    else:
        verdict = f"exit {result.rc}"
    return {"target": t.name, "kind": kind, "arg": arg, "verdict": verdict, "rc": result.rc,
            "first": result.first_error() if result.rc else ""}


def section_tamper(report: Report, tmp: Path, args) -> None:
    sec = "tamper"
    t0 = time.monotonic()
    rng = random.Random(args.seed + 2)
    nogit, gitted = build_tamper_offices(tmp, args.tamper_lines)
    targets = []
    for office, git in ((gitted, True), (nogit, False)):
        cps = sorted((office / "checkpoints" / "2026-11").glob("02.*.toml"))
        cp = cps[0].relative_to(office).as_posix() if cps else ""
        targets.append(Target(f"sealed/{'git' if git else 'no-git'}", str(office), "ledger/2026-11/02.csv",
                              "2026-11-02", cp, git))
    targets.insert(1, Target("open/git", str(gitted), "ledger/2026-11/03.csv", "2026-11-03", "", True))
    for office, git in zip(build_dayend_office(tmp, args.dayend_staff), (False, True)):
        cp = sorted((office / "checkpoints" / DAYEND_DAY[:7]).glob(f"{DAYEND_DAY[8:10]}.*.toml"))[0]
        targets.append(Target(f"day-end/{'git' if git else 'no-git'}", str(office),
                              f"ledger/{DAYEND_DAY[:7]}/{DAYEND_DAY[8:10]}.csv", DAYEND_DAY,
                              cp.relative_to(office).as_posix(), git))
    build = time.monotonic() - t0
    for t in targets:
        ok, problems, summary = check_office(Path(t.office))
        if not ok:
            report.add(sec, f"{t.name}: untampered office passes check", summary, "ok", False,
                       note=" | ".join(problems[:3]))
            return
    lines = (Path(gitted) / targets[1].file).read_bytes().count(b"\n")
    dayend = (Path(targets[-1].office) / targets[-1].file).read_bytes().count(b"\n")
    report.info(sec, "days", f"open + sealed floor, {lines} lines each (git); sealed also --no-git; "
                f"a closed Sunday's notes ({dayend} lines, day-end ones unchained)",
                note=f"built in {build:.1f} s; in --no-git the checkpoint and chains are the only anchors")
    tasks = tamper_tasks(targets, args, rng)
    scratch = tmp / "tamper-workers"
    scratch.mkdir()
    t1 = time.monotonic()
    results = []
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs, initializer=_pool_init, initargs=(targets, str(scratch))) as pool:
        chunks = [tasks[i:i + 8] for i in range(0, len(tasks), 8)]
        it = pool.imap_unordered(tamper_many, chunks, chunksize=1)
        for _ in chunks:
            try:
                results.extend(it.next(timeout=args.timeout))
            except multiprocessing.TimeoutError:
                report.add(sec, "check runs finished", f"{len(results)}/{len(tasks)}", "all", False,
                           note=f"a check took over {args.timeout} s")
                pool.terminate()
                break
    report.info(sec, "check runs", len(results), note=f"{time.monotonic() - t1:.1f} s on {args.jobs} processes")
    by = collections.defaultdict(list)
    for r in results:
        by[(r["kind"], r["target"])].append(r)
    order = ["bit flip", "line deleted", "lines swapped", "line duplicated", "truncated", "tail lines cut",
             "checkpoint number edited", "checkpoint edited + renamed", "checkpoint deleted",
             "last line deleted + checkpoint resealed"]
    inert_rows: list[str] = []
    for kind in order:
        for t in targets:
            rows = by.get((kind, t.name))
            if not rows:
                continue
            quiet = [r for r in rows if r["inert"] and r["verdict"] == "missed"]
            rows = [r for r in rows if r not in quiet]
            hit = [r for r in rows if r["verdict"] in ("located", "whole-file")]
            missed = [r for r in rows if r not in hit]
            verdicts = collections.Counter(r["verdict"] for r in rows)
            note = ", ".join(f"{v} {n}" for v, n in verdicts.most_common())
            if missed:
                note += "; e.g. " + "; ".join(f"{r['arg']} → {r['verdict']} {r['first'][:120]}" for r in missed[:3])
            if rows:
                report.percent(sec, f"{kind} · {t.name}", len(hit), len(rows), note=note)
            if quiet:
                inert_rows.append(f"{kind} · {t.name}: {len(quiet)} (lines {sorted({_line_of(r) for r in quiet})})")
    if inert_rows:
        report.info(sec, "not reported, inert (same entries, no problem)", sum(int(x.split(": ")[1].split()[0])
                                                                              for x in inert_rows),
                    note="; ".join(inert_rows))
        report.say("tamper: inert mutations (what rotactl reads is unchanged, so `check` stays silent): "
                   + "; ".join(inert_rows))
    restore = sum(1 for r in results if r.get("restore_failed"))
    report.zero(sec, "copies not restored between mutations", restore)

    # a sample through the real binary on a fresh `cp -a` copy: the in-process verdicts are the CLI's
    sample = rng.sample(results, min(args.verify, len(results)))
    disagree = []
    for r in sample:
        t = next(x for x in targets if x.name == r["target"])
        copy = tmp / "tamper-verify"
        shutil.rmtree(copy, ignore_errors=True)
        subprocess.run(["cp", "-a", t.office, str(copy)], check=True, timeout=120)
        _mutate(copy, t, r["kind"], task_arg(r["task"]))
        real = rotactl(copy, "check", timeout=args.timeout)
        verdict = classify(t, r["kind"], task_arg(r["task"]), (Path(t.office) / t.file).read_bytes(), real)
        if verdict["verdict"] != r["verdict"]:
            disagree.append(f"{r['kind']} {r['arg']}: in-process {r['verdict']}, rotactl {verdict['verdict']}")
        shutil.rmtree(copy, ignore_errors=True)
    report.zero(sec, f"verdicts differing from the real `rotactl check` ({len(sample)} re-run)", len(disagree),
                note="; ".join(disagree[:3]))
    report.timings["tamper"] = time.monotonic() - t0


# -- main ------------------------------------------------------------------------------------------------

SHORT = {"writers": 4, "registers": 15, "git_writers": 2, "git_registers": 8, "day_size": 30, "kills": 20,
         "git_kills": 6, "tamper_lines": 40, "flip_lines": 3, "flip_bytes": 2, "swaps": 6, "dups": 6,
         "truncations": 6, "checkpoint_edits": 3, "verify": 3, "dayend_staff": 6}


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--short", action="store_true", help="small sizes for CI: " +
                   ", ".join(f"{k}={v}" for k, v in SHORT.items()))
    p.add_argument("--only", default=",".join(SECTIONS), help="comma list of sections: writers, kill, tamper")
    p.add_argument("--seed", type=int, default=20261102)
    p.add_argument("--jobs", type=int, default=0, help="processes for the tamper checks (default: the CPUs; "
                   "one less when sections run in parallel)")
    p.add_argument("--serial", action="store_true", help="run the sections one after the other, in this process")
    p.add_argument("--timeout", type=float, default=900, help="seconds any one wait may take")
    p.add_argument("--keep", action="store_true", help="keep the temporary offices")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    g = p.add_argument_group("writers")
    g.add_argument("--writers", type=int, default=16, help="parallel writer processes (--no-git office)")
    g.add_argument("--registers", type=int, default=100, help="registers per writer (each followed by a done)")
    g.add_argument("--git-writers", type=int, default=4, help="parallel writers on the git office")
    g.add_argument("--git-registers", type=int, default=25, help="registers per writer on the git office")
    g.add_argument("--staff", type=int, default=0, help="checked-in staff (default 2 × writers + 1)")
    g.add_argument("--day-size", type=int, default=100, help="registers per day; days end with a rollover")
    g.add_argument("--wipe-ms", type=float, nargs=2, default=[20, 50], metavar=("MIN", "MAX"),
                   help="delay between two deletions of .rotactl/")
    g.add_argument("--exec", choices=["inprocess", "subprocess"], default="inprocess",
                   help="writers call rotactl's CLI in-process (fast) or spawn the rotactl binary per command")
    g = p.add_argument_group("kill")
    g.add_argument("--kills", type=int, default=300, help="kill -9 runs on a --no-git office")
    g.add_argument("--git-kills", type=int, default=60, help="kill -9 runs on a git office")
    g.add_argument("--rollover-share", type=float, default=0.3, help="share of runs that kill a rollover")
    g.add_argument("--kill-max-ms", type=float, default=0,
                   help="kill after uniform 0..MS; 0 = adaptive to the command's measured run time")
    g = p.add_argument_group("tamper")
    g.add_argument("--tamper-lines", type=int, default=200, help="lines of the open and of the sealed day")
    g.add_argument("--flip-lines", type=int, default=30, help="random lines whose bytes get bit flips "
                   "(plus the header and the last line)")
    g.add_argument("--flip-bytes", type=int, default=3, help="random bytes per such line, all 8 bits each "
                   "(plus the line end); 0 = every byte")
    g.add_argument("--swaps", type=int, default=40, help="adjacent-line swaps per day (plus the last pair)")
    g.add_argument("--dups", type=int, default=40, help="duplicated lines per day (plus the last)")
    g.add_argument("--truncations", type=int, default=20, help="random cut offsets per day (and half as many "
                   "cuts at a line end)")
    g.add_argument("--dayend-staff", type=int, default=20, help="staff of the day-end office (one day-end "
                   "line each but one)")
    g.add_argument("--checkpoint-edits", type=int, default=12, help="numbers of the checkpoint edited")
    g.add_argument("--verify", type=int, default=20, help="verdicts re-checked with the real binary")
    args = p.parse_args(argv)
    if args.short:
        given = {a.lstrip("-").replace("-", "_").split("=")[0] for a in argv if a.startswith("--")}
        for key, value in SHORT.items():
            if key not in given:
                setattr(args, key, value)
    args.jobs_given = args.jobs > 0
    args.jobs = args.jobs or os.cpu_count() or 2
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    bad = [s for s in args.only if s not in SECTIONS]
    if bad:
        p.error(f"--only: unknown section {', '.join(bad)} (one of {', '.join(SECTIONS)})")
    return args


def main(argv: list[str]) -> int:
    if argv[:1] == ["_worker"]:
        worker_main(json.loads(argv[1]))
        return 0
    if argv[:1] == ["_wiper"]:
        wiper_main(json.loads(argv[1]))
        return 0
    args = parse(argv)
    report = Report()
    tmp = Path(tempfile.mkdtemp(prefix="rotactl-reliability-"))
    started = time.monotonic()
    parallel = len(args.only) > 1 and not args.serial
    print(f"rotactl reliability ({'short' if args.short else 'full'}; {', '.join(args.only)}"
          f"{', sections in parallel' if parallel else ''}) in {tmp}, seed {args.seed}", flush=True)
    try:
        if parallel:
            run_children(report, tmp, args, argv)
        else:
            run_sections(report, tmp, args)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    total = time.monotonic() - started
    report.timings["total"] = total
    print()
    print(report.table())
    failed = report.failed()
    print(f"\n{len(report.figures) - len(failed)}/{len(report.figures)} figures perfect; "
          f"{'FAILED: ' + str(len(failed)) if failed else 'all perfect'}; total {total:.1f} s "
          f"({', '.join(f'{k} {v:.0f} s' for k, v in report.timings.items() if k != 'total')})")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "ok": not failed, "seconds": round(total, 1), "timings": report.timings,
            "figures": [f.__dict__ for f in report.figures]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if failed else 0


def run_sections(report: Report, tmp: Path, args) -> None:
    steps = []
    if "writers" in args.only:
        steps.append(("writers", lambda: section_writers(report, tmp, args, git=False, writers=args.writers,
                                                         registers=args.registers, label="writers")))
        if args.git_writers and args.git_registers:
            steps.append(("writers/git", lambda: section_writers(
                report, tmp, args, git=True, writers=args.git_writers, registers=args.git_registers,
                label="writers/git")))
    if "kill" in args.only:
        steps.append(("kill", lambda: section_kill(report, tmp, args, git=False, runs=args.kills, label="kill")))
        if args.git_kills:
            steps.append(("kill/git", lambda: section_kill(report, tmp, args, git=True, runs=args.git_kills,
                                                           label="kill/git")))
    if "tamper" in args.only:
        steps.append(("tamper", lambda: section_tamper(report, tmp, args)))
    for name, step in steps:
        print(f"== {name} …", flush=True)
        t = time.monotonic()
        try:
            step()
        except SetupError as exc:
            report.add(name, "scene built", str(exc), "ok", False)
        except Exception as exc:                    # noqa: BLE001 - a bug here is a failed figure
            import traceback

            traceback.print_exc()
            report.add(name, "section ran", f"{type(exc).__name__}: {exc}", "ok", False)
        print(f"   {name}: {time.monotonic() - t:.1f} s", flush=True)


def run_children(report: Report, tmp: Path, args, argv: list[str]) -> None:
    """Each section in its own process, all at once: the writers hold one office lock (one core at a
    time), the kills mostly wait, so the others use the rest of the machine. Figures are merged in
    section order; a child's log is shown when it fails."""
    passthrough, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in ("--only", "--json", "--jobs"):
            skip = True
            continue
        if a.startswith(("--only=", "--json=", "--jobs=")):
            continue
        passthrough.append(a)
    jobs = args.jobs if args.jobs_given else max(1, (os.cpu_count() or 2) - 1)
    children = []
    for section in args.only:
        out = tmp / f"{section}.json"
        log = open(tmp / f"{section}.log", "w+", encoding="utf-8")
        cmd = [sys.executable, __file__, *passthrough, "--serial", "--only", section, "--json", str(out),
               "--jobs", str(jobs)]
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(tmp)})
        children.append((section, proc, out, log, time.monotonic()))
        print(f"== {section} started (pid {proc.pid})", flush=True)
    deadline = time.monotonic() + 4 * args.timeout
    for section, proc, out, log, began in children:
        try:
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _killpg(proc)
            proc.wait()
        print(f"   {section}: done in {time.monotonic() - began:.1f} s (exit {proc.returncode})", flush=True)
        log.seek(0)
        text = log.read()
        log.close()
        try:
            data = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if data is None:
            print(text[-3000:])
            report.add(section, "section ran", f"exit {proc.returncode}, no figures", "ok", False,
                       note=(text.strip().splitlines() or ["(no output)"])[-1][:200])
            continue
        if "Traceback" in text:
            print(text[-3000:])
        report.figures += [Figure(**f) for f in data["figures"]]
        report.timings.update({k: v for k, v in data["timings"].items() if k != "total"})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
