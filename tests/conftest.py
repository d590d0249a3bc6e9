import json
import os
import tempfile

import pytest
from click.testing import CliRunner

from rotactl.cli import cli

# Tests read refusals and tables in English unless they ask for Chinese (`--lang zh`, tests/test_languages.py);
# an office's own language ([office] language = "zh" in every preset) is what users see.
os.environ["ROTACTL_LANG"] = "en"
# Office keys (rotactl.store.keyring) go to a folder of this test run, never to the user's ~/.config/rotactl.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="rotactl-test-keys-")
os.environ.pop("ROTACTL_KEY", None)


class Office:
    """Drive one office through click's CliRunner, the way the desk would."""

    def __init__(self, path, preset="default"):
        self.path = path
        self.runner = CliRunner()
        result = self.runner.invoke(cli, ["init", str(path), "--preset", preset, "--no-git"])
        assert result.exit_code == 0, result.output

    def run(self, *args, at="2026-11-02 09:00", actor="m", fmt="json"):
        return self.runner.invoke(cli, ["-C", str(self.path), "--at", at, "--as", actor, "--format", fmt,
                                        *map(str, args)])

    def ok(self, *args, **kw):
        result = self.run(*args, **kw)
        assert result.exit_code == 0, (args, result.output, result.stderr if hasattr(result, "stderr") else "")
        text = result.stdout.strip()
        return json.loads(text) if text and kw.get("fmt", "json") == "json" else text

    def staff(self, *ids, manager="m"):
        self.ok("staff", "add", manager, "--name", "周杰", "--role", "manager", at="2026-11-02 07:00")
        for sid in ids:
            self.ok("staff", "add", sid, "--name", f"销售{sid}", at="2026-11-02 07:00")

    def ledger_bytes(self):
        return {p.relative_to(self.path).as_posix(): p.read_bytes()
                for p in sorted((self.path / "ledger").rglob("*")) if p.is_file()}


@pytest.fixture
def office(tmp_path):
    return Office(tmp_path / "office")


@pytest.fixture
def make_office(tmp_path):
    def make(preset="default", name="office"):
        return Office(tmp_path / name, preset)
    return make


def edit_policy(office: Office, old: str, new: str) -> None:
    """Change one line of the office's rotactl.toml by hand (a knob a test needs)."""
    path = office.path / "rotactl.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def open_floor(tmp_path, preset="default", *ids) -> Office:
    """An office of the preset with manager m and salespeople `ids` (a, b, c) checked in on 2026-11-02."""
    office = Office(tmp_path / "o", preset=preset)
    ids = ids or ("a", "b", "c")
    office.staff(*ids)
    office.ok("check-in", *ids, at="2026-11-02 08:30")
    return office
