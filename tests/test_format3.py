"""Ledger format 3 (issue 20): one CSV table for every reader, a spreadsheet's re-save reported and
never written into, an unknown header refused, and format-2 offices migrated with the proof.

Real processes (the installed `rotactl`), real office directories, DuckDB reading the real files.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from rotactl.store import codecs

ROTACTL = str(Path(sys.executable).with_name("rotactl"))
FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).parent.parent / "docs" / "ledger-format.md"


def rot(office, *args, at="2026-11-02 09:00", actor="m", fmt="json", env=None, check=True):
    result = subprocess.run([ROTACTL, "-C", str(office), "--at", at, "--as", actor, "--format", fmt, *map(str, args)],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "ROTACTL_LANG": "en", **(env or {})})
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, (args, result.stderr)
        return json.loads(result.stdout) if fmt == "json" and result.stdout.strip() else result.stdout
    return result


def busy_office(root: Path) -> Path:
    """Two months of a floor whose values tempt a spreadsheet: numeric staff ids and units, amounts
    whole and with fen, names with commas and quotes, a formula-looking note."""
    subprocess.run([ROTACTL, "--at", "2026-10-30 07:00", "init", str(root), "--no-git"], check=True,
                   capture_output=True)
    rot(root, "staff", "add", "m", "--name", "周杰", "--role", "manager", at="2026-10-30 07:00")
    for sid in ("007", "12", "han"):
        rot(root, "staff", "add", sid, "--name", f"销售{sid}", at="2026-10-30 07:00")
    n = 0
    for day in ("2026-10-30", "2026-10-31", "2026-11-02"):
        rot(root, "check-in", "007", "12", "han", at=f"{day} 08:30")
        for t in ("09:00", "10:00", "11:00"):
            n += 1
            view = rot(root, "register", "--name", f'客户{n},"小{n}"', "--phone", f"139000000{n:02d}",
                       "--intent", "90平" if n % 2 else "1502", at=f"{day} {t}")
            rot(root, "done", view["receiver"], at=f"{day} {t}")
        rot(root, "deal", f"139000000{n:02d}", "--by", "12", "--stage", "deposit", "--unit", "1502" if n < 5 else "3-801",
            "--amount", "1280000" if n < 5 else "2345678.9", at=f"{day} 15:00")
        rot(root, "follow-up", f"139000000{n - 1:02d}", "--by", "han", "--note", "=1+1 下周再来", at=f"{day} 16:00")
    rot(root, "rollover", at="2026-11-01 00:30")
    return root


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return busy_office(tmp_path_factory.mktemp("f3") / "o")


def copy(office: Path, tmp_path: Path) -> Path:
    target = tmp_path / "o"
    shutil.copytree(office, target, ignore=shutil.ignore_patterns(".rotactl"))
    return target


# -- one table ------------------------------------------------------------------------------------------

def test_an_office_is_toml_and_csv_and_nothing_else(office):
    kinds = {p.relative_to(office).as_posix(): p.suffix for p in office.rglob("*")
             if p.is_file() and ".rotactl" not in p.parts}
    assert set(kinds.values()) == {".toml", ".csv", ""}
    assert {name for name, suffix in kinds.items() if not suffix} == {".gitattributes", ".gitignore"}
    assert "ledger/**/*.csv merge=union" in (office / ".gitattributes").read_text()
    assert any(name.startswith("checkpoints/2026-10/index.") for name in kinds)     # the month index, a CSV


def test_every_ledger_file_has_the_one_header_and_csv_reads_them_as_one_table(office):
    files = sorted((office / "ledger").glob("*/*.csv"))
    assert [f.relative_to(office).as_posix() for f in files] == [
        "ledger/2026-10/30.csv", "ledger/2026-10/31.csv", "ledger/2026-11/02.csv"]
    rows = []
    for path in files:
        data = path.read_bytes()
        assert data.startswith(codecs.HEADER_BYTES) and b"\r" not in data
        rows += list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    entries = rot(office, "log", "--since", "2026-10-01", at="2026-11-02 18:00")
    assert sorted(r["id"] for r in rows) == sorted(e["id"] for e in entries)
    assert all(list(r) == list(codecs.COLUMNS) for r in rows)
    for name in ("amount", "at", "counted"):
        assert {r[name] for r in rows} - {""}, name
    assert {r["amount"] for r in rows if r["amount"]} == {"1280000.00", "2345678.90"}
    assert {r["unit"] for r in rows if r["unit"]} == {"'1502", "'3-801"}


def test_duckdb_reads_the_whole_ledger_as_one_table_with_no_options(office):
    con = duckdb.connect()
    table = con.sql(f"select * from read_csv('{office}/ledger/*/*.csv')")
    types = dict(zip(table.columns, map(str, table.types)))
    assert table.columns == list(codecs.COLUMNS)
    for name in codecs.COLUMNS:
        want = codecs.TYPES.get(name, (None, "VARCHAR"))[1]
        if types[name] != "VARCHAR" or want == "VARCHAR":        # a column no file fills reads as text
            assert types[name] == want, (name, types[name])
    assert types["at"] == "TIMESTAMP" and types["amount"] == "DOUBLE" and types["staff"] == "VARCHAR"
    total = con.sql(f"select count(*) from read_csv('{office}/ledger/*/*.csv')").fetchall()[0][0]
    assert total == len(rot(office, "log", "--since", "2026-10-01", at="2026-11-02 18:00"))
    money = con.sql(f"select sum(amount) from read_csv('{office}/ledger/*/*.csv') where kind = 'deal'").fetchall()[0][0]
    assert round(money, 2) == round(1280000 + 2 * 2345678.9, 2)


def test_the_duckdb_example_of_the_docs_runs_as_written(office):
    text = DOCS.read_text(encoding="utf-8")
    example = re.search(r"```python\n(import duckdb\n.*?)```", text, re.S).group(1)
    out = subprocess.run([sys.executable, "-c", example], cwd=office, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines and all(re.fullmatch(r"\('.+', '.+', \d+\)", line) for line in lines), out.stdout
    assert ("('12', 'deposit', 3)" in out.stdout or "('12', 'deposit', 2)" in out.stdout), out.stdout


# -- a spreadsheet saved it again ------------------------------------------------------------------------

def _resaves(data: bytes) -> dict[str, bytes]:
    text = data.decode("utf-8")
    body = text[1:]                                             # without the BOM
    rows = list(csv.reader(io.StringIO(body)))
    quoted = io.StringIO()
    csv.writer(quoted, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    order = list(range(len(rows[0])))
    order[3], order[4] = order[4], order[3]
    reordered = io.StringIO()
    csv.writer(reordered, lineterminator="\n").writerows([[row[i] for i in order] for row in rows])
    added = io.StringIO()
    csv.writer(added, lineterminator="\n").writerows([row + (["备注"] if i == 0 else [""]) for i, row in enumerate(rows)])
    return {
        "line ends CR LF": text.replace("\n", "\r\n").encode("utf-8"),
        "byte-order mark dropped": body.encode("utf-8"),
        "cells quoted": ("\ufeff" + quoted.getvalue()).encode("utf-8"),
        "columns reordered": ("\ufeff" + reordered.getvalue()).encode("utf-8"),
        "a column added": ("\ufeff" + added.getvalue()).encode("utf-8"),
        "saved as GBK": body.encode("gbk", errors="replace"),
    }


@pytest.mark.parametrize("how", ["line ends CR LF", "byte-order mark dropped", "cells quoted", "columns reordered",
                                 "a column added", "saved as GBK"])
def test_a_file_a_spreadsheet_saved_again_is_reported_at_line_1_and_never_written_into(office, tmp_path, how):
    path = copy(office, tmp_path)
    day = path / "ledger" / "2026-11" / "02.csv"
    original = day.read_bytes()
    day.write_bytes(_resaves(original)[how])
    before = day.read_bytes()
    result = rot(path, "check", at="2026-11-02 18:00", fmt="table", check=False)
    assert result.returncode == 3, (how, result.stdout, result.stderr)
    first = result.stderr.splitlines()[0]
    assert first.startswith("ledger/2026-11/02.csv:"), result.stderr
    if how in ("a column added",):
        assert first.startswith("ledger/2026-11/02.csv:1: not the header of ledger format 3 (unknown column(s) 备注)")
    elif how == "saved as GBK":
        assert "not UTF-8" in result.stderr and "spreadsheet" in result.stderr
    else:
        assert first.startswith("ledger/2026-11/02.csv:1: saved again by a spreadsheet or an editor ("), first
        assert "entries are as they were written" in first and "git checkout -- ledger/2026-11/02.csv" in first
        assert not any("does not match its hash" in line for line in result.stderr.splitlines()), result.stderr
    for args in (["register", "--name", "新客", "--phone", "13900000099"], ["check-in", "han"], ["next"]):
        refused = rot(path, *args, at="2026-11-02 17:00", check=False)
        assert refused.returncode == 3 and "02.csv:" in refused.stderr, (args, refused.stderr)
    assert day.read_bytes() == before                           # nothing written into it
    day.write_bytes(original)                                   # restored: nothing recorded was lost
    assert rot(path, "check", "--full", at="2026-11-02 18:00")["ok"] is True


def test_an_edited_value_in_a_re_saved_file_is_still_named_at_its_own_line(office, tmp_path):
    path = copy(office, tmp_path)
    day = path / "ledger" / "2026-11" / "02.csv"
    lines = day.read_bytes().decode("utf-8").split("\n")
    n = next(i for i, line in enumerate(lines) if ",deal," in line)
    lines[n] = lines[n].replace("2345678.90", "2345678.99")
    day.write_bytes("\r\n".join(lines).encode("utf-8"))
    result = rot(path, "check", at="2026-11-02 18:00", fmt="table", check=False)
    assert result.returncode == 3
    assert any(line.startswith(f"ledger/2026-11/02.csv:{n + 1}: entry ") and "does not match its hash" in line
               for line in result.stderr.splitlines()), result.stderr
    assert "of its" in result.stderr and "line ends turned into CR LF" in result.stderr


def test_a_header_of_another_version_is_refused_at_line_1_saying_what_it_found(office, tmp_path):
    path = copy(office, tmp_path)
    day = path / "ledger" / "2026-10" / "31.csv"
    data = day.read_bytes()
    newer = data.replace(b",writer,prev,hash\n", b",term,writer,prev,hash\n", 1)
    lines = newer.split(b"\n")
    day.write_bytes(b"\n".join([lines[0]] + [line[:-65] + b"," + line[-65:] if line else line for line in lines[1:]]))
    result = rot(path, "check", at="2026-11-02 18:00", fmt="table", check=False)
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == (
        "ledger/2026-10/31.csv:1: not the header of ledger format 3 (unknown column(s) term): a column added or "
        "removed by a spreadsheet, or a file of another version of rotactl; nothing in it is read or written until "
        "it is restored (`git checkout -- ledger/2026-10/31.csv`)")
    assert "Traceback" not in result.stderr


# -- format 2 migrated ---------------------------------------------------------------------------------

def _views(office: Path, env: dict) -> dict:
    at = "2026-11-04 10:00"

    def j(*args):
        return rot(office, *args, at=at, env=env)
    return {
        "disputes": j("disputes", "--all"),
        "who": {p: j("who", p) for p in ["13900000001", "13900000002", "13900000005", "13900000009", "13900000010",
                                         "13900000011"]},
        "next": {q: j("next", "--queue", q) for q in ["visit", "call"]},
        "report_month": j("report", "month", "--date", "2026-11-03"),
        "report_day_02": j("report", "day", "--date", "2026-11-02"),
        "ids": sorted(e["id"] for e in j("log", "--since", "2026-11-01")),
    }


def test_a_format_2_office_migrates_to_format_3_with_the_same_answers_and_signatures(tmp_path):
    old = tmp_path / "old"
    shutil.copytree(FIXTURES / "format2-demo", old)
    env = {"ROTACTL_KEY": str(FIXTURES / "format2-demo.key")}
    before = {p.relative_to(old).as_posix(): p.read_bytes() for p in old.rglob("*") if p.is_file() and ".rotactl" not in p.parts}
    refused = rot(old, "next", check=False, env=env)
    assert refused.returncode == 1 and "ledger format 2" in refused.stderr and "rotactl migrate" in refused.stderr
    new = tmp_path / "new"
    result = subprocess.run([ROTACTL, "--format", "json", "migrate", str(old), str(new)], capture_output=True,
                            text=True, timeout=300, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["from_format"] == 2 and view["format"] == 3 and view["entries"] == 41 and view["sealed_days"] == 1
    assert {p.relative_to(old).as_posix(): p.read_bytes() for p in old.rglob("*") if p.is_file() and ".rotactl" not in p.parts} == before
    assert (new / "office.toml").read_text().count('id = "ea16c942e1b3"') == 1        # its id and key kept
    assert sorted(p.relative_to(new).as_posix() for p in (new / "ledger").rglob("*") if p.is_file()) == [
        "ledger/2026-11/02.csv", "ledger/2026-11/03.csv"]
    assert not [p for p in new.rglob("*") if p.suffix in (".jsonl", ".json", ".tsv")
                and not {".git", ".rotactl"} & set(p.parts)]
    expected = json.loads((FIXTURES / "format2-demo.expected.json").read_text(encoding="utf-8"))
    assert _views(new, env) == expected
    assert rot(new, "check", "--full", at="2026-11-04 10:00", env=env)["ok"] is True      # signatures verify
    # a signed ruling whose award is changed (and re-chained, as a forger would) does not verify
    day = new / "ledger" / "2026-11" / "03.csv"
    lines = day.read_bytes().split(b"\n")[:-1]
    n = next(i for i, raw in enumerate(lines[1:], 1) if b",ruling," in raw)
    record = codecs.decode_line(lines[n])[0]
    record["award"] = "jiang=40|li=60"
    line, prev = codecs.line_of(record)
    lines[n] = line.rstrip("\n").encode()
    for i in range(n + 1, len(lines)):
        entry = codecs.decode_line(lines[i])[0]
        if entry["writer"] == record["writer"]:
            entry["prev"] = prev
            line, prev = codecs.line_of(entry)
            lines[i] = line.rstrip("\n").encode()
    day.write_bytes(b"\n".join(lines) + b"\n")
    subprocess.run(["git", "-C", str(new), "commit", "-qam", "forged"], check=True, capture_output=True)
    forged = rot(new, "check", "--full", at="2026-11-04 10:00", env=env, fmt="table", check=False)
    assert forged.returncode == 3 and f"03.csv:{n + 1}:" in forged.stderr and "does not verify" in forged.stderr


def test_migrate_refuses_an_office_already_in_format_3(office, tmp_path):
    result = subprocess.run([ROTACTL, "migrate", str(office), str(tmp_path / "n")], capture_output=True, text=True,
                            env={**os.environ, "ROTACTL_LANG": "en"})
    assert result.returncode == 1 and "already in ledger format 3" in result.stderr
    assert not (tmp_path / "n").exists()


# -- the guard keeps every text column text --------------------------------------------------------------

TRICKY = ["1502", "007", "12", "0", "1.5", "5.", ".5", "1e5", "12e3", "1E-3", "0x1F", "0b101", "5%", "1_000", "12 ",
          " 12", "3-1502", "1/2", "11/2", "2026-11-02", "2026/11/02", "2026.11.02", "02/11/2026", "12:30", "9:00:01",
          "12:30:00.5", "2026-11-02 09:00", "2026-11-02T09:00:00", "20261102", "true", "False", "yes", "NO", "t", "F",
          "y", "on", "nan", "NaN", "inf", "Infinity", "epoch", "-5", "+5", "-infinity", "=1", "@x", "'1", "-"]


@pytest.mark.parametrize("column", ["staff", "unit", "note", "writer", "version", "value"])
def test_duckdb_types_a_text_column_as_text_whatever_its_values(tmp_path, column):
    """Each tricky value alone in a file (the worst case: nothing else in its column to say text), and
    all the files read together: VARCHAR everywhere, and each value read back as written once the
    guard is off."""
    folder = tmp_path / "ledger" / "2026-11"
    folder.mkdir(parents=True)
    for i, value in enumerate(TRICKY):
        record = {"id": f"e2026110209000000000{i:02d}-abcdef", "at": "2026-11-02 09:00:00", "kind": "note",
                  "writer": "abc12f", column: value}
        (tmp_path / "ledger" / "2026-11" / f"{i:02d}.csv").write_text(codecs.HEADER_LINE + codecs.line_of(record)[0],
                                                                      encoding="utf-8")
        one = duckdb.sql(f"select {column} from read_csv('{folder}/{i:02d}.csv')")
        assert str(one.types[0]) == "VARCHAR", (value, one.types)
    both = duckdb.sql(f"select id, {column} from read_csv('{tmp_path}/ledger/*/*.csv') order by id").fetchall()
    unguarded = [cell[1:] if cell and cell.startswith("'") else cell for _id, cell in both]
    assert unguarded == TRICKY


# -- log --format csv: the ledger's own columns -------------------------------------------------------

def test_log_as_csv_is_the_ledger_s_columns_in_order_phones_masked_voids_marked(office, tmp_path):
    path = copy(office, tmp_path)
    entries = rot(path, "log", "--since", "2026-10-01", at="2026-11-02 18:00")
    target = next(e for e in entries if e["kind"] == "follow-up")
    rot(path, "void", target["id"], "--reason", "录错", at="2026-11-02 18:00")
    entries = rot(path, "log", "--since", "2026-10-01", at="2026-11-02 18:00")
    text = rot(path, "log", "--since", "2026-10-01", at="2026-11-02 18:00", fmt="csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [*codecs.SHOWN, "void"] and "hash" not in rows[0] and "phone_enc" not in rows[0]
    assert [r["id"] for r in rows] == [e["id"] for e in entries]           # (time, id) order, as JSON
    for row, entry in zip(rows, entries):
        assert row["void"] == ("1" if entry.get("void") else "")
        for name, value in entry.items():
            if name not in ("void", "days") and isinstance(value, str):
                cell = row[name][1:] if row[name].startswith("'") else row[name]
                assert cell == value, (name, row[name], value)
    assert {r["phone"] for r in rows if r["phone"]} <= {e["phone"] for e in entries if e.get("phone")}
    assert all(re.fullmatch(r"139\*{4}\d{4}", r["phone"]) for r in rows if r["phone"])
    assert [r["id"] for r in rows if r["void"]] == [target["id"]]
    deals = rot(path, "log", "--since", "2026-10-01", "--kind", "deal", at="2026-11-02 18:00", fmt="csv")
    assert [r["kind"] for r in csv.DictReader(io.StringIO(deals))] == ["deal"] * 3
    assert rot(path, "log", "--since", "2026-10-01", "--kind", "nothing", at="2026-11-02 18:00", fmt="csv") == ""
