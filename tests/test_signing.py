"""rotactl.store.signing: SSH signatures on manager entries, against the real ssh-keygen."""
import base64
import os
import subprocess
import tempfile
import time

import pytest

from rotactl.store import codecs, legacy, signing
from rotactl.store.signing import SigningError, parse_public_key, payload, sign, verify, verify_many

KEYGEN = signing.SSH_KEYGEN

RECORD = {
    "id": "e20261102090000000001-a1b2c3", "at": "2026-11-02 09:00", "kind": "void", "actor": "m",
    "staff": "s1", "target": "e20261102080000000001-d4e5f6", "reason": "录错了 = wrong; entry",
}


def keygen(directory, name, passphrase="", ktype="ed25519", bits=None):
    path = directory / name
    args = [KEYGEN, "-q", "-t", ktype, "-N", passphrase, "-f", str(path), "-C", "test"]
    if bits:
        args[1:1] = ["-b", str(bits)]
    subprocess.run(args, check=True, stdin=subprocess.DEVNULL, timeout=60)
    return path


def pub(path):
    return (path.parent / (path.name + ".pub")).read_text().strip()


@pytest.fixture
def alice(tmp_path):
    return keygen(tmp_path, "alice")


@pytest.fixture
def bob(tmp_path):
    return keygen(tmp_path, "bob")


@pytest.fixture
def signed(alice):
    data = payload(RECORD)
    return data, sign(data, str(alice)), parse_public_key(pub(alice))


# -- round trip ------------------------------------------------------------------

def test_sign_verify_round_trip(signed, alice):
    data, sig, key = signed
    assert verify(data, sig, "m", key)
    assert verify(data, sig, "m", pub(alice))          # a key line with its comment works too
    assert verify(data, sig + "\n", "m", key)          # surrounding whitespace from a field is harmless


@pytest.mark.parametrize("ktype,bits", [("ecdsa", 256), ("ecdsa", 521), ("rsa", 2048)])
def test_round_trip_other_key_types(tmp_path, ktype, bits):
    key = keygen(tmp_path, f"{ktype}{bits}", ktype=ktype, bits=bits)
    data = payload(RECORD)
    sig = sign(data, str(key))
    normal = parse_public_key(pub(key))
    assert normal.split()[0] == pub(key).split()[0]
    assert verify(data, sig, "m", normal)
    assert not verify(data + b" ", sig, "m", normal)


def test_record_round_trip_through_the_ledger_codecs(alice):
    """Sign the cleaned record, add sig, chain it, encode and decode it: it still verifies."""
    current = {k: v for k, v in RECORD.items() if k != "target"}
    current = codecs.clean(dict(current, at="2026-11-02 09:00:00", ref=RECORD["target"], counted=False, note=""))
    current["sig"] = sign(payload(current), str(alice))
    current["writer"] = "abc12f"
    line = codecs.LEDGER.seal("", current)
    back = codecs.decode_line(line.rstrip("\n").encode())[0]
    assert back["sig"] == current["sig"]
    assert verify(payload(back), back["sig"], "m", pub(alice))
    record = codecs.clean(dict(RECORD, counted=False, note=""))
    record["sig"] = sign(payload(record), str(alice))
    record["writer"] = "abc123"
    record["hash"] = legacy.entry_hash("", record)           # and in format 1, which `migrate` reads
    for rel in ("ledger/2026-11/02.floor.csv", "ledger/2026-11/02.notes.toml"):
        codec = legacy.codec_for(rel)
        back = codec.decode(codec.encode(record).rstrip("\n"))
        assert back["sig"] == record["sig"]
        assert verify(payload(back), back["sig"], "m", pub(alice))


def test_signature_is_one_line_without_whitespace(signed):
    _, sig, _ = signed
    assert sig and not any(ch.isspace() for ch in sig)
    assert sig.isascii() and sig.isprintable()
    assert base64.b64decode(sig, validate=True).startswith(b"SSHSIG")


def test_sign_with_public_key_file_and_ssh_agent(tmp_path, monkeypatch):
    """KEY may be the .pub file when the private key is in ssh-agent (here: only there)."""
    key = keygen(tmp_path, "agentkey")
    sock = tempfile.mkdtemp(prefix="rotactl-agent-")       # short path: unix sockets max ~100 bytes
    path = os.path.join(sock, "s")
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", path], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(path):
            assert agent.poll() is None and time.monotonic() < deadline, "ssh-agent did not start"
            time.sleep(0.01)
        env = dict(os.environ, SSH_AUTH_SOCK=path)
        subprocess.run(["ssh-add", "-q", str(key)], env=env, check=True, timeout=10,
                       stdin=subprocess.DEVNULL, capture_output=True)
        key.unlink()                                        # the private key now exists only in the agent
        monkeypatch.setenv("SSH_AUTH_SOCK", path)
        data = payload(RECORD)
        sig = sign(data, str(key) + ".pub")
        assert verify(data, sig, "m", pub(key))
        monkeypatch.delenv("SSH_AUTH_SOCK")
        with pytest.raises(SigningError):
            sign(data, str(key) + ".pub")
    finally:
        agent.terminate()
        agent.wait(timeout=10)
        for name in os.listdir(sock):
            os.unlink(os.path.join(sock, name))
        os.rmdir(sock)


# -- what fails -------------------------------------------------------------------

def test_changed_payload_byte_fails(signed):
    data, sig, key = signed
    for pos in (0, len(signing.PAYLOAD_DOMAIN), len(data) // 2, len(data) - 1):
        changed = bytearray(data)
        changed[pos] ^= 0x01
        assert not verify(bytes(changed), sig, "m", key)
    assert not verify(data + b"\n", sig, "m", key)
    assert not verify(data[:-1], sig, "m", key)
    assert not verify(payload(dict(RECORD, staff="s2")), sig, "m", key)


def test_another_persons_key_fails(signed, bob):
    data, sig, _ = signed
    assert not verify(data, sig, "m", pub(bob))
    bobs = sign(data, str(bob))
    assert verify(data, bobs, "b", pub(bob))
    assert not verify(data, bobs, "m", signed[2])


def test_wrong_principal_fails(signed, bob):
    """Checked as another person's entry (with that person's registered key), it fails."""
    data, sig, _ = signed
    assert not verify(data, sig, "b", pub(bob))
    assert not verify(data, sig, "", signed[2])


@pytest.mark.parametrize("principal", ["*", "m*", "?", "!m", '"m', "#m", "m@floor", "王经理"])
def test_principal_is_never_read_as_a_pattern(signed, bob, principal):
    """Staff ids may hold characters that allowed_signers reads as patterns, negations, quotes or
    comments; they neither break a good signature nor let one key answer for another."""
    data, sig, key = signed
    assert verify(data, sig, principal, key)
    bobs = sign(data, str(bob))
    assert verify_many([(data, sig, principal, key), (data, bobs, "m", key), (data, sig, "m", pub(bob))]) \
        == [True, False, False]


def test_signature_in_another_namespace_fails(signed, alice, tmp_path):
    data, _, key = signed
    (tmp_path / "d").write_bytes(data)
    subprocess.run([KEYGEN, "-Y", "sign", "-n", "git", "-f", str(alice), str(tmp_path / "d")],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=10)
    armored = (tmp_path / "d.sig").read_text().splitlines()
    assert not verify(data, "".join(armored[1:-1]), "m", key)


def _garbled(sig):
    blob = base64.b64decode(sig)
    flipped = bytearray(blob)
    flipped[-5] ^= 0x40                                 # inside the ed25519 signature bytes
    return {
        "empty": "",
        "spaces": "   ",
        "not base64": "not a signature!",
        "inner whitespace": sig[:20] + " " + sig[20:],
        "truncated": sig[:-8],
        "one char": sig[:40] + ("A" if sig[40] != "A" else "B") + sig[40:],
        "flipped sig byte": base64.b64encode(bytes(flipped)).decode(),
        "trailing junk": base64.b64encode(blob + b"\0").decode(),
        "random": base64.b64encode(os.urandom(len(blob))).decode(),
        "armored": "-----BEGIN SSH SIGNATURE-----" + sig + "-----END SSH SIGNATURE-----",
        "huge": "A" * 100_000,
        "not text": None,
    }


@pytest.mark.parametrize("kind", list(_garbled("A" * 200)))
def test_garbled_signature_returns_false(signed, kind):
    data, sig, key = signed
    assert verify(data, _garbled(sig)[kind], "m", key) is False


@pytest.mark.parametrize("key", ["", "junk", "ssh-ed25519", "ssh-ed25519 !!!", "ssh-ed25519 AAAA",
                                 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0\nmallory ssh-ed25519 AAAA"])
def test_bad_public_key_returns_false(signed, key):
    data, sig, _ = signed
    assert verify(data, sig, "m", key) is False


# -- payload --------------------------------------------------------------------

def test_payload_is_canonical_json_with_a_domain_tag():
    data = payload({"b": "2", "a": "é", "kind": "void"})
    assert data == b'rotactl/signed-entry/v1\n{"a":"\xc3\xa9","b":"2","kind":"void"}'
    assert payload(dict(reversed(list(RECORD.items())))) == payload(RECORD)


@pytest.mark.parametrize("field", ["sig", "hash", "prev", "writer"])
def test_payload_ignores_sig_and_chain_fields(field):
    assert payload(dict(RECORD, **{field: "whatever"})) == payload(RECORD)


def test_payload_empty_values_count_as_absent():
    """On disk an empty field is no field, so a record reads back without it."""
    assert payload(dict(RECORD, note="")) == payload(RECORD)


@pytest.mark.parametrize("field", sorted(RECORD) + ["note", "counted"])
def test_payload_changes_when_any_other_field_changes(field):
    base = payload(RECORD)
    assert payload(dict(RECORD, **{field: RECORD.get(field, "") + "x"})) != base
    if field in RECORD:
        assert payload({k: v for k, v in RECORD.items() if k != field}) != base


def test_payload_refuses_values_that_are_not_text():
    with pytest.raises(TypeError):
        payload(dict(RECORD, counted=True))


# -- public keys ----------------------------------------------------------------

def test_parse_public_key_accepts_a_key_line(alice):
    line = pub(alice)
    ktype, b64, comment = line.split()
    assert comment == "test"
    assert parse_public_key(line) == f"{ktype} {b64}"
    assert parse_public_key(f"  {ktype}   {b64}  \n") == f"{ktype} {b64}"


def test_parse_public_key_accepts_a_pub_path(alice, monkeypatch):
    path = alice.parent / "alice.pub"
    expected = " ".join(pub(alice).split()[:2])
    assert parse_public_key(str(path)) == expected
    monkeypatch.chdir(alice.parent)
    assert parse_public_key("alice.pub") == expected


@pytest.mark.parametrize("junk", [
    "", "hello", "ssh-ed25519", "ssh-ed25519 !!!", "ssh-ed25519 AAAA",
    "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
    "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQC",               # rsa data labelled ed25519
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0",                  # truncated key data
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIQ" + "A" * 43,         # 33-byte key: ssh-keygen refuses it
    'command="x" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5',
    "/nonexistent/dir/key.pub", "missing.pub",
])
def test_parse_public_key_rejects_junk(junk):
    with pytest.raises(ValueError) as info:
        parse_public_key(junk)
    assert "\n" not in str(info.value) and str(info.value)


def test_parse_public_key_rejects_private_keys_and_two_keys(alice, bob, tmp_path):
    with pytest.raises(ValueError, match="private key"):
        parse_public_key(str(alice))
    with pytest.raises(ValueError, match="private key"):
        parse_public_key(alice.read_text())
    both = tmp_path / "both.pub"
    both.write_text(pub(alice) + "\n" + pub(bob) + "\n")
    with pytest.raises(ValueError, match="found 2"):
        parse_public_key(str(both))


# -- failures to sign -------------------------------------------------------------

def test_sign_with_a_missing_key_file_raises_one_line(tmp_path):
    with pytest.raises(SigningError) as info:
        sign(b"data", str(tmp_path / "no-such-key"))
    message = str(info.value)
    assert message and "\n" not in message and "\r" not in message
    assert "no-such-key" in message


def test_sign_with_a_passphrase_key_and_no_agent_raises_quickly(tmp_path, monkeypatch):
    key = keygen(tmp_path, "locked", passphrase="correct horse")
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    start = time.monotonic()
    with pytest.raises(SigningError) as info:
        sign(payload(RECORD), str(key))
    assert time.monotonic() - start < 5
    message = str(info.value)
    assert "passphrase" in message and "ssh-agent" in message
    assert "\n" not in message and "\r" not in message


def test_missing_ssh_keygen_raises_signing_error(signed, monkeypatch, alice):
    data, sig, key = signed
    monkeypatch.setattr(signing, "SSH_KEYGEN", "/nonexistent/ssh-keygen")
    with pytest.raises(SigningError, match="not installed"):
        sign(data, str(alice))
    with pytest.raises(SigningError, match="not installed"):
        verify(data, sig, "m", key)
    with pytest.raises(SigningError, match="not installed"):
        verify_many([(data, sig, "m", key)] * 2)
    with pytest.raises(SigningError, match="not installed"):
        parse_public_key(key)


def test_a_hanging_ssh_keygen_is_stopped_by_the_timeout(signed, monkeypatch, tmp_path, alice):
    data, sig, key = signed
    fake = tmp_path / "slow-keygen"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(signing, "SSH_KEYGEN", str(fake))
    monkeypatch.setattr(signing, "TIMEOUT", 0.5)
    start = time.monotonic()
    with pytest.raises(SigningError, match="did not finish"):
        sign(data, str(alice))
    with pytest.raises(SigningError, match="did not finish"):
        verify(data, sig, "m", key)
    assert time.monotonic() - start < 5


# -- many, and housekeeping --------------------------------------------------------

def test_verify_many_agrees_with_verify(tmp_path, alice, bob):
    alice2 = keygen(tmp_path, "alice2")                 # the same manager after a key change
    items, expected = [], []
    for n in range(6):
        data = payload(dict(RECORD, id=f"e{n}"))
        a, b, a2 = sign(data, str(alice)), sign(data, str(bob)), sign(data, str(alice2))
        items += [(data, a, "m", pub(alice)), (data, b, "b", pub(bob)), (data, a2, "m", pub(alice2)),
                  (data, a2, "m", pub(alice)), (data + b"x", a, "m", pub(alice)), (data, b, "m", pub(alice)),
                  (data, a[:-4], "m", pub(alice)), (data, a, "m", pub(alice))]
        expected += [True, True, True, False, False, False, False, True]
    assert verify_many(items) == expected
    assert [verify(*item) for item in items] == expected
    assert verify_many([]) == []
    assert verify_many(items[:1]) == [True]


def test_no_files_are_left_behind(signed, alice, tmp_path, monkeypatch):
    data, sig, key = signed
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    sign(data, str(alice))
    verify(data, sig, "m", key)
    verify(data, "garbled", "m", key)
    verify_many([(data, sig, "m", key), (data + b"x", sig, "m", key)])
    parse_public_key(pub(alice))
    with pytest.raises(SigningError):
        sign(data, str(tmp_path / "no-such-key"))
    with pytest.raises(ValueError):
        parse_public_key("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIQ" + "A" * 43)
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in alice.parent.iterdir() if p.name.startswith("alice")) == ["alice", "alice.pub"]
