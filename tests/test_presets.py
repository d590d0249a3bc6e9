"""Presets (SPEC §7): every preset is generated from the schema, parses, starts an office, and every knob it
changes says which seed passage it follows."""
import importlib.util
import re
from pathlib import Path

import pytest

from rotactl.core.policy import PRESET_NAMES, SCHEMA, parse
from rotactl.core.policy_text import render_preset, types_source
from rotactl.store.policy_file import PRESETS_DIR

ROOT = Path(__file__).resolve().parent.parent


def presets() -> dict:
    spec = importlib.util.spec_from_file_location("make_presets", ROOT / "tools" / "make_presets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PRESETS


def test_the_preset_list_is_the_generators():
    assert set(presets()) == set(PRESET_NAMES)
    assert {"b2b", "pinke", "waichang"} <= set(PRESET_NAMES)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_each_preset_file_is_what_the_generator_writes(name):
    title, source, overrides = presets()[name]
    assert (PRESETS_DIR / f"{name}.toml").read_text(encoding="utf-8") == render_preset(title, source, overrides)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_changed_knob_cites_its_seed_passage(name):
    """A knob a preset changes carries a reason that quotes or places the seed (Chinese text or a numbered
    place such as (一2) / 8(2) / 第三章), apart from the office's display name."""
    _title, _source, overrides = presets()[name]
    for section, keys in overrides.items():
        for key, (value, why) in keys.items():
            assert key in SCHEMA[section], (name, section, key)
            if (section, key) == ("office", "name"):
                continue
            assert why.strip(), f"{name}: {section}.{key} = {value!r} has no reason"
            if name != "default":
                assert re.search(r"[\u4e00-\u9fff]|\(\S*\d", why), f"{name}: {section}.{key}: no seed passage in {why!r}"


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_init_with_each_preset_makes_a_working_office(name, tmp_path):
    from tests.conftest import Office

    office = Office(tmp_path / name, preset=name)
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:30")
    decision = office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    assert decision["receiver"] in ("a", "b")
    parse((tmp_path / name / "rotactl.toml").read_text(encoding="utf-8"))


def test_the_new_presets_hold_their_seeds_numbers():
    b2b, pinke, waichang = (parse((PRESETS_DIR / f"{n}.toml").read_text(encoding="utf-8"))
                            for n in ("b2b", "pinke", "waichang"))
    assert (b2b.protection.visit_days, b2b.protection.contract_days, b2b.counting.referral) == (90, 180, "rotation")
    assert (pinke.protection.visit_days, pinke.protection.call_claims, pinke.disputes.ruling_fine_yuan) == (2, False, 100)
    assert (waichang.protection.visit_days, waichang.protection.lapse_days, waichang.protection.referral_days) == (
        15, 10, 40)


def test_unknown_preset_lists_the_presets(tmp_path):
    from click.testing import CliRunner

    from rotactl.cli import cli

    result = CliRunner().invoke(cli, ["init", str(tmp_path / "x"), "--preset", "nosuch", "--no-git"])
    assert result.exit_code == 1 and all(name in result.stderr for name in PRESET_NAMES)


def test_docs_presets_md_is_what_the_generator_writes_and_names_every_preset():
    spec = importlib.util.spec_from_file_location("make_presets", ROOT / "tools" / "make_presets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (ROOT / "docs" / "presets.md").read_text(encoding="utf-8")
    assert text == module.presets_markdown()
    assert all(f"## `{name}`" in text for name in PRESET_NAMES)
    assert all(module.NOT_HONOURED[name] for name in PRESET_NAMES)


def test_the_typed_policy_is_generated_from_the_schema():
    """rotactl/core/policy_types.py is what the schema gives (`make presets docs`), and parse() returns it."""
    from rotactl.core import policy_types

    path = Path(policy_types.__file__)
    assert path.read_text(encoding="utf-8") == types_source()
    pol = parse("")
    assert isinstance(pol, policy_types.Policy) and isinstance(pol.calls, policy_types.CallsPolicy)
    with pytest.raises(AttributeError):
        getattr(pol.calls, "modes")                          # a misspelt knob is an error, not None  # noqa: B009
    with pytest.raises(AttributeError, match="read-only"):
        pol.calls.mode = "duty"                              # type: ignore[misc]
    assert pol.calls.replace(mode="duty").mode == "duty" and pol.calls.mode == "rotation"
    assert parse("") == pol and parse("[calls]\nmode = \"duty\"\n") != pol
