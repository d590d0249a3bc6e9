"""What `check` verified: a watermark in the cache, so the daily `check` reads only what is new.

After a `check` that found nothing, `.rotactl/checked.json` records the last sealed
day it verified, the size and modification time of every ledger and checkpoint
file of the days up to it (like git's own index), and the little state the checks
carry across days: the signing keys registered so far, the last `policy set`, the
month indexes rebuilt and compared. The next `check` (without `--full`):

* re-verifies cheaply that every one of those files is as it was — same size and
  modification time, and no new file among those days; if any is not, it checks
  everything again, and says why;
* then verifies only the days after the watermark, starting the replay from the
  watermark day's checkpoint (verified with its day).

What it cannot see: a file rewritten with the same size and its modification time
set back by hand. `check --full` reads everything; in a git office, `check
--history` also proves no commit ever rewrote a line. Deleting the cache only
makes the next `check` a full one.
"""
from __future__ import annotations

import json
import os

from rotactl.core.dates import month_of
from rotactl.store.files import day_of_file

NAME = "checked.json"
VERSION = 1


def _stats(store, through: str, after: str = "") -> dict[str, list[int]]:
    """(size, mtime_ns) of every ledger and checkpoint file of the days up to `through` (`after`:
    only of the months from that day's on)."""
    out = {}
    for top in ("ledger", "checkpoints"):
        base = store.root / top
        for month in sorted(os.listdir(base)) if base.is_dir() else []:
            if month > month_of(through) or month < month_of(after):
                continue
            for entry in os.scandir(base / month):
                rel = f"{top}/{month}/{entry.name}"
                if entry.name[2:3] == "." and day_of_file(rel) > through:   # a day's file (not a month index)
                    continue
                st = entry.stat()
                out[rel] = [st.st_size, st.st_mtime_ns]
    return out


def _policy(store) -> str:
    from rotactl.core.policy import version

    try:
        return version(store.policy_path.read_bytes())
    except OSError:
        return ""


def load(store) -> tuple[dict | None, str]:
    """(the watermark, "") when every file it vouches for is unchanged; else (None, why not)."""
    try:
        data = json.loads((store.root / ".rotactl" / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, "no earlier check recorded in this clone"
    if data.get("version") != VERSION or not data.get("through"):
        return None, "no earlier check recorded in this clone"
    if data.get("policy") != _policy(store):
        return None, "rotactl.toml changed since the last check"
    now = _stats(store, data["through"])
    old = data.get("files", {})
    if now != old:
        changed = sorted(k for k in set(now) | set(old) if now.get(k) != old.get(k))
        return None, f"{changed[0]} changed since it was verified"
    return data, ""


def save(store, through: str, state: dict, before: dict | None = None) -> None:
    """Record a clean check through `through` (a cache: failing to write it loses nothing). `before`:
    the watermark this check started from, whose files need no second look."""
    if before:
        start = before["through"]
        files = {k: v for k, v in before["files"].items() if k.split("/")[1] < month_of(start)}
        files.update(_stats(store, through, start))
    else:
        files = _stats(store, through)
    data = {"version": VERSION, "through": through, "files": files, "policy": _policy(store), **state}
    try:
        path = store.local(NAME)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
