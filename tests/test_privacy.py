"""Ledger formats 2 and 3: no clear-text phone in any file of an office; the key outside it; migrate.

Real processes (the installed `rotactl`), a real git office, the files read as bytes.
"""
import csv
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rotactl.core.phones import mask, masks_of
from rotactl.store import keyring as keys

ROTACTL = str(Path(sys.executable).with_name("rotactl"))
FIXTURES = Path(__file__).parent / "fixtures"
DAY = "2026-11-02"
# an 11-digit mainland mobile number, also written with spaces or dashes, not inside a longer token
MOBILE = re.compile(rb"(?<![0-9A-Za-z])1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])")


def rot(office, *args, at="09:00", actor="m", fmt="json", env=None, check=True):
    result = subprocess.run([ROTACTL, "-C", str(office), "--at", at if len(at) > 5 else f"{DAY} {at}", "--as", actor, "--format", fmt,
                             *map(str, args)], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "ROTACTL_LANG": "en", **(env or {})})
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, (args, result.stderr)
        return json.loads(result.stdout) if fmt == "json" and result.stdout.strip() else result.stdout
    return result


def free(path, at):
    """Whoever is receiving finishes (a refusal for one who is not busy is fine)."""
    for sid in ("a", "b"):
        rot(path, "done", sid, at=at, actor="desk", check=False)


def busy_office(path: Path, git=True) -> Path:
    subprocess.run([ROTACTL, "init", str(path), *([] if git else ["--no-git"]), "--manager", "m", "--name", "周杰",
                    "--at", f"{DAY} 07:00"], check=True, capture_output=True, timeout=120)
    for sid, name in (("a", "韩菊梅"), ("b", "蒋帅")):
        rot(path, "staff", "add", sid, "--name", name, at="07:01")
    rot(path, "check-in", "a", "b", at="08:00", actor="desk")
    rot(path, "register", "--name", "张三", "--phone", "139 0000 0001", at="09:00", actor="desk")
    free(path, "09:04")
    rot(path, "register", "--name", "李梅", "--phone", "13900000005", "--family-of", "13900000001",
        "--relation", "spouse", at="09:05", actor="desk")
    rot(path, "report-in", "--agency", "链家", "--agent", "小刘", "--name", "钱九", "--phone", "1390**00009",
        "--expect", f"{DAY} 11:00", at="09:10", actor="desk")
    free(path, "10:59")
    rot(path, "register", "--name", "钱九", "--phone", "+86 139-0000-0009", "--agency", "链家", at="11:00",
        actor="desk")
    free(path, "11:05")
    rot(path, "register", "--name", "周十", "--phone", "13900000010", "--referred-by", "13900000001", at="11:10",
        actor="desk")
    rot(path, "link", "13900000010", "--to", "13900000009", "--relation", "sibling", at="11:20", actor="desk")
    rot(path, "follow-up", "13900000001", "--by", "a", "--note", "周末带父母来", at="12:00", actor="desk")
    rot(path, "deal", "13900000001", "--by", "a", "--stage", "deposit", "--amount", "1280000", at="15:00",
        actor="desk")
    subprocess.run([ROTACTL, "-C", str(path), "--at", "2026-11-03 01:00", "--as", "m", "rollover"], check=True,
                   capture_output=True, timeout=120)
    rot(path, "who", "13900000001", at="16:00")          # the derived index exists too
    return path


def test_no_file_of_the_office_nor_its_git_history_holds_a_mobile_number(tmp_path):
    office = busy_office(tmp_path / "o")
    files = [p for p in office.rglob("*") if p.is_file()]
    assert any(p.suffix == ".csv" and "ledger" in p.parts for p in files) and (office / ".rotactl" / "index.sqlite").is_file()
    found = {p.relative_to(office).as_posix(): MOBILE.findall(p.read_bytes()) for p in files
             if ".git" not in p.relative_to(office).parts}
    assert {k: v for k, v in found.items() if v} == {}
    history = subprocess.run(["git", "-C", str(office), "log", "-p", "--all"], capture_output=True, check=True).stdout
    assert b"ledger/2026-11/02.csv" in history and MOBILE.findall(history) == []
    # the pattern does find a number where there is one
    assert MOBILE.findall(b'{"phone":"+86 13900000001"} 139-0000-0002 139 0000 0003') == [
        b"13900000001", b"139-0000-0002", b"139 0000 0003"]


def test_the_key_lives_outside_the_office_with_mode_0600(tmp_path):
    office = busy_office(tmp_path / "o", git=False)
    meta = keys.read_office(office)
    path = keys.key_path(meta["id"])
    assert path.is_file() and office not in path.parents
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert meta["format"] == 3 and "match" not in meta and "encrypt" not in meta
    assert keys.parse(path.read_text(), "k").match.hex() not in "".join(
        p.read_text(errors="replace") for p in office.rglob("*") if p.is_file() and ".rotactl" not in p.parts)


def test_masked_everywhere_and_revealed_with_the_key(tmp_path):
    office = busy_office(tmp_path / "o", git=False)
    who = rot(office, "who", "13900000001", at="16:00")
    assert who["customer"] == "139****0001" and who["owner"] == "a"
    assert sorted(who["group"]) == ["139****0001", "139****0005"]
    revealed = rot(office, "--reveal", "who", "13900000001", at="16:00")
    assert revealed["customer"] == "13900000001" and sorted(revealed["group"]) == ["13900000001", "13900000005"]
    log = rot(office, "--reveal", "log", at="16:00")
    assert {e.get("phone") for e in log if e["kind"] == "visit"} == {
        "13900000001", "13900000005", "13900000009", "13900000010"}
    assert all(not k.endswith("_enc") for e in log for k in e)
    # the masked report-in (first 4 + last 5) matched the arrival: the agency holds the customer
    assert rot(office, "who", "13900000009", at="16:00")["channel"] == "链家"


def test_without_the_key_the_office_reads_but_cannot_match_or_reveal(tmp_path):
    office = busy_office(tmp_path / "o", git=False)
    nowhere = {"XDG_CONFIG_HOME": str(tmp_path / "no-keys")}
    before = {p: p.read_bytes() for p in office.rglob("*") if p.is_file() and ".rotactl" not in p.parts}
    assert rot(office, "next", at="16:00", env=nowhere)["next"] in ("a", "b")
    assert "139****0001" in rot(office, "log", at="16:00", fmt="table", env=nowhere)
    for args in (["who", "13900000001"], ["--reveal", "log", "--since", DAY],
                 ["register", "--name", "王五", "--phone", "13900000003"]):
        result = rot(office, *args, at="2026-11-03 10:00", env=nowhere, check=False, actor="desk")
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.startswith("error: no key for office ") and "rotactl key import" in result.stderr
        assert len(result.stderr.splitlines()) == 1
    zh = rot(office, "--lang", "zh", "who", "13900000001", env=nowhere, check=False)
    assert zh.stderr.startswith("错误:本机没有售楼处") and zh.returncode == 1
    assert before == {p: p.read_bytes() for p in office.rglob("*") if p.is_file() and ".rotactl" not in p.parts}


def test_key_export_and_import_carry_the_key_to_a_clone(tmp_path):
    office = busy_office(tmp_path / "o")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(office), str(clone)], check=True)
    elsewhere = {"XDG_CONFIG_HOME": str(tmp_path / "laptop")}
    assert rot(clone, "key", "show", env=elsewhere)["present"] is False
    carried = tmp_path / "carried.key"
    rot(office, "key", "export", "-o", carried, fmt="table")
    assert stat.S_IMODE(carried.stat().st_mode) == 0o600
    assert rot(office, "key", "export", "-o", carried, check=False).returncode == 1      # never overwritten
    imported = rot(clone, "key", "import", carried, env=elsewhere)
    assert imported["reveal"] is True and Path(imported["key_file"]).parent == tmp_path / "laptop" / "rotactl"
    assert rot(clone, "--reveal", "who", "13900000001", at="16:00", env=elsewhere)["customer"] == "13900000001"
    # another office's key is refused, and an installed key is never replaced
    other = busy_office(tmp_path / "other", git=False)
    theirs = tmp_path / "theirs.key"
    rot(other, "key", "export", "-o", theirs, fmt="table")
    refused = rot(clone, "key", "import", theirs, env=elsewhere, check=False)
    assert refused.returncode == 1 and "is the key of office" in refused.stderr


def test_a_match_only_key_matches_but_neither_writes_nor_reveals(tmp_path):
    office = busy_office(tmp_path / "o", git=False)
    match_only = tmp_path / "match.key"
    rot(office, "key", "export", "--match-only", "-o", match_only, fmt="table")
    assert "encrypt =" not in match_only.read_text() and "match =" in match_only.read_text()
    env = {"ROTACTL_KEY": str(match_only)}
    assert rot(office, "who", "13900000001", at="16:00", env=env)["owner"] == "a"
    rot(office, "check-in", "a", at="2026-11-03 08:00", actor="desk", env=env)    # no phone: written
    before = {p: p.read_bytes() for p in (office / "ledger").rglob("*") if p.is_file()}
    for args in (["--reveal", "who", "13900000001"], ["register", "--name", "王五", "--phone", "13900000003"]):
        result = rot(office, *args, at="2026-11-03 10:00", actor="desk", env=env, check=False)
        assert result.returncode == 1 and "only the matching key" in result.stderr, result.stderr
    assert before == {p: p.read_bytes() for p in (office / "ledger").rglob("*") if p.is_file()}


def test_a_group_shares_the_matching_key_but_not_the_numbers(tmp_path):
    first = busy_office(tmp_path / "first", git=False)
    group = tmp_path / "group.key"
    rot(first, "key", "export", "--match-only", "-o", group, fmt="table")
    second = tmp_path / "second"
    subprocess.run([ROTACTL, "init", str(second), "--no-git", "--match-key", str(group)], check=True,
                   capture_output=True)
    one, two = (keys.load(p, keys.read_office(p)) for p in (first, second))
    assert one.identity("+86 13900000001") == two.identity("+86 13900000001")
    assert one.encrypt_key != two.encrypt_key
    cipher = one.encrypt("+86 13900000001")
    assert one.decrypt(cipher) == "+86 13900000001"
    refused = rot(second, "key", "import", tmp_path / "nothing", check=False)
    assert refused.returncode == 1


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789", min_size=9, max_size=9), st.text("0123456789", min_size=9, max_size=9))
def test_identities_are_equal_exactly_when_the_numbers_are(tail_a, tail_b):
    k = keys.new("test")
    a, b = f"+86 13{tail_a}", f"+86 13{tail_b}"
    assert (k.identity(a) == k.identity(b)) == (a == b)
    identity = k.identity(a)
    digits = a.split(" ")[1]
    assert mask(identity) == digits[:3] + "****" + digits[-4:] and not MOBILE.search(identity.encode())
    assert k.mask_key("+86", digits[:3], digits[-4:]) in masks_of(identity)
    assert k.mask_key("+86", digits[:4], digits[-5:]) in masks_of(identity)
    assert k.decrypt(k.encrypt(a)) == a and k.encrypt(a) == k.encrypt(a)


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def tree_bytes(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".rotactl" not in p.parts}


def test_migrate_converts_a_format_one_office_and_proves_the_replay(tmp_path):
    old = copy_fixture("format1", tmp_path)
    assert MOBILE.search((old / "ledger/2026-11/02.floor.csv").read_bytes())     # clear text before
    refused = rot(old, "next", check=False)
    assert refused.returncode == 1 and "rotactl migrate" in refused.stderr
    before = tree_bytes(old)
    new = tmp_path / "new"
    result = subprocess.run([ROTACTL, "--format", "json", "migrate", str(old), str(new)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["entries"] == 42 and view["sealed_days"] == 2 and view["customer_groups"] >= 10
    assert tree_bytes(old) == before                                  # the old office is untouched
    assert {k: v for k, v in tree_bytes(new).items() if MOBILE.search(v)} == {}
    assert rot(new, "check", at="16:00")["ok"] is True
    assert subprocess.run(["git", "-C", str(new), "log", "--oneline"], capture_output=True, text=True).stdout.count(
        "\n") == 1
    disputes = rot(new, "disputes", at="2026-11-04 10:00")
    assert sorted((d["id"], d["customer"], d["rule"]) for d in disputes) == [
        ("D-2e59b9c6ce", "139****0009", "ATT-REPORT"), ("D-649b539226", "139****0001", "SPL-OWNER")]
    assert rot(new, "--reveal", "who", "13900000001", at="2026-11-04 10:00")["group"] == [
        "13900000001", "13900000005"]
    assert rot(new, "next", at="2026-11-04 10:00")["next"] == "jiang"
    # what was sealed stays sealed: the migrated days are closed in the new office too
    late = rot(new, "register", "--name", "迟到", "--phone", "13900000099", at="09:00", check=False)
    assert late.returncode == 1 and "is closed" in late.stderr


def test_migrate_refuses_what_it_must_not_convert(tmp_path):
    old = copy_fixture("format1", tmp_path)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "x").write_text("x")
    result = subprocess.run([ROTACTL, "migrate", str(old), str(taken)], capture_output=True, text=True,
                            env={**os.environ, "ROTACTL_LANG": "en"})
    assert result.returncode == 1 and "is not empty" in result.stderr
    floor = old / "ledger/2026-11/03.floor.csv"
    floor.write_bytes(floor.read_bytes().replace(b"13900000009", b"13900000008", 1))    # an edited line
    result = subprocess.run([ROTACTL, "migrate", str(old), str(tmp_path / "n")], capture_output=True, text=True,
                            env={**os.environ, "ROTACTL_LANG": "en"})
    assert result.returncode == 1 and "does not pass `rotactl check`" in result.stderr, result.stderr
    assert "03.floor.csv:" in result.stderr
    assert not (tmp_path / "n").exists() and not list(tmp_path.glob(".n.migrating"))


def test_signatures_made_before_migration_still_verify_with_the_key(tmp_path):
    old = copy_fixture("format1-signed", tmp_path)
    new = tmp_path / "new"
    subprocess.run([ROTACTL, "migrate", str(old), str(new), "--no-git"], check=True, capture_output=True)
    path = new / "ledger/2026-11/02.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert sum(1 for r in rows if r["sig_v1"]) == 2 and sum(1 for r in rows if r["sig"]) == 2   # ruling, reassign
    assert rot(new, "check", at="16:00")["ok"] is True
    unkeyed = rot(new, "check", at="16:00", env={"XDG_CONFIG_HOME": str(tmp_path / "none")}, check=False)
    assert unkeyed.returncode == 3 and "verified only with the office key" in unkeyed.stdout + unkeyed.stderr
    # the signature covers the number: another number under the same signature does not verify
    from rotactl.store import codecs

    lines = path.read_bytes().split(b"\n")[:-1]
    n, record = next((i, r) for i, raw in enumerate(lines[1:], 1)
                     if (r := codecs.decode_line(raw)[0]).get("sig_v1"))
    k = keys.load(new, keys.read_office(new))
    record["phone_enc"] = k.encrypt("+86 13900000002" if "0001" in record["phone"] else "+86 13900000001")
    line, prev = codecs.line_of(record)
    lines[n] = line.rstrip("\n").encode()
    for i in range(n + 1, len(lines)):                # re-chain what follows, as a forger would
        entry = codecs.decode_line(lines[i])[0]
        if entry["writer"] == record["writer"]:
            entry["prev"] = prev
            line, prev = codecs.line_of(entry)
            lines[i] = line.rstrip("\n").encode()
    path.write_bytes(b"\n".join(lines) + b"\n")
    forged = rot(new, "check", at="16:00", check=False)
    assert forged.returncode == 3 and "does not verify" in forged.stdout + forged.stderr
