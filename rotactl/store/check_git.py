"""The checks of a git office: the working copy against the last commit, and (`check --history`)
every commit against its parents."""
from __future__ import annotations

import os
from collections.abc import Iterator

from rotactl.core.dates import month_of

CHECKPOINTS = "checkpoints"


def check_committed(ledger) -> Iterator[str]:
    """In a git office: every ledger file's working copy extends its committed version (nothing
    committed was dropped or edited, even on a day not yet sealed), and checkpoints are as committed."""
    from rotactl.store import git

    root = ledger.store.root
    if not git.is_repo(root) or not git.has_head(root):
        return
    trusted = ledger.prior.get("files", {}) if ledger.run.since else {}
    if ledger.run.since:                        # the months before were verified and are unchanged (`checked`)
        recent = tuple(f"{top}/{m}" for top in ("ledger", CHECKPOINTS) if (root / top).is_dir()
                       for m in os.listdir(root / top) if m >= month_of(ledger.run.since))
        if not recent:
            return
        committed = git.tree(root, paths=recent)
    else:
        committed = git.tree(root)
    differ = {}
    for rel, blob in committed.items():
        path = root / rel
        if rel in trusted:
            continue                        # verified against git before, unchanged since (`checked`)
        data = path.read_bytes() if path.is_file() else None
        if data is None:
            yield f"{rel}:1: committed in git but missing from the working copy"
        elif git.blob_id(data) != blob:
            differ[rel] = (blob, data)
    old = git.Blobs(root).read([blob for blob, _data in differ.values()])
    for rel, (blob, data) in sorted(differ.items()):
        before = old.get(blob, b"")
        if rel.startswith(CHECKPOINTS + "/"):
            yield f"{rel}:1: checkpoint differs from its committed version"
        elif not data.startswith(before):
            line, lines = _first_difference(before, data), before.count(b"\n")
            yield (f"{rel}:{line}: the working copy drops or changes committed line {line} "
                   f"(git has {lines} lines; restore with `git checkout -- {rel}`)")


def check_history(ledger) -> Iterator[str]:
    """`check --history`: no commit drops or edits a ledger line of its parent (a merge keeps both
    parents' lines), and no commit changes or deletes a checkpoint."""
    from rotactl.store import git

    root = ledger.store.root
    if not git.is_repo(root) or not git.has_head(root):
        return
    pairs = git.history(root)
    wanted = [blob for _c, _p, changes in pairs for status, old, new, _path in changes if status != "A"
              for blob in (old, new) if set(blob) != {"0"}]
    blobs = git.Blobs(root).read(wanted)
    for commit, parent, changes in pairs:
        for status, old, new, path in changes:
            if status == "A":
                continue
            if path.startswith(CHECKPOINTS + "/"):
                yield f"{path}:1: commit {commit[:12]} {'deletes' if status == 'D' else 'changes'} a checkpoint"
                continue
            missing = _dropped(blobs.get(old, b""), blobs.get(new, b"") if status != "D" else b"")
            if missing:
                yield (f"{path}:{missing}: commit {commit[:12]} drops or edits line {missing} of its parent "
                       f"{parent[:12]}")


def _first_difference(before: bytes, after: bytes) -> int:
    lines_before, lines_after = before.split(b"\n"), after.split(b"\n")
    for number, (a, b) in enumerate(zip(lines_before, lines_after), start=1):
        if a != b:
            return number
    return min(len(lines_before), len(lines_after))


def _dropped(before: bytes, after: bytes) -> int:
    """The first line of `before` (1-based) that `after` does not keep, in order; 0 if none."""
    kept = iter(after.split(b"\n"))
    for number, line in enumerate(before.split(b"\n")[:-1] if before.endswith(b"\n") else before.split(b"\n"),
                                  start=1):
        if not any(line == other for other in kept):
            return number
    return 0
