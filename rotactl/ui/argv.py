"""The command line before click reads it: global options accepted after the command too."""
from __future__ import annotations

GLOBAL_VALUED = ("-C", "--dir", "--at", "--as", "--format", "--lang")
GLOBAL_FLAGS = ("--reveal", "--bom")


def global_options_first(args: list[str]) -> list[str]:
    """Global options written after the command (`staff leave han --as zhou`) are moved before it, where
    click reads them; no command has an option of the same name. `--` ends the moving."""
    front, rest, i = [], [], 0
    while i < len(args) and args[i].startswith("-") and args[i] not in ("--",):   # before the command
        front.append(args[i])
        takes_value = args[i] in GLOBAL_VALUED
        i += 1
        if takes_value and i < len(args):
            front.append(args[i])
            i += 1
    moved = []
    while i < len(args):
        token = args[i]
        if token == "--":
            rest += args[i:]
            break
        name = token.split("=", 1)[0]
        if name in GLOBAL_VALUED and "=" not in token and i + 1 < len(args):
            moved += [token, args[i + 1]]
            i += 2
            continue
        if name in GLOBAL_VALUED or token in GLOBAL_FLAGS:
            moved.append(token)
        else:
            rest.append(token)
        i += 1
    return front + moved + rest
