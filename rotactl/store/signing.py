"""SSH signatures on manager entries (SPEC §4.1), made and checked by `ssh-keygen -Y`.

With `[office] signed_manager_entries = true`, each manager-only entry carries a field
`sig`: an SSH signature (namespace `rotactl-entry`) over `payload(record)`, made with the
manager's key and checked by `check` against the key registered with `staff add ID
--ssh-key PUBKEY`.

* `payload(record)` is what is signed: a domain tag and the canonical JSON of the record
  without `sig`, `hash`, `prev` and `writer` (the signature itself, and the chain fields that
  `append` adds after signing or that a merge may change). Empty values count as absent, as
  they do on disk. Sign the record as it will be written (after `codecs.clean`, with its id
  already assigned, e.g. from `Store.new_id`), then add `sig`, then chain it.
* `sign` returns the signature as one line of base64 (the body of ssh-keygen's armored
  `SSH SIGNATURE` block), so it fits in one ledger field.
* `verify` / `verify_many` answer True only when ssh-keygen accepts the signature for that
  public key and namespace; a garbled signature is False, never an exception.

An SSH signature does not contain the signer's name: what ties an entry to a person is that
the payload holds the entry's `actor`, and that the caller verifies with the key registered to
that actor. The `principal` argument names that person; it is never written into the
allowed-signers file as is (staff ids may hold `*`, `?`, `!`, `"` or `#`, which that file
reads as patterns, negations, quotes or comments), each (principal, key) pair gets a neutral
identity instead, so one key never answers for another pair's entries.

Only the standard library; ssh-keygen runs as a subprocess (`SSH_KEYGEN`), in a new session
(no controlling terminal) with stdin closed and `SSH_ASKPASS_REQUIRE=never`, so it can
neither prompt nor hang; every call has a `TIMEOUT`, every file lives in a private
temporary directory that is removed afterwards.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import re
import subprocess
import tempfile

NAMESPACE = "rotactl-entry"
SSH_KEYGEN = "/usr/bin/ssh-keygen"
TIMEOUT = 10.0                       # seconds, for every ssh-keygen call
PAYLOAD_DOMAIN = b"rotactl/signed-entry/v1\n"
UNSIGNED_FIELDS = frozenset({"sig", "hash", "prev", "writer"})
KEY_TYPES = (
    "ssh-ed25519",
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "ssh-rsa",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
)

_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_END = "-----END SSH SIGNATURE-----"
_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_MAX_SIG = 16384                     # characters; an RSA-8192 signature is under 2,000
_MAX_KEY_FILE = 65536                # bytes read from a .pub file
_NOISE = ("Signing file ", "Write signature to ")


class SigningError(Exception):
    """ssh-keygen could not sign (or could not run at all); the message is one line."""


# -- payload -------------------------------------------------------------------

def payload(record: dict[str, str]) -> bytes:
    """The bytes signed for a ledger entry: a domain tag and the record's canonical JSON,
    without `sig`, `hash`, `prev` and `writer`; empty (or None) values count as absent."""
    body: dict[str, str] = {}
    for key, value in record.items():
        if key in UNSIGNED_FIELDS or value is None or value == "":
            continue
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"payload: field {key!r} must map text to text, got {type(value).__name__}"
                            " (sign the record as written, after codecs.clean)")
        body[key] = value
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return PAYLOAD_DOMAIN + text.encode("utf-8")


# -- running ssh-keygen ------------------------------------------------------

def _run(args: list[str], *, data: bytes | None = None, cwd: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["SSH_ASKPASS_REQUIRE"] = "never"          # no graphical passphrase prompt either
    try:
        return subprocess.run(
            [SSH_KEYGEN, *args], input=data, stdin=None if data is not None else subprocess.DEVNULL,
            capture_output=True, timeout=TIMEOUT, cwd=cwd, env=env,
            start_new_session=True)               # no controlling terminal: /dev/tty cannot prompt
    except FileNotFoundError:
        raise SigningError(f"ssh-keygen is not installed ({SSH_KEYGEN} not found; install OpenSSH)") from None
    except subprocess.TimeoutExpired:
        raise SigningError(f"ssh-keygen did not finish within {TIMEOUT:g} s") from None
    except OSError as exc:
        raise SigningError(f"cannot run {SSH_KEYGEN}: {exc.strerror or exc}") from None


def _message(proc: subprocess.CompletedProcess) -> str:
    """ssh-keygen's first meaningful stderr line (progress lines and prompts dropped)."""
    for raw in proc.stderr.decode("utf-8", "replace").splitlines():
        line = raw.strip()
        if line.startswith("Enter passphrase"):
            line = line.partition(":")[2].strip()
        if line and not line.startswith(_NOISE):
            if "passphrase" in line:
                line += " (a passphrase-protected key must be loaded in ssh-agent)"
            return line
    return f"ssh-keygen exited with status {proc.returncode}"


# -- keys ----------------------------------------------------------------------

def _split_key(text: str) -> tuple[str, str, bytes] | None:
    """(type, base64, blob) of `TYPE BASE64 [comment]`, or None when it is not one."""
    parts = text.split()
    if len(parts) < 2 or parts[0] not in KEY_TYPES or not _B64.fullmatch(parts[1]):
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    inner = _read_string(blob, 0)
    if inner is None or inner[0] != parts[0].encode():
        return None
    return parts[0], base64.b64encode(blob).decode(), blob


def _key_file(text: str) -> str | None:
    """The path `text` names, when it is one line naming an existing regular file."""
    if "\n" in text or "\0" in text or text.split()[0] in KEY_TYPES:
        return None
    path = os.path.expanduser(text)
    try:
        return path if os.path.isfile(path) else None
    except (OSError, ValueError):
        return None


def parse_public_key(text: str) -> str:
    """Validate an OpenSSH public key line (or the path of a .pub file holding one) and return
    it as `TYPE BASE64`, comment dropped; ValueError saying what is wrong otherwise."""
    if not isinstance(text, str):
        raise TypeError("parse_public_key: expected text")
    text = text.strip()
    if not text:
        raise ValueError("empty SSH public key")
    path = _key_file(text)
    if path is not None:
        try:
            with open(path, "rb") as fh:
                content = fh.read(_MAX_KEY_FILE + 1)
        except OSError as exc:
            raise ValueError(f"cannot read {text}: {exc.strerror or exc}") from None
        if len(content) > _MAX_KEY_FILE:
            raise ValueError(f"{text}: too large for an SSH public key file")
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{text}: not an SSH public key file (not text)") from None
        where = f"{path}: "
    elif "\n" not in text and (text.endswith(".pub") or os.sep in text) and " " not in text:
        raise ValueError(f"no such public key file: {text}")
    else:
        where = ""
    if "PRIVATE KEY-----" in text:
        raise ValueError(f"{where}this is a private key; give the public key (the .pub file)")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) != 1:
        raise ValueError(f"{where}expected one SSH public key line, found {len(lines)}")
    first = lines[0].split()[0]
    if first not in KEY_TYPES:
        raise ValueError(f"{where}not an OpenSSH public key (expected `TYPE BASE64 [comment]` with TYPE "
                         f"one of {', '.join(KEY_TYPES)}; got {first[:40]!r})")
    split = _split_key(lines[0])
    if split is None:
        raise ValueError(f"{where}malformed {first} public key (its key data does not decode as a {first} key)")
    ktype, b64, _ = split
    with tempfile.TemporaryDirectory(prefix="rotactl-key-") as tmp:
        keyfile = os.path.join(tmp, "key.pub")
        with open(keyfile, "w", encoding="ascii") as fh:
            fh.write(f"{ktype} {b64}\n")
        proc = _run(["-l", "-f", keyfile], cwd=tmp)
    if proc.returncode != 0:
        raise ValueError(f"{where}invalid {ktype} public key (ssh-keygen cannot read it)")
    return f"{ktype} {b64}"


# -- signing -------------------------------------------------------------------

def _dearmor(text: str) -> str | None:
    lines = [ln.strip() for ln in text.splitlines()]
    try:
        body = lines[lines.index(_BEGIN) + 1:lines.index(_END)]
    except ValueError:
        return None
    joined = "".join(body)
    return joined if _B64.fullmatch(joined) else None


def _armor(blob: bytes) -> str:
    b64 = base64.b64encode(blob).decode()
    rows = [b64[i:i + 70] for i in range(0, len(b64), 70)]   # as ssh-keygen writes it
    return "\n".join([_BEGIN, *rows, _END]) + "\n"


def sign(data: bytes, key: str) -> str:
    """Sign `data` with `ssh-keygen -Y sign -n rotactl-entry -f KEY`: KEY is a private key file,
    or a public key file whose private key is in ssh-agent. Returns one line of base64."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("sign: data must be bytes (see payload())")
    key = os.fspath(key) if key is not None else ""
    if not str(key).strip():
        raise SigningError("no signing key given")
    keypath = os.path.abspath(os.path.expanduser(key))     # never read as an option, nor relative to tmp
    with tempfile.TemporaryDirectory(prefix="rotactl-sign-") as tmp:
        datafile = os.path.join(tmp, "entry")
        with open(datafile, "wb") as fh:
            fh.write(data)
        proc = _run(["-Y", "sign", "-n", NAMESPACE, "-f", keypath, datafile], cwd=tmp)
        if proc.returncode != 0:
            raise SigningError(_message(proc))
        try:
            with open(datafile + ".sig", encoding="ascii") as fh:
                armored = fh.read()
        except (OSError, UnicodeDecodeError):
            raise SigningError("ssh-keygen reported success but wrote no signature") from None
    body = _dearmor(armored)
    if body is None:
        raise SigningError("ssh-keygen wrote a signature rotactl cannot read")
    return body


# -- verifying -----------------------------------------------------------------

def _read_string(buf: bytes, pos: int) -> tuple[bytes, int] | None:
    if pos + 4 > len(buf):
        return None
    size = int.from_bytes(buf[pos:pos + 4], "big")
    end = pos + 4 + size
    if end > len(buf):
        return None
    return buf[pos + 4:end], end


def _precheck(signature: str, public_key: str) -> tuple[str, str] | None:
    """(armored signature, `TYPE BASE64`) when the signature is well formed, in our namespace
    and made by `public_key`; None when ssh-keygen would reject it anyway (no process needed)."""
    if not isinstance(signature, str) or not isinstance(public_key, str):
        return None
    sig = signature.strip()
    if not sig or len(sig) > _MAX_SIG or not _B64.fullmatch(sig):
        return None
    try:
        blob = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        return None
    split = _split_key(public_key)
    if split is None:
        return None
    ktype, b64, key_blob = split
    # SSHSIG: "SSHSIG" uint32(1) string(publickey) string(namespace) string(reserved)
    #         string(hash_algorithm) string(signature)
    if blob[:6] != b"SSHSIG" or blob[6:10] != b"\0\0\0\1":
        return None
    fields, pos = [], 10
    for _ in range(5):
        got = _read_string(blob, pos)
        if got is None:
            return None
        fields.append(got[0])
        pos = got[1]
    if pos != len(blob) or fields[0] != key_blob or fields[1] != NAMESPACE.encode():
        return None
    return _armor(blob), f"{ktype} {b64}"


def _verify_one(tmp: str, allowed: str, identity: str, sigfile: str, armored: str, data: bytes) -> bool:
    with open(sigfile, "w", encoding="ascii") as fh:
        fh.write(armored)
    proc = _run(["-Y", "verify", "-f", allowed, "-I", identity, "-n", NAMESPACE, "-s", sigfile],
                data=bytes(data), cwd=tmp)
    return proc.returncode == 0


def _write_allowed(path: str, signers: dict[tuple[str, str], str]) -> None:
    with open(path, "w", encoding="ascii") as fh:
        for (_principal, key), identity in signers.items():
            fh.write(f'{identity} namespaces="{NAMESPACE}" {key}\n')


def verify(data: bytes, signature: str, principal: str, public_key: str) -> bool:
    """True when `signature` (as `sign` returns it) is a valid rotactl-entry signature over
    `data` by `public_key`, the key registered to `principal`. False for anything else;
    SigningError only when ssh-keygen cannot run."""
    if not isinstance(data, (bytes, bytearray)) or not isinstance(principal, str) or not principal:
        return False
    pre = _precheck(signature, public_key)
    if pre is None:
        return False
    armored, key = pre
    with tempfile.TemporaryDirectory(prefix="rotactl-verify-") as tmp:
        allowed = os.path.join(tmp, "allowed_signers")
        _write_allowed(allowed, {(principal, key): "signer-0"})
        return _verify_one(tmp, allowed, "signer-0", os.path.join(tmp, "entry.sig"), armored, data)


def verify_many(items: list[tuple[bytes, str, str, str]]) -> list[bool]:
    """`verify` for each (data, signature, principal, public_key), in order. Malformed,
    foreign-key and foreign-namespace signatures are answered without a process; the rest
    share one allowed-signers file (one neutral identity per (principal, key) pair) and run
    as concurrent ssh-keygen processes."""
    results = [False] * len(items)
    jobs: list[tuple[int, str, str, bytes]] = []          # index, identity, armored, data
    signers: dict[tuple[str, str], str] = {}
    seen: dict[tuple[bytes, str, str], list[int]] = {}      # identical checks run once
    for index, item in enumerate(items):
        data, signature, principal, public_key = item
        if not isinstance(data, (bytes, bytearray)) or not isinstance(principal, str) or not principal:
            continue
        pre = _precheck(signature, public_key)
        if pre is None:
            continue
        armored, key = pre
        identity = signers.setdefault((principal, key), f"signer-{len(signers)}")
        same = seen.setdefault((bytes(data), armored, identity), [])
        if not same:
            jobs.append((index, identity, armored, bytes(data)))
        same.append(index)
    if not jobs:
        return results
    with tempfile.TemporaryDirectory(prefix="rotactl-verify-") as tmp:
        allowed = os.path.join(tmp, "allowed_signers")
        _write_allowed(allowed, signers)

        def run(job_number: int) -> bool:
            index, identity, armored, data = jobs[job_number]
            return _verify_one(tmp, allowed, identity, os.path.join(tmp, f"{job_number}.sig"), armored, data)

        if len(jobs) == 1:
            verdicts = [run(0)]
        else:
            from concurrent.futures import ThreadPoolExecutor  # only when there is a batch
            workers = min(len(jobs), 2 * (os.cpu_count() or 1), 16)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                verdicts = list(pool.map(run, range(len(jobs))))
    for (_index, identity, armored, data), ok in zip(jobs, verdicts):
        for same in seen[(data, armored, identity)]:
            results[same] = ok
    return results
