"""`policy show` and `policy set`: the office's written policy, and a manager's recorded change to it.

`policy set` replaces one key's line in `rotactl.toml` (every comment and other byte kept), after a
`policy-set` entry naming the key, the old and new values and the version (hash) of the new file,
committed together in a git office — so every decision and ruling can be traced to the policy in
force, and `check` reports a policy file that no `policy set` produced.
"""
from __future__ import annotations

import click

from rotactl.commands._shell import nonempty, reads, writes
from rotactl.core import policy as policy_mod
from rotactl.core.dates import minute_of
from rotactl.core.entries import PolicySet
from rotactl.core.errors import DomainError, LedgerError, UsageError


@click.group("policy")
def policy():
    """制度设置:The office's policy: show it, or change one knob (manager, recorded)."""


@policy.command("show")
@reads
def show(env, at):
    """Every knob with its value, the policy version, and the changes `policy set` recorded."""
    office = env.office
    current = office.policy
    knobs = []
    for section, keys in policy_mod.SCHEMA.items():
        for key, knob in keys.items():
            value = getattr(getattr(current, section), key)
            knobs.append({"key": f"{section}.{key}", "value": value, "default": knob.default,
                          "changed": value != knob.default, "rule": knob.rule or None})
    history = [{"entry": e.id, "at": minute_of(e.at), "by": e.actor, "key": e.key, "before": e.before, "value": e.value,
                "version": e.version, "reason": e.reason or None}
               for e in sorted(office.customers.index().fetch("#policy-set"), key=lambda e: (e.at, e.id)) if e.at <= at]
    version = policy_mod.version(office.policy_path.read_bytes())
    if env.fmt == "json":
        env.emit({"version": version, "knobs": knobs, "history": history})
        return
    env.emit([{**k, "value": policy_mod.toml_value(k["value"]), "default": policy_mod.toml_value(k["default"]),
               "changed": "*" if k["changed"] else ""} for k in knobs],
             ["key", "value", "default", "changed", "rule"],
             title=f"rotactl.toml · {'版本' if env.zh else 'version'} {version}")
    if history and env.fmt == "table":
        click.echo()
        env.emit(history, ["at", "by", "key", "before", "value", "version", "reason"],
                 title="设置变更" if env.zh else "policy set")


@policy.command("set")
@click.argument("key", metavar="SECTION.KEY")
@click.argument("value", metavar="VALUE")
@click.option("--reason", default="", help="Why the office changes it (recorded).")
def set_(key, value, reason):
    """Manager: set one knob in rotactl.toml, validated, comments kept, recorded as an entry."""
    try:
        section, name, knob = policy_mod.knob_of(key)
        parsed = policy_mod.parse_value(knob, value)
    except ValueError as exc:
        raise UsageError(f"{key}: {exc}") from None
    return _set(section=section, name=name, value=parsed, reason=reason.strip())


@writes
def _set(act, section, name, value, reason):
    act.manager()
    key = f"{section}.{name}"
    before = getattr(getattr(act.policy, section), name)
    if value == before:
        raise DomainError(f"{key} is already {policy_mod.toml_value(before)}")
    path = act.office.policy_path
    text = policy_mod.set_value(path.read_text(encoding="utf-8"), section, name, value)
    try:
        policy_mod.parse(text, path.name)
    except LedgerError as exc:
        raise UsageError(f"{key}: {exc.problems[0]}") from None
    version = policy_mod.version(text.encode("utf-8"))
    entry = act.new(PolicySet, key=key, value=policy_mod.toml_value(value), before=policy_mod.toml_value(before),
                    version=version, reason=nonempty(reason, "--reason") if reason else "")
    act.also[path.name] = text
    return [entry], {"entry": entry.id, "key": key, "before": before, "value": value, "version": version}
