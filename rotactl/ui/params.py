"""Every parameter a person typed checked as text before a command runs (`rotactl.core.text`), and how
an error names a click parameter."""
from __future__ import annotations

from rotactl.core.text import problem


def param_label(param) -> str:
    """How an error names a click parameter: its long option (`--name`) or its metavar (`PHONE`)."""
    if getattr(param, "param_type_name", "") == "option" and param.opts:
        return max(param.opts, key=len)
    return (param.human_readable_name or param.name or "argument").upper().rstrip(".")


def _values(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item)
    elif hasattr(value, "__fspath__"):
        yield str(value)


def check_params(ctx) -> None:
    """Refuse (UsageError, exit 2) a parsed parameter, or an extra argument, of a click context that
    holds a character no field may hold, naming the option or the argument. Called as the command's
    callback is invoked, when every parameter is parsed and the arguments left over are its own."""
    from rotactl.core.errors import UsageError

    for param in ctx.command.params:
        for text in _values(ctx.params.get(param.name)):
            why = problem(text)
            if why:
                raise UsageError(f"{param_label(param)}: {why}")
    for text in _values(list(ctx.args)):
        why = problem(text)
        if why:
            raise UsageError(f"argument: {why}")
