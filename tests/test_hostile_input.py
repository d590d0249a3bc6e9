"""Hostile input gets one clear refusal line and the right exit code, never a traceback (SPEC §4, §4.2).

Driven through the real console script in a subprocess (argv bytes that are not UTF-8 need a real
process), on real office directories.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotactl.core.text import problem
from rotactl.store import codecs
from rotactl.store import keyring as keys

ROOT = Path(__file__).resolve().parent.parent
ROTACTL = str(Path(sys.executable).with_name("rotactl"))
DAY = "2026-11-02"
FORMULA = ("=", "+", "-", "@")


def run(*args, cwd=None, prefix=(), stdout=subprocess.PIPE, key=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTACTL_")} | {"ROTACTL_LANG": "en"}
    if key:
        env["ROTACTL_KEY"] = str(key)
    return subprocess.run([*prefix, ROTACTL, *args], stdout=stdout, stderr=subprocess.PIPE, cwd=cwd, env=env)


class Office:
    def __init__(self, path: Path):
        self.path = path
        assert run("init", str(path), "--preset", "default", "--no-git").returncode == 0
        self.ok("staff", "add", "m", "--name", "周杰", "--role", "manager", at="07:00")
        self.ok("staff", "add", "a", "--name", "韩菊梅", at="07:00")
        self.ok("staff", "add", "b", "--name", "蒋帅", at="07:00")
        self.ok("check-in", "a", "b", at="07:00")

    key = None      # $ROTACTL_KEY for the commands, when they run as another user

    def cli(self, *args, at="09:00", actor="m", fmt="json", prefix=()):
        return run("-C", str(self.path), "--at", f"{DAY} {at}", "--as", actor, "--format", fmt, *args,
                   prefix=prefix, key=self.key if prefix else None)

    def ok(self, *args, **kw):
        result = self.cli(*args, **kw)
        assert result.returncode == 0, (args, result.stderr.decode(errors="replace"))
        text = result.stdout.decode()
        return json.loads(text) if text.strip() and kw.get("fmt", "json") == "json" else text

    def ledger(self) -> dict[str, bytes]:
        return {p.relative_to(self.path).as_posix(): p.read_bytes()
                for p in sorted((self.path / "ledger").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return Office(tmp_path_factory.mktemp("template") / "office")


@pytest.fixture
def office(tmp_path, template):
    """A fresh copy of the set-up office (setting one up costs five processes)."""
    path = tmp_path / "office"
    shutil.copytree(template.path, path, ignore=shutil.ignore_patterns(".rotactl"))
    copy = Office.__new__(Office)
    copy.path = path
    return copy


def refused(result, code: int, field: str | None = None) -> str:
    """The one stderr line of a refusal, checked: exit code, `error: FIELD: …`, nothing else."""
    err = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == code, (result.returncode, err)
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    if field:
        assert lines[0].startswith(f"error: {field}: "), err
    assert "\x1b" not in err and "\u202e" not in err
    assert result.stdout == b""
    return lines[0]


# -- 1. text fields ---------------------------------------------------------------------------------

BAD = {"newline": "张\n三", "cr": "张\r三", "esc": "\x1b[31m张三", "rlo": "张\u202e三", "ls": "张\u2028三",
       "nel": "张\x85三", "tab": "张\t三"}

# (field named in the error, command with X where the hostile text goes)
FIELDS = [
    ("--name", ["register", "--name", "X", "--phone", "13900000002"]),
    ("--intent", ["register", "--name", "张三", "--phone", "13900000002", "--intent", "X"]),
    ("--agency", ["register", "--name", "张三", "--phone", "13900000002", "--agency", "X"]),
    ("--note", ["follow-up", "13900000001", "--by", "a", "--note", "X"]),
    ("--reason", ["staff", "suspend", "b", "--days", "1", "--reason", "X"]),
    ("--name", ["staff", "add", "c", "--name", "X"]),
    ("--agent", ["report-in", "--agency", "链家", "--agent", "X", "--name", "李四", "--phone", "13900000003",
                 "--expect", f"{DAY} 10:00"]),
    ("ID", ["check-in", "X"]),
    ("PHONE", ["who", "X"]),
]


@pytest.mark.parametrize("bad", list(BAD), ids=list(BAD))
@pytest.mark.parametrize("field,command", FIELDS, ids=[f"{c[0]}{f}" for f, c in FIELDS])
def test_a_control_character_in_any_field_is_a_usage_error_naming_it(office, field, command, bad):
    office.ok("register", "--name", "老客户", "--phone", "13900000001", at="08:00")
    before = office.ledger()
    args = [BAD[bad] if a == "X" else a for a in command]
    line = refused(office.cli(*args), 2, field)
    assert "not allowed" in line
    assert office.ledger() == before


@pytest.mark.parametrize("bad", ["\n", "\x1b", "\u202e"])
def test_global_options_are_checked_too(office, bad):
    before = office.ledger()
    refused(office.cli("check-in", "m", actor=f"m{bad}"), 2, "--as")
    refused(run("-C", f"{office.path}{bad}", "next"), 2, "--dir")
    assert office.ledger() == before


def test_nul_is_refused_in_process_since_argv_cannot_carry_it(office):
    from click.testing import CliRunner

    from rotactl.cli import cli

    before = office.ledger()
    result = CliRunner().invoke(cli, ["-C", str(office.path), "--at", f"{DAY} 09:00", "--as", "m",
                                      "register", "--name", "张\x00三", "--phone", "13900000002"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --name: NUL characters are not allowed"
    assert office.ledger() == before


@pytest.mark.parametrize("args", [
    [b"register", b"--name", b"\xe5\xbc\xa0\xff", b"--phone", b"13900000002"],
    [b"follow-up", b"13900000001", b"--by", b"a", b"--note", b"\xc3\x28"],
    [b"who", b"139\xff00000001"],
    [b"check-in", b"\xed\xa0\x80"],   # an encoded surrogate is not UTF-8 either
], ids=["--name", "--note", "PHONE", "ID"])
def test_bytes_that_are_not_utf8_are_a_usage_error(office, args):
    office.ok("register", "--name", "老客户", "--phone", "13900000001", at="08:00")
    before = office.ledger()
    result = run(b"-C", str(office.path).encode(), b"--at", f"{DAY} 09:00".encode(), b"--as", b"m", *args)
    field = {b"register": "--name", b"follow-up": "--note", b"who": "PHONE", b"check-in": "ID"}[args[0]]
    assert refused(result, 2, field).endswith("not valid UTF-8")
    assert office.ledger() == before


def test_clean_is_the_last_line_of_defence():
    for value in ("a\nb", "a\rb", "a\x00b", "\x1b[2J", "a\u2028b", "\u202eabc", "a\udcffb", "x\x85"):
        with pytest.raises(codecs.CodecError) as caught:
            codecs.clean({"name": value})
        assert str(caught.value).startswith("name: ")
        assert isinstance(caught.value, codecs.FieldError) and caught.value.exit_code == 2
    assert codecs.clean({"name": "韩菊梅 Ann-Marie", "note": "=1+1"}) == {"name": "韩菊梅 Ann-Marie", "note": "=1+1"}


# -- 2. phones --------------------------------------------------------------------------------------

def test_a_full_width_phone_registers_as_the_ascii_one(office):
    view = office.ok("register", "--name", "张三", "--phone", "１３９００００００１１")
    assert view["customer"] == "139****0011"
    who = office.ok("who", "13900000011")
    assert who["customer"] == "139****0011" and who["owner"] == view["receiver"]
    assert office.ok("who", "＋８６ １３９－００００－００１１")["owner"] == view["receiver"]
    again = office.ok("register", "--name", "张三", "--phone", "+86 139 0000 0011", at="09:30")
    assert again["customer"] == "139****0011" and again["owner"] == view["receiver"]


@pytest.mark.parametrize("typed", ["+86 139 0000 0012", "139-0000-0012", "(139) 0000-0012", "８６１３９００００００１２"])
def test_plus_spaces_dashes_and_parentheses_are_accepted(office, typed):
    assert office.ok("register", "--name", "张三", "--phone", typed)["customer"] == "139****0012"


def test_a_full_width_masked_report_in_is_accepted(office):
    view = office.ok("report-in", "--agency", "链家", "--agent", "王五", "--name", "李四",
                     "--phone", "１３９＊＊＊＊０００２", "--expect", f"{DAY} 10:00")
    assert "0002" in json.dumps(view, ensure_ascii=False)


@pytest.mark.parametrize("typed", ["13900000001abc", "139-0000-0001x", "1390000０001#", "139 0000 0001 转"])
def test_junk_in_a_phone_is_a_usage_error_that_echoes_only_the_mask(office, typed):
    before = office.ledger()
    line = refused(office.cli("register", "--name", "张三", "--phone", typed), 2, "--phone")
    assert "139****0001" in line and "13900000001" not in line and "0000" not in line
    line = refused(office.cli("who", typed), 2, "PHONE")
    assert "139****0001" in line and "13900000001" not in line
    line = refused(office.cli("register", "--name", "张三", "--phone", "13900000002", "--referred-by", typed),
                   2, "--referred-by")
    assert "139****0001" in line
    assert office.ledger() == before


def test_no_refusal_echoes_a_full_phone(office):
    for args in (["register", "--name", "张三", "--phone", "1390000000"],          # 10 digits: invalid
                 ["register", "--name", "张三", "--phone", "+999 13900000001"],    # no such country
                 ["deal", "13900000009", "--by", "a", "--stage", "deposit"],       # nobody registered it
                 ["handover", "13900000009", "--to", "b"],
                 ["void", "13900000009", "--reason", "typed a phone for an entry id"],
                 ["resolve-dispute", "13900000009", "--house", "--reason", "typed a phone for a dispute id"],
                 ["report-in", "--agency", "链家", "--agent", "王五", "--name", "李四",
                  "--phone", "13900000001*1", "--expect", f"{DAY} 10:00"]):
        result = office.cli(*args)
        line = refused(result, result.returncode)
        assert result.returncode in (1, 2)
        assert "1390000000" not in line and "13900000009" not in line, line
    assert refused(office.cli("register", "--name", "张三", "--phone", "abc"), 1, "--phone")


# -- 3. CSV formula safety --------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "'quoted", "''two", "=1+1;x=2\\"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_formula_names_are_kept_exactly_but_never_start_a_cell(office):
    for i, name in enumerate(FORMULAS):
        phone = f"1390000010{i}"
        view = office.ok("register", "--name", name, "--phone", phone, "--intent", name, at=f"09:{10 + i}")
        assert view["name"] == name
        office.ok("done", view["receiver"], at=f"09:{10 + i}")
    office.ok("staff", "add", "c", "--name", "-3", at="09:30")
    office.ok("follow-up", "13900000100", "--by", "a", "--note", "=cmd|' /C calc'!A0", at="09:31")

    log = office.ok("log")
    names = [e.get("name") for e in log if e["kind"] == "visit"]
    assert names == FORMULAS
    assert [e.get("intent") for e in log if e["kind"] == "visit"] == FORMULAS
    assert any(e.get("note") == "=cmd|' /C calc'!A0" for e in log)
    assert office.ok("check")["ok"] is True          # the hashes are those of the values as typed

    # the ledger (CSV, format 3) keeps each value exactly, and no cell of it starts a formula
    day = (office.path / "ledger" / "2026-11" / "02.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(day)))
    assert [r["name"][1:] if r["name"].startswith("'") else r["name"] for r in rows if r["kind"] == "visit"] == FORMULAS
    assert [c for row in rows for c in row.values() if c.startswith(FORMULA) and c != "-"] == []

    for args in (["log"], ["staff", "list"], ["report", "day"], ["next"]):
        text = office.ok(*args, fmt="csv")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows, args
        body = [c for row in rows[1:] for c in row]
        assert [c for c in body if c.startswith(FORMULA)] == [], (args, text)
    staff_csv = office.ok("staff", "list", fmt="csv", at="10:00")
    assert "'-3" in _cells(staff_csv)


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).filter(lambda t: not problem(t))


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["name", "phone", "note", "intent", "agency", "staff", "skipped", "unit"]),
                       _TEXT, max_size=6))
def test_csv_cells_round_trip_and_never_start_a_formula(fields):
    record = {"id": "e20261102091000000000-abcdef", "at": "2026-11-02 09:10:00", "kind": "visit", "writer": "abc12f",
              **{k: v for k, v in fields.items() if v}}
    line, digest = codecs.line_of(record)
    assert codecs.decode_line(line.rstrip("\n").encode()) == ({**record, "hash": digest}, digest)
    assert [c for c in _cells(line) if c.startswith(FORMULA + ("\t",)) and c != "-"] == []


# -- 4. a read-only office --------------------------------------------------------------------------

READS = [["next"], ["who", "13900000001"], ["disputes"], ["report", "day"], ["log"], ["check"], ["staff", "list"]]


def _as_other_user() -> tuple[list[str], bool]:
    """How to run a command so that file permissions bind: as is, or (as root, whom chmod does not
    stop) as `nobody` through setpriv or runuser."""
    if os.geteuid() != 0:
        return [], False
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], True
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"], True
    raise AssertionError("running as root without setpriv/runuser: cannot make a read-only office bind")


@pytest.fixture
def open_dir(tmp_path):
    """A directory that another user can reach (pytest's own tmp dir is 0700 for root)."""
    if os.geteuid() != 0:
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="rotactl-ro-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for p in [path, *path.rglob("*")]:
            if not p.is_symlink():
                p.chmod(p.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(path)


def _read_only(root: Path) -> None:
    for p in [*root.rglob("*"), root]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.mark.parametrize("index", ["missing", "stale"])
def test_a_read_only_office_still_answers_reads_and_refuses_writes_in_one_line(open_dir, index):
    prefix, other_user = _as_other_user()
    office = Office(open_dir / "office")
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="09:00")
    office.ok("claim", "13900000001", "--by", "b", at="09:05")
    office.ok("deal", "13900000001", "--by", "a", "--stage", "deposit", at="09:10")
    twin = Office.__new__(Office)
    twin.path = open_dir / "twin"
    shutil.copytree(office.path, twin.path)
    expected = {tuple(args): twin.ok(*args, at="12:00") for args in READS}
    if other_user:      # that user has a copy of the office key of their own (docs/ledger-format.md)
        office.key = open_dir / "key"
        office.key.write_bytes(keys.key_path(keys.read_office(office.path)["id"]).read_bytes())
        office.key.chmod(0o644)
    if index == "missing":
        (office.path / ".rotactl" / "index.sqlite").unlink()
    else:   # one line the index has not seen yet (each command refreshes it before its own append)
        assert expected[("log",)][-1]["kind"] == "deal"
    _read_only(office.path)
    if not other_user:   # chmod binds this user: prove it before relying on it
        with pytest.raises(PermissionError):
            (office.path / "probe").write_text("x")
    before = office.ledger()
    for args in READS:
        result = office.cli(*args, at="12:00", prefix=prefix)
        err = result.stderr.decode(errors="replace")
        assert result.returncode == 0 and err == "", (args, err)
        assert json.loads(result.stdout) == expected[tuple(args)], args
    line = refused(office.cli("register", "--name", "王五", "--phone", "13900000005", at="12:00", prefix=prefix), 1)
    assert "ermission denied" in line or "read-only" in line
    refused(office.cli("check-out", "a", at="12:00", prefix=prefix), 1)
    assert office.ledger() == before
    assert not (office.path / ".rotactl" / "index.sqlite").exists() or index == "stale"


def test_an_index_that_cannot_be_opened_falls_back_to_memory(office):
    """Whoever runs the tests (root included): an index path that sqlite cannot open at all."""
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="09:00")
    expected = office.ok("who", "13900000001", at="12:00")
    index = office.path / ".rotactl" / "index.sqlite"
    index.unlink()
    index.mkdir()                    # a directory where the file should be: sqlite cannot open it
    assert office.ok("who", "13900000001", at="12:00") == expected
    assert office.ok("register", "--name", "李四", "--phone", "13900000002", at="12:01")["receiver"]
    assert office.ok("who", "13900000002", at="12:02")["customer"] == "139****0002"
    index.rmdir()
    index.write_bytes(b"this is not a database" * 100)   # garbage: same
    assert office.ok("who", "13900000001", at="12:03") == expected


# -- 5. a closed pipe -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def busy_office(tmp_path_factory):
    office = Office(tmp_path_factory.mktemp("busy") / "office")
    for i in range(12):
        at = f"{9 + i // 6:02d}:{10 * (i % 6):02d}"
        view = office.ok("register", "--name", f"客户{i}" * 30, "--phone", f"139000002{i:02d}",
                         "--intent", "看房" * 100, at=at)
        office.ok("done", view["receiver"], at=at)
    return office


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
@pytest.mark.parametrize("command", [["log", "--since", "2026-01-01"], ["next"], ["staff", "list"]],
                         ids=["log", "next", "staff-list"])
def test_a_closed_pipe_ends_quietly_with_141(busy_office, fmt, command):
    args = [ROTACTL, "-C", str(busy_office.path), "--at", f"{DAY} 18:00", "--format", fmt, *command]
    size = len(subprocess.run(args, capture_output=True, check=True).stdout)
    # `log` is bigger than stdout's buffer (the write inside the command fails), the others smaller
    # (the flush at exit fails): both ways end the same
    assert (size > 8192) == (command[0] == "log"), size
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()              # the reader is gone before the first byte is written
    err = proc.stderr.read().decode(errors="replace")
    assert proc.wait() == 141 and err == "", err


def test_head_one_in_a_shell_pipeline(busy_office, tmp_path):
    for args in ("log --since 2026-01-01", "--format json log --since 2026-01-01", "next", "staff list"):
        script = (f"set -o pipefail; {ROTACTL} -C {busy_office.path} --at '{DAY} 18:00' {args} 2>{tmp_path}/err "
                  f"| head -1 >/dev/null; echo $?")
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
        err = (tmp_path / "err").read_text()
        assert err == "", (args, err)
        assert done.stdout.strip() in ("0", "141"), (args, done.stdout)
