"""One language per output (issue 10): every table command rendered in Chinese and in English shows no
heading or status word of the other language."""
import re

import pytest

from rotactl.ui.words import HEADINGS, PAIR_KEYS, VALUES
from tests.conftest import open_floor

ZH_WORDS = set(HEADINGS.values()) | set(PAIR_KEYS.values()) | {w for words in VALUES.values() for w in words.values()} \
    | {"是", "否", "(无)"}
EN_WORDS = {w for words in VALUES.values() for w in words} | {"yes", "no", "(none)"}
EN_HEADINGS = set(HEADINGS) | set(PAIR_KEYS) | {k.replace("_", " ") for k in PAIR_KEYS}
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def busy_office(tmp_path_factory):
    office = open_floor(tmp_path_factory.mktemp("langs"))
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    office.ok("register", "--name", "电话客", "--phone", "13900000003", "--queue", "call", at="2026-11-02 09:05")
    office.ok("away", "c", "--reason", "official", at="2026-11-02 09:06")
    office.ok("deal", "13900000001", "--by", "b", "--stage", "deposit", "--amount", "1280000", at="2026-11-02 10:00")
    office.ok("claim", "13900000001", "--by", "a", at="2026-11-02 10:30")
    office.ok("staff", "suspend", "c", "--days", "2", "--reason", "迟到", at="2026-11-02 10:40")
    office.ok("policy", "set", "counting.handover_minutes", "10", at="2026-11-02 10:50")
    return office


COMMANDS = [("next",), ("next", "--queue", "call"), ("staff", "list"), ("who", "13900000001"), ("disputes", "--all"),
            ("report", "day", "--date", "2026-11-02"), ("report", "month", "--date", "2026-11-02"),
            ("report", "day", "--date", "2026-11-02", "--sheet", "shares"), ("log", "--since", "2026-11-02"),
            ("policy", "show"), ("check",)]


def headings_and_cells(text: str) -> tuple[list[str], list[str]]:
    """Table headings (the line above a rule of dashes) and every cell; for a key/value view, its keys."""
    lines = text.splitlines()
    heads, cells = [], []
    for i, line in enumerate(lines):
        parts = [p for p in re.split(r"\s{2,}", line.strip()) if p]
        if i + 1 < len(lines) and set(lines[i + 1].replace(" ", "")) == {"-"}:
            heads += parts
        elif set(line.replace(" ", "")) != {"-"}:
            cells += parts
    return heads, cells


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_chinese_table_has_no_english_heading_or_status_word(busy_office, command):
    text = busy_office.ok(*command, "--lang", "zh", at="2026-11-02 18:00", fmt="table")
    heads, cells = headings_and_cells(text)
    assert heads or cells
    english = [h for h in heads if not CJK.search(h) and h not in ("ID",)]
    assert not english, (command, english)
    assert not [c for c in cells if c in EN_WORDS], command


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_english_table_has_no_chinese_heading_or_status_word(busy_office, command):
    text = busy_office.ok(*command, "--lang", "en", at="2026-11-02 18:00", fmt="table")
    heads, cells = headings_and_cells(text)
    assert not [h for h in heads if CJK.search(h)], command
    assert not [c for c in cells if c in ZH_WORDS], (command, [c for c in cells if c in ZH_WORDS])


@pytest.mark.parametrize("args", [("register", "--name", "李四", "--phone", "13900000002"),
                                  ("deal", "13900000003", "--by", "a", "--stage", "contract", "--amount", "1")])
def test_a_one_record_view_speaks_the_language(tmp_path, args):
    for lang, other in (("zh", EN_WORDS | EN_HEADINGS), ("en", ZH_WORDS)):
        office = open_floor(tmp_path / lang)
        office.ok("register", "--name", "电话客", "--phone", "13900000003", at="2026-11-02 08:50")
        text = office.ok(*args, "--lang", lang, at="2026-11-02 09:00", fmt="table")
        keys = [line.split()[0] for line in text.splitlines() if line.strip()]
        values = [p for line in text.splitlines() for p in re.split(r"\s{2,}", line.strip())[1:]]
        assert not [k for k in keys if k in other], (lang, keys)
        assert not [v for v in values if v in other], (lang, values)


def test_penalties_read_in_the_outputs_language(busy_office):
    en = busy_office.ok("report", "day", "--date", "2026-11-02", "--lang", "en", at="2026-11-02 18:00", fmt="table")
    zh = busy_office.ok("report", "day", "--date", "2026-11-02", "--lang", "zh", at="2026-11-02 18:00", fmt="table")
    assert "suspended 2 days" in en and "停牌" not in en
    assert "停牌 2 天" in zh and "suspended" not in zh


REFUSALS = [
    (("staff", "add", "x", "--name", "某人"), "desk", "只有经理可以这样做"),
    (("check-in", "zz"), "m", "没有人员 'zz'"),
    (("done", "b"), "m", "b 没有在接待"),
    (("pass", "c"), "m", "只有轮到的人可以让号"),
    (("resolve-dispute", "D-0000000000", "--house", "--reason", "x"), "m", "没有争议 D-0000000000"),
    (("deal", "13900000009", "--by", "a", "--stage", "deposit"), "m", "没有登记过电话为 139****0009 的客户"),
    (("register", "--name", "x", "--phone", "12"), "m", "不是"),
    (("free-day", "--date", "2026-11-01", "--reason", "x"), "m", "已过"),
    (("policy", "set", "calls.mode", "rotation"), "m", "已经是"),
    (("register", "--name", "x", "--family-of", "13900000001"), "m", "--family-of 与 --relation 须同时给出"),
]


@pytest.mark.parametrize("args,actor,words", REFUSALS, ids=lambda x: x if isinstance(x, str) else " ".join(x))
def test_a_refusal_speaks_the_offices_language(tmp_path, args, actor, words):
    office = open_floor(tmp_path)
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 08:50")
    zh = office.run(*args, "--lang", "zh", at="2026-11-02 09:00", actor=actor)
    assert zh.exit_code in (1, 2) and zh.stderr.startswith("错误:") and words in zh.stderr, zh.stderr
    en = office.run(*args, "--lang", "en", at="2026-11-02 09:00", actor=actor)
    assert en.exit_code == zh.exit_code and en.stderr.startswith("error: ") and not CJK.search(
        en.stderr.replace("某人", "")), en.stderr


def test_the_catalogue_knows_the_refusals_of_corrections_and_of_the_command_line():
    from rotactl.ui.messages import translate

    for english in ("no entry e1 in the ledger", "e1 is a void: it cannot be voided", "e1 is already void",
                    "2026-11-02 is not closed: there is nothing to accept", "--name: line breaks are not allowed (U+000A)",
                    "--note: control characters are not allowed (U+001B)", "say which penalty: --half-rotation",
                    "--output a.txt: a workbook's name ends in .xlsx", "git commit failed: no space"):
        chinese = translate(english, True)
        assert chinese != english and CJK.search(chinese), english
        assert translate(english, False) == english
