"""The ledger codec (format 3): one entry a CSV line, hashed over its own bytes; and the codecs of
formats 1 and 2, which `migrate` still reads."""
import csv
import hashlib
import io
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotactl.core.text import problem
from rotactl.store import codecs, legacy
from rotactl.store.scan import scan_text

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00"),
               min_size=1, max_size=20)
keys = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=10)
clean_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=16).filter(
    lambda t: not problem(t))
TEXT_COLUMNS = [c for c in codecs.COLUMNS if c not in codecs.TYPES and c not in ("id", "at", "kind", "accepts",
                                                                                  "writer", "prev", "hash")]
BASE = {"id": "e20261102091000000000-abcdef", "at": "2026-11-02 09:10:00", "kind": "visit", "writer": "abc12f"}


def _cells(line: str) -> list[str]:
    return next(csv.reader([line.rstrip("\n")]))


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(TEXT_COLUMNS), clean_text, max_size=8))
def test_any_text_round_trips_and_never_starts_a_formula(fields):
    record = {**BASE, **fields}
    line, digest = codecs.line_of(record)
    decoded, found = codecs.decode_line(line.rstrip("\n").encode())
    assert decoded == {**record, "hash": digest} and found == digest
    body = _cells(line)[:-1]
    assert [c for c in body if c.startswith(("=", "+", "-", "@", "\t", "\r")) and c != "-"] == []


def test_the_hash_covers_the_line_s_own_bytes_before_it_and_is_domain_separated():
    line, digest = codecs.line_of({**BASE, "name": "张三", "prev": "ab" * 32})
    raw = line.rstrip("\n").encode()
    assert raw.endswith(b"," + digest.encode())
    assert digest == hashlib.sha256(b"rotactl/entry/v3\n" + raw[:-64]).hexdigest()
    assert digest != hashlib.sha256(raw[:-64]).hexdigest()
    other, _ = codecs.line_of({**BASE, "name": "张三", "prev": "cd" * 32})
    assert other != line                      # the chain is inside the hashed bytes


def test_every_file_has_the_one_header_with_a_bom_and_the_chain_last():
    assert codecs.HEADER_LINE.startswith("\ufeffid,at,kind,actor,")
    assert codecs.HEADER_LINE.endswith(",writer,prev,hash\n")
    assert len(set(codecs.COLUMNS)) == len(codecs.COLUMNS)


def test_chinese_names_commas_and_quotes_are_stored_as_written():
    line, _ = codecs.line_of({**BASE, "name": "韩菊梅", "note": '他说,"下周再来"'})
    assert "韩菊梅" in line and '"他说,""下周再来"""' in line
    assert codecs.decode_line(line.rstrip("\n").encode())[0]["note"] == '他说,"下周再来"'


@pytest.mark.parametrize("value", ["1502", "007", "3-1502", "12:30", "2026-11-02", "yes", "TRUE", "t", "1e5", "nan",
                                   "0x1F", "5%", "=SUM(A1)", "+86 139****0001", "-3", "@x", "'quoted", " 12 "])
def test_text_a_spreadsheet_would_take_for_a_number_or_a_formula_gets_a_quote(value):
    line, _ = codecs.line_of({**BASE, "unit": value})
    cell = _cells(line)[codecs.COLUMNS.index("unit")]
    assert cell == "'" + value
    assert codecs.decode_line(line.rstrip("\n").encode())[0]["unit"] == value


@pytest.mark.parametrize("value", ["九十平三房", "A座1502", "han", "ROT-NEXT", "e20261102091000000000-123456", "-",
                                   "99b68d42", "1 e5"])
def test_plain_text_is_written_as_it_is(value):
    line, _ = codecs.line_of({**BASE, "intent": value})
    assert _cells(line)[codecs.COLUMNS.index("intent")] == value


@pytest.mark.parametrize("field,value", [("amount", "1280000"), ("amount", "12.5"), ("counted", "yes"),
                                         ("at", "2026-11-02 09:10"), ("day", "2026/11/02"), ("party", "-1")])
def test_a_typed_column_takes_its_one_spelling_only(field, value):
    with pytest.raises(codecs.FieldError, match=field):
        codecs.line_of({**BASE, field: value})


def test_a_field_outside_the_columns_cannot_be_written():
    with pytest.raises(codecs.FieldError, match="not a column"):
        codecs.line_of({**BASE, "evidence": "x"})


def test_accept_late_days_sit_in_their_own_column_and_read_back_as_days():
    record = {**BASE, "kind": "accept-late", "day": "2026-11-02", "days": "2026-11-02,2026-11-03", "reason": "合并"}
    line, _ = codecs.line_of(record)
    cells = _cells(line)
    assert cells[codecs.COLUMNS.index("accepts")] == "'2026-11-02,2026-11-03" and cells[codecs.COLUMNS.index("days")] == ""
    assert codecs.decode_line(line.rstrip("\n").encode())[0]["days"] == "2026-11-02,2026-11-03"


def test_line_breaks_are_refused_at_write_time():
    with pytest.raises(codecs.CodecError):
        codecs.clean({"note": "第一行\n第二行"})


def test_a_file_scans_to_its_records_and_chains():
    lines, prev = [], ""
    for i in range(3):
        record = {**BASE, "id": f"e2026110209100000000{i}-abcdef", "name": f"客户{i}", **({"prev": prev} if prev else {})}
        lines.append(codecs.LEDGER.seal(prev, record))
        prev = record["hash"]
    scan = scan_text("ledger/2026-11/02.csv", (codecs.HEADER_LINE + "".join(lines)).encode())
    assert scan.problems == [] and [e.record["name"] for e in scan.entries] == ["客户0", "客户1", "客户2"]


# -- formats 1 and 2 (read by `migrate`) --------------------------------------------------------

def _v1(fields):
    record = {**BASE, **fields}
    record["hash"] = legacy.entry_hash("", record)
    return record


@given(st.dictionaries(keys.filter(lambda k: k not in ("id", "hash", "prev", "extra")), text, max_size=6))
def test_format_1_csv_and_toml_roundtrip_any_text(fields):
    record = _v1(fields)
    assert legacy.csv_record(legacy.csv_line(record).rstrip("\n")) == record
    assert legacy.toml_record(legacy.toml_line(record).rstrip("\n")) == record


def test_format_1_hash_is_the_same_whichever_codec_holds_the_entry():
    record = _v1({"name": "张三", "note": "电话回访;周末=再来\\"})
    via_csv = legacy.csv_record(legacy.csv_line(record).rstrip("\n"))
    via_toml = legacy.toml_record(legacy.toml_line(record).rstrip("\n"))
    assert legacy.entry_hash("", via_csv) == legacy.entry_hash("", via_toml) == record["hash"]
    assert legacy.entry_hash("x", record) != legacy.entry_hash("", record)


def test_format_2_lines_hash_their_own_bytes():
    line, digest = legacy.jsonl_line({**BASE, "name": "韩菊梅"})
    record, found = legacy.jsonl_record(line.rstrip("\n").encode())
    assert found == digest == record["hash"] and "韩菊梅" in line
    buf = io.StringIO(legacy.JSONL_HEADER + line)
    assert scan_text("ledger/2026-11/02.jsonl", buf.getvalue().encode()).problems == []
