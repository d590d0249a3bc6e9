"""git, the office's external anchor (SPEC §4.2): commit every acknowledged entry, and compare the
working copy and the history with what was committed.

Only an office that is its own repository (`DIR/.git`, as `init` makes it) is committed to; an office
inside a larger repository is left to its owner. Everything runs `git` as a subprocess under the
office's lock; nothing here is imported unless the office is a repository.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from rotactl.core.errors import DomainError

IDENTITY = ("-c", "user.name=rotactl", "-c", "user.email=rotactl@localhost")
TRACKED = ("ledger", "checkpoints")


def is_repo(root: Path) -> bool:
    return (Path(root) / ".git").exists()


def _git(root: Path, *args: str, data: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=data, capture_output=True, env=env,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DomainError(f"git {args[0]} failed ({exc})") from None
    if check and proc.returncode != 0:
        raise DomainError(f"git {args[0]} failed: {_first_line(proc.stderr)}")
    return proc


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "(no message)"


def commit(root: Path, paths: list[str], message: str, new=()) -> None:
    """Commit exactly these paths. Uses the user's git identity, else `rotactl`. A path git already
    tracks needs no `git add` (`commit -- PATHS` takes its content as it is): one git process per
    entry instead of two. `new`: the files the command created, added first; a path git does not
    know after all (left uncommitted by an interrupted command) is added when the commit says so."""
    paths = [p for p in paths if (Path(root) / p).exists()]
    if not paths:
        return
    if any(p in new for p in paths):
        _add(root, paths)
    proc = _commit(root, paths, message)
    if proc.returncode != 0 and b"did not match any file(s) known to git" in proc.stderr:
        _add(root, paths)
        proc = _commit(root, paths, message)
    if proc.returncode != 0 and b"nothing to commit" not in proc.stdout + proc.stderr \
            and b"no changes added" not in proc.stdout + proc.stderr:
        raise DomainError(f"the entry is written but git could not commit it ({_first_line(proc.stderr)}); "
                          "do not repeat the command: the next command commits it")


def _add(root: Path, paths: list[str]) -> None:
    if _git(root, "add", "--", *paths, check=False).returncode != 0:
        raise DomainError("the entry is written but git could not stage it; do not repeat the command: "
                          "the next command commits it")


def _commit(root: Path, paths: list[str], message: str) -> subprocess.CompletedProcess:
    proc = _git(root, "commit", "-q", "--no-gpg-sign", "-m", message, "--", *paths, check=False)
    if proc.returncode != 0 and b"tell me who you are" in proc.stderr + proc.stdout:
        proc = _git(root, *IDENTITY, "commit", "-q", "--no-gpg-sign", "-m", message, "--", *paths, check=False)
    return proc


def busy(root: Path) -> str | None:
    """A git lock file that would make the commit fail. One that no process holds open was left by
    a git command that was killed (git keeps its lock file open until it commits or rolls back):
    it is removed; one held open belongs to a running git command, and the write waits for it."""
    for name in ("index.lock", "HEAD.lock"):
        lock = Path(root) / ".git" / name
        if lock.exists():
            if _held_open(lock):
                return f".git/{name}"
            try:
                lock.unlink()
            except FileNotFoundError:
                pass
    return None


def _held_open(path: Path) -> bool:
    """Whether any process has this file open (Linux /proc; elsewhere assume it is)."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return True
    target = str(path.resolve())
    for pid in os.listdir(proc):
        if not pid.isdigit():
            continue
        try:
            for fd in os.listdir(proc / pid / "fd"):
                if os.readlink(proc / pid / "fd" / fd) == target:
                    return True
        except OSError:
            continue
    return False


def commit_all(root: Path, message: str) -> None:
    """`init`: the new office's first commit."""
    _git(root, "add", "-A")
    proc = _git(root, "commit", "-q", "--no-gpg-sign", "-m", message, check=False)
    if proc.returncode != 0 and b"tell me who you are" in proc.stderr + proc.stdout:
        _git(root, *IDENTITY, "commit", "-q", "--no-gpg-sign", "-m", message)
    elif proc.returncode != 0:
        raise DomainError(f"git commit failed: {_first_line(proc.stderr)}")


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def has_head(root: Path) -> bool:
    return _git(root, "rev-parse", "-q", "--verify", "HEAD", check=False).returncode == 0


def tree(root: Path, rev: str = "HEAD", paths: tuple[str, ...] = ()) -> dict[str, str]:
    """path -> blob id of the ledger and checkpoint files in a commit (`paths`: only under these)."""
    out = _git(root, "ls-tree", "-r", "-z", rev, "--", *(paths or TRACKED)).stdout
    found = {}
    for item in filter(None, out.split(b"\0")):
        meta, _tab, path = item.partition(b"\t")
        found[path.decode("utf-8", "surrogateescape")] = meta.split()[2].decode()
    return found


class Blobs:
    """Blob contents by id, from one `git cat-file --batch` process."""

    def __init__(self, root: Path):
        self.root = root

    def read(self, ids: list[str]) -> dict[str, bytes]:
        ids = sorted(set(ids))
        if not ids:
            return {}
        out = _git(self.root, "cat-file", "--batch", data="".join(f"{i}\n" for i in ids).encode()).stdout
        found, pos = {}, 0
        for blob in ids:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            found[blob] = out[pos:pos + size]
            pos += size + 1
        return found


def history(root: Path) -> list[tuple[str, str, list[tuple[str, str, str, str]]]]:
    """Every (commit, parent, changes) pair reachable from HEAD, where changes are the ledger and
    checkpoint files the commit changed against that parent: (status, old blob, new blob, path)."""
    pairs = []
    for line in _git(root, "rev-list", "--parents", "HEAD").stdout.decode().splitlines():
        commit_id, *parents = line.split()
        pairs += [(commit_id, parent) for parent in parents]
    if not pairs:
        return []
    data = "".join(f"{c} {p}\n" for c, p in pairs).encode()
    # --always: one header (the commit id) per input line, in input order, even with no change
    out = _git(root, "diff-tree", "--stdin", "--always", "-r", "-z", "--no-renames", "--", *TRACKED,
               data=data).stdout
    result: dict[tuple[str, str], list] = {pair: [] for pair in pairs}
    order = iter(pairs)
    current = None
    fields = out.split(b"\0")
    i = 0
    while i < len(fields):
        item = fields[i].decode("utf-8", "surrogateescape")
        if not item:
            i += 1
            continue
        if item.startswith(":"):
            meta = item[1:].split()
            path = fields[i + 1].decode("utf-8", "surrogateescape")
            if current is not None:
                result[current].append((meta[4], meta[2], meta[3], path))
            i += 2
            continue
        current = next(order, None)
        if current is not None and current[0] != item.split()[0]:
            raise DomainError(f"git diff-tree answered {item[:12]} for commit {current[0][:12]}")
        i += 1
    return [(c, p, changes) for (c, p), changes in result.items()]
