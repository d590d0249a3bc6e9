"""Exact decimal money end to end, and the duplicate deal refusal (SPEC §4.2).

Driven through the real CLI on real office directories (conftest's `Office`: CliRunner on
`rotactl.cli:cli`, every command `--as m`, the office's manager); the split property runs on the
pure core.
"""
import csv
import io
import json
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotactl.core import deals, reports
from rotactl.core.entries import Deal
from rotactl.ui.render import _dumps

P1, P2, P3 = "13900000001", "13900000002", "13900000003"


@pytest.fixture
def floor(office):
    """The manager m and two salespeople; a registered customer P1 (a's)."""
    office.ok("staff", "add", "m", "--name", "周杰", "--role", "manager", at="2026-11-02 07:00")
    office.ok("staff", "add", "a", "--name", "韩菊梅", at="2026-11-02 07:00")
    office.ok("staff", "add", "b", "--name", "李强", at="2026-11-02 07:00")
    office.ok("check-in", "a", "b", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:00")
    return office


def stored_amounts(office):
    """The amounts as the ledger stores them (the day file's cells, not an output format)."""
    out = []
    for path in sorted((office.path / "ledger").rglob("*.csv")):
        for entry in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            if entry["kind"] == "deal":
                out.append(entry["amount"] or None)
    return out


# -- --amount: what is refused, what is stored ---------------------------------------------------
@pytest.mark.parametrize("typed", ["nan", "NaN", "inf", "-inf", "Infinity", "-1", "-0", "+5", "1.234", "0.001",
                                   "1e6", "1E6", "1,000", "1，000", "", " ", "1.", ".5", "0x10", "12 3", "①",
                                   "²", "١٢٣", "1_000", "10000000000000000"])
def test_a_bad_amount_is_refused_with_one_line_naming_the_option_and_nothing_written(floor, typed):
    before = floor.ledger_bytes()
    result = floor.run("deal", P1, "--by", "a", "--stage", "deposit", f"--amount={typed}", at="2026-11-02 10:00")
    assert result.exit_code == 2, (typed, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--amount" in lines[0], result.stderr
    assert result.stdout == ""
    assert floor.ledger_bytes() == before


def test_a_negative_amount_as_a_separate_argument_is_refused_too(floor):
    before = floor.ledger_bytes()
    result = floor.run("deal", P1, "--by", "a", "--stage", "deposit", "--amount", "-1", at="2026-11-02 10:00")
    assert result.exit_code == 2 and "--amount" in result.stderr
    assert floor.ledger_bytes() == before


@pytest.mark.parametrize("typed, stored, shown", [
    ("2345678.90", "2345678.90", "2345678.90"),     # always two decimals: one column type in every file
    ("1280000", "1280000.00", "1280000"),
    ("1280000.00", "1280000.00", "1280000"),
    ("007.10", "7.10", "7.10"),
    ("0", "0.00", "0"),
    ("0.05", "0.05", "0.05"),
    ("１２３．４５", "123.45", "123.45"),       # full-width digits and point
    (" 99 ", "99.00", "99"),
    ("12345678901234.56", "12345678901234.56", "12345678901234.56"),
])
def test_an_amount_is_stored_in_its_canonical_text_and_shown_exactly(floor, typed, stored, shown):
    result = floor.run("deal", P1, "--by", "a", "--stage", "deposit", f"--amount={typed}", at="2026-11-02 10:00")
    assert result.exit_code == 0, result.stderr
    assert f'"amount": {shown},' in result.stdout, result.stdout
    assert json.loads(result.stdout)["amount"] == float(shown)
    assert stored_amounts(floor) == [stored]


def test_a_deal_without_amount_stores_none_and_shows_null(floor):
    view = floor.ok("deal", P1, "--by", "a", "--stage", "deposit", at="2026-11-02 10:00")
    assert view["amount"] is None and stored_amounts(floor) == [None]


# -- output: json, table, csv ----------------------------------------------------------------------
def test_report_json_prints_exact_numbers_never_an_exponent(floor):
    floor.ok("register", "--name", "李四", "--phone", P2, at="2026-11-02 09:10")        # b's
    floor.ok("deal", P1, "--by", "a", "--stage", "deposit", "--unit", "1-101", "--amount", "0.1", at="2026-11-02 10:00")
    floor.ok("deal", P1, "--by", "a", "--stage", "deposit", "--unit", "1-102", "--amount", "0.2", at="2026-11-02 10:01")
    floor.ok("deal", P2, "--by", "b", "--stage", "deposit", "--unit", "2-201", "--amount", "2345678.90",
             at="2026-11-02 10:02")
    floor.ok("deal", P2, "--by", "b", "--stage", "contract", "--unit", "2-201", "--amount", "12345678901234.56",
             at="2026-11-02 10:03")
    raw = floor.run("report", "day", at="2026-11-02 18:00").stdout
    assert "e+" not in raw.lower() and "e-" not in re.sub(r'"[^"]*"', "", raw).lower()
    a_line, b_line = (line for line in raw.splitlines() if line.startswith(('{"staff": "a"', '{"staff": "b"')))
    assert '"amount": 0.30, "commission_base"' in a_line                     # 0.1 + 0.2, exactly
    assert '"amount": 12345681246913.46, "commission_base"' in b_line           # 2345678.90 + 12345678901234.56
    assert '"amount": 2345678.90, "rule"' in b_line and '"amount": 12345678901234.56, "rule"' in b_line
    rows = {r["staff"]: r for r in json.loads(raw)}
    assert rows["a"]["conversion"] == 2 and rows["b"]["fines"] == 0


def test_the_json_hook_is_exact_and_leaves_look_alike_text_alone():
    data = {"a": Decimal("2345678.90"), "b": Decimal("1280000"), "c": Decimal("0.1") + Decimal("0.2"),
            "d": Decimal("12345678901234.56"), "e": Decimal("1.28E+6"), "f": deals.Rate("0.333"),
            "g": deals.Rate(1), "t": "rotactl-number-0:1", "n": [Decimal("0.05"), 1, 0.5, None]}
    text = _dumps(data)
    assert text == ('{"a": 2345678.90, "b": 1280000, "c": 0.30, "d": 12345678901234.56, "e": 1280000, '
                    '"f": 0.333, "g": 1, "t": "rotactl-number-0:1", "n": [0.05, 1, 0.5, null]}')
    assert json.loads(text)["t"] == "rotactl-number-0:1"


def converted(floor):
    """a receives three customers and closes two: conversion 2/3."""
    floor.ok("check-out", "b", at="2026-11-02 09:20")
    for phone, at in ((P2, "09:30"), (P3, "10:00")):
        floor.ok("done", "a", at=f"2026-11-02 {at}")
        floor.ok("register", "--name", "客户", "--phone", phone, at=f"2026-11-02 {at}")
    floor.ok("deal", P1, "--by", "a", "--stage", "deposit", "--unit", "1-101", "--amount", "2345678.9",
             at="2026-11-02 11:00")
    floor.ok("deal", P3, "--by", "a", "--stage", "deposit", "--unit", "1-102", "--amount", "1280000",
             at="2026-11-02 11:02")
    return floor


def test_tables_print_thousands_separators_and_rates_as_percent(floor):
    converted(floor)
    text = floor.ok("report", "day", at="2026-11-02 18:00", fmt="table")
    assert "2,345,678.90" in text and "1,280,000" in text and "3,625,678.90" in text
    a_row = next(line for line in text.splitlines() if line.startswith("a "))
    assert "66.7%" in a_row                                  # 2 deals / 3 receptions
    view = floor.ok("deal", P3, "--by", "a", "--stage", "contract", "--unit", "1-102", "--amount", "1280000.5",
                    at="2026-11-02 12:00", fmt="table")
    assert "1,280,000.50" in view


def test_json_keeps_the_rate_a_fraction_and_csv_prints_plain_numbers(floor):
    converted(floor)
    [a] = [r for r in floor.ok("report", "day", at="2026-11-02 18:00") if r["staff"] == "a"]
    assert (a["receptions"], a["deals"], a["conversion"]) == (3, 2, 0.667)
    text = floor.ok("report", "day", at="2026-11-02 18:00", fmt="csv")
    header, *rows = text.splitlines()
    cols = header.split(",")
    a_row = dict(zip(cols, next(r for r in rows if r.startswith("a,")).split(",")))
    assert (a_row["amount"], a_row["conversion"], a_row["fines"]) == ("3625678.90", "0.667", "0")


def test_one_deals_shares_sum_exactly_to_its_amount_in_the_report(office):
    """Scenario 10's collision: a 50/50 proposal of 1000000.01 — half a fen each way rounds up for
    both; the remainder goes back to the smallest id, and the payroll sums to the amount."""
    office.staff("a", "b", "c")
    office.ok("check-in", "a", "b", "c", at="2026-11-02 08:55")
    office.ok("register", "--name", "张三", "--phone", P1, at="2026-11-02 09:10")
    office.ok("done", "a", at="2026-11-02 09:50")
    office.ok("check-in", "a", "b", "c", at="2026-11-03 08:55")
    office.ok("register", "--name", "李梅", "--phone", P2, at="2026-11-03 10:00")
    office.ok("deal", P2, "--by", "b", "--stage", "deposit", "--amount", "1000000.01", at="2026-11-04 15:00")
    office.ok("link", P2, "--to", P1, "--relation", "spouse", at="2026-11-04 16:00")
    raw = office.run("report", "month", at="2026-11-05 09:00").stdout
    rows = {r["staff"]: r for r in json.loads(raw, parse_float=Decimal)}
    assert (rows["a"]["amount"], rows["b"]["amount"]) == (Decimal("500000.00"), Decimal("500000.01"))
    assert '"amount": 500000, "commission_base"' in raw and '"amount": 500000.01, "commission_base"' in raw   # whole: no decimals


# -- the duplicate deal -----------------------------------------------------------------------------
def test_a_second_deal_of_the_same_phone_stage_and_unit_is_refused_naming_the_first(floor):
    first = floor.ok("deal", P1, "--by", "a", "--stage", "deposit", "--unit", "3-1502", "--amount", "50000",
                     at="2026-11-02 10:00")
    before = floor.ledger_bytes()
    for unit in ("3-1502", " ３-1502 "):                      # width and spaces aside, the same unit
        again = floor.run("deal", P1, "--by", "b", "--stage", "deposit", "--unit", unit, "--amount", "50000",
                          at="2026-11-02 10:30")
        assert again.exit_code == 1, again.stderr
        [line] = again.stderr.splitlines()
        assert line.startswith("error: duplicate deal") and first["entry"] in line and "2026-11-02 10:00" in line
        assert floor.ledger_bytes() == before
    floor.ok("deal", P1, "--by", "a", "--stage", "deposit", "--unit", "3-1503", at="2026-11-02 10:40")
    floor.ok("deal", P1, "--by", "a", "--stage", "contract", "--unit", "3-1502", at="2026-11-02 10:50")


def test_a_deal_without_unit_twice_is_a_duplicate(floor):
    first = floor.ok("deal", P1, "--by", "a", "--stage", "deposit", at="2026-11-02 10:00")
    before = floor.ledger_bytes()
    again = floor.run("deal", P1, "--by", "a", "--stage", "deposit", at="2026-11-02 10:01")
    assert again.exit_code == 1 and first["entry"] in again.stderr
    assert floor.ledger_bytes() == before


def test_a_refund_twice_is_a_duplicate_but_a_refund_reopens_the_unit(floor):
    floor.ok("deal", P1, "--by", "a", "--stage", "deposit", "--unit", "U1", at="2026-11-02 10:00")
    refund = floor.ok("deal", P1, "--by", "a", "--stage", "refund", "--unit", "U1", at="2026-11-02 10:10")
    before = floor.ledger_bytes()
    again = floor.run("deal", P1, "--by", "a", "--stage", "refund", "--unit", "U1", at="2026-11-02 10:20")
    assert again.exit_code == 1 and refund["entry"] in again.stderr and "2026-11-02 10:10" in again.stderr
    assert floor.ledger_bytes() == before
    floor.ok("deal", P1, "--by", "a", "--stage", "deposit", "--unit", "U1", at="2026-11-02 10:30")   # bought again
    floor.ok("deal", P1, "--by", "a", "--stage", "refund", "--unit", "U1", at="2026-11-02 10:40")    # and refunded


def test_the_duplicate_rule_on_the_core():
    def d(i, stage, unit=""):
        return Deal(id=f"e{i}", at=f"2026-11-02 10:0{i}:00", actor="m", phone="+86 13900000001", staff="a",
                    stage=stage, unit=unit)
    history = [d(1, "deposit", "A"), d(2, "contract", "A"), d(3, "refund")]        # a refund of every unit
    assert deals.duplicate_of(history, "deposit", "A") is None
    assert deals.duplicate_of(history, "refund", "").id == "e3"
    assert deals.duplicate_of(history + [d(4, "deposit", "B")], "refund", "") is None
    assert deals.duplicate_of(history[:2], "contract", "a").id == "e2"


# -- the split property -------------------------------------------------------------------------------
amounts = st.decimals(min_value=0, max_value=10 ** 12, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def splits(draw):
    n = draw(st.integers(1, 6))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=n - 1, max_size=n - 1)))
    pcts = [b - a for a, b in zip([0] + cuts, cuts + [100])]
    parties = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "house", "我爱我家"]),
                            min_size=n, max_size=n, unique=True))
    return dict(zip(parties, pcts))


@given(amounts, splits())
def test_the_credited_amounts_of_one_deal_sum_exactly_to_its_amount(amount, split):
    assert sum(split.values()) == 100
    stored = deals.amount_text(amount)
    assert deals.parse_amount(stored) == amount
    deal = Deal(id="e1", at="2026-11-02 10:00:00", actor="m", phone="+86 13900000001", staff="a",
                stage="deposit", amount=stored)
    rows = reports.credited_deals([deal], {"e1": {"split": split, "rule": "X", "status": "", "dispute": None}})
    credited = [r["amount"] for r in rows]
    assert all(isinstance(c, Decimal) for c in credited)
    assert sum(credited) == amount
    for row in rows:       # each share is its percent to the fen, but for a few fen of remainder
        assert row["amount"] >= 0 and row["amount"] == row["amount"].quantize(Decimal("0.01"))
        assert abs(row["amount"] - amount * row["share"] / 100) <= Decimal("0.01") * len(split)
