import string

import pytest
from hypothesis import given, strategies as st

from rotactl.store import codecs

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00"),
               min_size=1, max_size=20)
keys = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=10)


def _record(fields):
    record = {"id": "e20261102091000000000-abcdef", "at": "2026-11-02 09:10:00", "kind": "visit",
              "writer": "abc123", **fields}
    record["hash"] = codecs.entry_hash("", record)
    return record


@given(st.dictionaries(keys.filter(lambda k: k not in ("id", "hash", "prev", "extra")), text, max_size=6))
def test_csv_and_toml_roundtrip_any_text(fields):
    record = _record(fields)
    assert codecs.csv_record(codecs.csv_line(record).rstrip("\n")) == record
    assert codecs.toml_record(codecs.toml_line(record).rstrip("\n")) == record


def test_hash_is_the_same_whichever_codec_holds_the_entry():
    record = _record({"name": "张三", "note": "电话回访;周末=再来\\"})
    via_csv = codecs.csv_record(codecs.csv_line(record).rstrip("\n"))
    via_toml = codecs.toml_record(codecs.toml_line(record).rstrip("\n"))
    assert codecs.entry_hash("", via_csv) == codecs.entry_hash("", via_toml) == record["hash"]


def test_hash_is_domain_separated_and_chained():
    record = _record({"name": "张三"})
    assert codecs.entry_hash("x", record) != codecs.entry_hash("", record)
    import hashlib
    assert codecs.entry_hash("", record) != hashlib.sha256(codecs.canonical(record).encode()).hexdigest()


def test_line_breaks_are_refused_at_write_time():
    with pytest.raises(codecs.CodecError):
        codecs.clean({"note": "第一行\n第二行"})


def test_chinese_is_stored_as_written():
    line = codecs.csv_line(_record({"name": "韩菊梅"}))
    assert "韩菊梅" in line
    assert "韩菊梅" in codecs.toml_line(_record({"name": "韩菊梅"}))
