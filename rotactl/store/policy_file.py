"""The policy's files: the office's `rotactl.toml`, and the presets shipped with rotactl
(`rotactl/presets/NAME.toml`, written by `tools/make_presets.py` from the schema in `rotactl.core.policy`)."""
from __future__ import annotations

from pathlib import Path

from rotactl.core.errors import LedgerError
from rotactl.core.policy import Policy, parse

PRESETS_DIR = Path(__file__).resolve().parent.parent / "presets"


def load(path: Path) -> Policy:
    """An office's policy file, read and checked against the schema (problems name FILE:LINE)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LedgerError([f"{path.name}:1: cannot read the policy ({exc.strerror})"]) from None
    return parse(text, path.name)


def preset_text(name: str) -> str:
    """The text of a preset's policy file."""
    return (PRESETS_DIR / f"{name}.toml").read_text(encoding="utf-8")
