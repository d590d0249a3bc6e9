"""A new office: its directory, policy, identity file and key, and (by default) its git repository."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from rotactl.core import policy as policy_mod
from rotactl.core.errors import DomainError
from rotactl.store import policy_file


def create_office(root: Path, preset: str, office_name: str | None, timezone: str | None, git: bool,
                  match_key: str | None = None, policy_text: str | None = None, identity: dict | None = None) -> None:
    """A new office in the current ledger format, and its key (outside the office: `rotactl.store.keyring`);
    `identity`: the `office.toml` of an office of an older format, whose id and key it keeps (`migrate`)."""
    import secrets

    from rotactl.store import keyring as keys

    if preset not in policy_mod.PRESET_NAMES:
        raise DomainError(f"unknown preset '{preset}' (one of {', '.join(policy_mod.PRESET_NAMES)})")
    if (root / "rotactl.toml").exists():
        raise DomainError(f"{root} already holds an office (rotactl.toml exists)")
    text = policy_text or policy_file.preset_text(preset)
    for key, value in (("name", office_name), ("timezone", timezone)):
        if value:
            quoted = json.dumps(value, ensure_ascii=False)
            line = f"{key} = {quoted}"
            text = re.sub(rf'(?m)^{key} = ".*"$', lambda _m, line=line: line, text, count=1)
    policy_mod.parse(text)
    group = None
    if match_key:
        try:
            group = keys.parse(Path(match_key).read_text(encoding="utf-8"), match_key).match
        except OSError as exc:
            raise DomainError(f"--match-key: cannot read {match_key} ({exc.strerror})") from None
    if identity:
        office_id, office_keys = identity["id"], {k: identity[k] for k in ("match_check", "encrypt_check")}
    else:
        office_id = secrets.token_hex(6)
        office_keys = keys.new(office_id, group)
        keys.save(office_keys)
    root.mkdir(parents=True, exist_ok=True)
    (root / keys.OFFICE_FILE).write_text(keys.office_text(office_id, office_keys), encoding="utf-8")
    (root / "rotactl.toml").write_text(text, encoding="utf-8")
    (root / "ledger").mkdir(exist_ok=True)
    (root / "checkpoints").mkdir(exist_ok=True)
    (root / ".gitattributes").write_text(
        "# ledger lines are independent records: two clones' appends merge as a union\n"
        "ledger/**/*.csv merge=union\n", encoding="utf-8")
    (root / ".gitignore").write_text("# derived caches, the lock file and this clone's writer id\n.rotactl/\n",
                                     encoding="utf-8")
    if git:
        try:
            subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise DomainError(f"git init failed ({exc}); use --no-git to skip it") from None


def commit_all(root: Path, message: str) -> None:
    """The office's first commit: everything `create_office` wrote (and the first manager)."""
    from rotactl.store import git

    git.commit_all(root, message)
