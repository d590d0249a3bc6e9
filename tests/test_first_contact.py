"""Issue 10: first contact — finding the office, global options anywhere, -V, sheets for payroll."""
import csv
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from rotactl.cli import cli
from tests.conftest import Office, open_floor

ROOT = Path(__file__).resolve().parent.parent


def rotactl(*args, cwd, env=None, stdout=subprocess.PIPE):
    environment = {k: v for k, v in os.environ.items() if k not in ("ROTACTL_DIR", "ROTACTL_USER")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "rotactl", *args], cwd=cwd, env=environment, stdout=stdout,
                          stderr=subprocess.PIPE, text=True)


def test_the_office_is_found_from_a_directory_inside_it(tmp_path):
    office = open_floor(tmp_path)
    inside = office.path / "ledger" / "deep"
    inside.mkdir(parents=True)
    found = rotactl("--at", "2026-11-02 09:00", "--format", "json", "next", cwd=inside,
                    env={"PYTHONPATH": str(ROOT)})
    assert found.returncode == 0, found.stderr
    assert '"next": "a"' in found.stdout
    outside = rotactl("next", cwd=tmp_path, env={"PYTHONPATH": str(ROOT)})
    assert outside.returncode == 1 and "ledgers is not a rotactl office" in outside.stderr


def test_rotactl_dir_wins_over_the_enclosing_office(tmp_path):
    office = open_floor(tmp_path)
    other = Office(tmp_path / "other")
    result = rotactl("--format", "json", "staff", "list", cwd=office.path,
                     env={"PYTHONPATH": str(ROOT), "ROTACTL_DIR": str(other.path)})
    assert result.returncode == 0 and result.stdout.strip() == "[]"


def test_global_options_after_the_command(office):
    office.staff("han")
    result = office.runner.invoke(cli, ["-C", str(office.path), "staff", "leave", "han", "--as", "m",
                                        "--at", "2026-11-02 10:00", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"staff": "han"' in result.stdout


def test_version_short_and_long():
    for flag in ("-V", "--version"):
        result = CliRunner().invoke(cli, [flag])
        assert result.exit_code == 0 and result.stdout.startswith("rotactl, version ")


def test_claimants_show_a_dash_for_missing_values(tmp_path):
    office = open_floor(tmp_path)
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    shown = office.ok("claim", "13900000001", "--by", "b", "--lang", "zh", at="2026-11-02 09:30", fmt="table")
    assert "None" not in shown and "a:归属人:-" in shown


def test_rollover_twice_says_there_is_nothing_to_close(tmp_path):
    office = open_floor(tmp_path)
    office.ok("rollover", at="2026-11-03 01:00")
    again = office.ok("rollover", "--lang", "zh", at="2026-11-03 02:00", fmt="table")
    assert again == "没有要关闭的日期:已封存至 2026-11-02"


def test_next_after_closing_time_names_the_duty_rule(tmp_path):
    office = open_floor(tmp_path)
    title = office.ok("next", "--lang", "zh", at="2026-11-02 18:30", fmt="table").splitlines()[0]
    assert "下一位: a" in title and "ROT-DUTY" in title and "17:30" in title


def test_log_says_which_day_and_how_to_see_others(tmp_path):
    office = open_floor(tmp_path)
    shown = office.ok("log", "--lang", "zh", at="2026-11-03 09:00", fmt="table")
    assert shown.splitlines()[0] == "2026-11-03 起的记录 · 其他日期: --since YYYY-MM-DD"


def payroll_office(tmp_path) -> Office:
    office = open_floor(tmp_path, "developer")
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    office.ok("deal", "13900000001", "--by", "a", "--stage", "contract", "--unit", "-3-1502", "--amount",
              "2345678.90", at="2026-11-02 10:00")
    return office


def test_report_output_xlsx_is_a_real_workbook(tmp_path):
    from openpyxl import load_workbook

    office = payroll_office(tmp_path)
    path = tmp_path / "十一月.xlsx"
    office.ok("report", "month", "--date", "2026-11-02", "--output", str(path), "--lang", "zh", at="2026-11-30 18:00",
              fmt="table")
    book = load_workbook(path)
    assert book.sheetnames == ["人员", "业绩分成"]
    people, shares = book["人员"], book["业绩分成"]
    assert people.freeze_panes == "A2" and shares.freeze_panes == "A2"
    headers = [c.value for c in people[1]]
    assert headers[:3] == ["人员", "姓名", "轮次"]
    row = {h: c.value for h, c in zip(headers, people[2])}
    assert row["姓名"] == "销售a" and isinstance(row["分成金额"], float) and Decimal(str(row["分成金额"])) == Decimal("2345678.9")
    share = {h.value: c for h, c in zip(shares[1], shares[2])}
    assert share["房号"].value == "-3-1502" and share["房号"].data_type == "s"     # text, not a formula
    assert share["时间"].is_date and share["分成金额"].number_format == "#,##0.00"
    assert people.column_dimensions["B"].width >= 7                                    # 销售a: CJK is 2 wide


def test_csv_written_to_a_file_starts_with_a_bom_and_a_pipe_does_not(tmp_path):
    office = payroll_office(tmp_path)
    env = {"PYTHONPATH": str(ROOT)}
    args = ("-C", str(office.path), "--at", "2026-11-30 18:00", "--format", "csv", "report", "month",
            "--date", "2026-11-02")
    with open(tmp_path / "r.csv", "w") as out:
        assert rotactl(*args, cwd=tmp_path, env=env, stdout=out).returncode == 0
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbfstaff,")
    piped = rotactl(*args, cwd=tmp_path, env=env)
    assert piped.stdout.startswith("staff,")
    assert rotactl(*args[:6], "--bom", *args[6:], cwd=tmp_path, env=env).stdout.startswith("\ufeffstaff,")


def test_no_csv_the_tool_writes_has_a_formula_leading_cell(tmp_path):
    office = open_floor(tmp_path)
    office.ok("register", "--name", "=1+1", "--phone", "13900000001", "--intent", "@SUM(A1)", at="2026-11-02 09:00")
    office.ok("deal", "13900000001", "--by", "a", "--stage", "contract", "--unit", "+3", "--amount", "100",
              at="2026-11-02 10:00")
    office.ok("claim", "13900000001", "--by", "b", "--note", "-2", at="2026-11-02 11:00")
    commands = [("next",), ("staff", "list"), ("log",), ("disputes", "--all"), ("who", "13900000001"),
                ("report", "day"), ("report", "day", "--sheet", "shares"), ("check",)]
    for command in commands:
        text = office.ok(*command, at="2026-11-02 18:00", fmt="csv")
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")) and not (cell.startswith("-") and not
                                                                     cell[1:].replace(".", "").isdigit()), (command, cell)
