"""Texts generated from the policy schema (`make presets docs`, and tests that keep them equal): a
preset's commented policy file, `docs/policy.md`, and `rotactl/core/policy_types.py`."""
from __future__ import annotations

from typing import Any

from rotactl.core.policy import SCHEMA, Knob, _toml_value


def render_preset(title: str, source: str, overrides: dict[str, dict[str, tuple[Any, str]]]) -> str:
    """A complete, commented policy file: every key, its doc, and why a preset changed it."""
    out = [f"# rotactl policy — preset: {title}", f"# {source}",
           "# Every key is documented in docs/policy.md; a changed key says why.", ""]
    for section, keys in SCHEMA.items():
        out.append(f"[{section}]")
        for key, knob in keys.items():
            value, why = overrides.get(section, {}).get(key, (knob.default, ""))
            tag = f" [{knob.rule}]" if knob.rule else ""
            out.append(f"# {knob.doc}{tag}")
            if why:
                out.append(f"# this office: {why}")
            out.append(f"{key} = {_toml_value(value)}")
        out.append("")
    return "\n".join(out)


def _annotation(knob: Knob) -> str:
    literal = f"Literal[{', '.join(repr(c) for c in knob.choices)}]" if knob.choices else ""
    if knob.type == "list":
        return f"tuple[{literal or 'str'}, ...]"
    if knob.type == "decimal":
        return "int | str"
    return literal or {str: "str", int: "int", bool: "bool", "time": "str", "percent": "int"}[knob.type]


def section_class(section: str) -> str:
    return "".join(part.title() for part in section.split("_")) + "Policy"


_FROZEN = '''

class Frozen:
    """What every section and the policy share: built from keywords (a missing one takes its default),
    read-only, equal by value, and `replace(**changes)` for a changed copy. Plain slotted classes:
    no code is generated at import (a command starts in milliseconds)."""

    __slots__ = ()
    DEFAULTS: dict = {}

    def __init__(self, **values):
        unknown = values.keys() - set(self.__slots__)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown key(s) {', '.join(sorted(unknown))}")
        for name in self.__slots__:
            object.__setattr__(self, name, values[name] if name in values else self.DEFAULTS[name])

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is read-only: {name} cannot be changed (replace() makes a copy)")

    __delattr__ = __setattr__

    def replace(self, **changes):
        return type(self)(**{name: getattr(self, name) for name in self.__slots__} | changes)

    def __eq__(self, other):
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    def __hash__(self):
        return hash(tuple(getattr(self, n) for n in self.__slots__))

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"
'''


def types_source() -> str:
    """The text of `rotactl/core/policy_types.py`: one read-only class per section, a typed attribute per
    knob (a `Literal` where the knob has choices), generated from SCHEMA (`make presets docs`)."""
    out = ['"""The policy\'s types, one read-only class per section of `rotactl.toml`: generated from',
           "`rotactl.core.policy.SCHEMA` by `make presets docs` (a test keeps them equal); do not edit.",
           "",
           "A misspelt knob is an AttributeError, so is a changed one, and a comparison with a value the",
           'knob cannot take is what a type checker flags (`mypy --strict-equality`)."""',
           "from __future__ import annotations", "", "from typing import Literal", _FROZEN]
    for section, keys in SCHEMA.items():
        out += ["", f"class {section_class(section)}(Frozen):",
                f"    __slots__ = ({', '.join(repr(k) for k in keys)},)"]
        for key, knob in keys.items():
            out.append(f"    {key}: {_annotation(knob)}")
        defaults = ", ".join(f"{key!r}: {tuple(knob.default) if knob.type == 'list' else knob.default!r}"
                             for key, knob in keys.items())
        out += [f"    DEFAULTS = {{{defaults}}}", ""]
    out += ["", "class Policy(Frozen):",
            '    """The office\'s policy: policy.order.daily, policy.protection.visit_days, …"""',
            f"    __slots__ = ({', '.join(repr(s) for s in SCHEMA)},)"]
    out += [f"    {section}: {section_class(section)}" for section in SCHEMA]
    out += ["", "", "SECTIONS: dict[str, type] = {"]
    out += [f"    {section!r}: {section_class(section)}," for section in SCHEMA]
    out += ["}", ""]
    return "\n".join(out)


def schema_markdown() -> str:
    out = ["# Policy keys (`rotactl.toml`)", "",
           "Generated from `rotactl/core/policy.py` (`make docs`). An unknown key, or a value of the wrong "
           "type, is an error naming the file, the line and the key (exit 3). A key left out takes "
           "the default shown (the `default` preset).", ""]
    for section, keys in SCHEMA.items():
        out += [f"## [{section}]", "", "| key | type | default | rule | meaning |", "|---|---|---|---|---|"]
        for key, knob in keys.items():
            kind = knob.type if isinstance(knob.type, str) else knob.type.__name__
            if knob.choices:
                kind = " \\| ".join(f"`{c}`" for c in knob.choices)
            out.append(f"| `{key}` | {kind} | `{_toml_value(knob.default)}` | {knob.rule} | {knob.doc} |")
        out.append("")
    return "\n".join(out)
