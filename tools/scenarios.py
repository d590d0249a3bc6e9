"""Run the shared acceptance scenarios, with captured values usable in expectations.

`../shared/tools/scenarios.py` substitutes a captured `$name` only in a step's
command line (its docstring: "later args may say $d1"), but scenario 10
also writes `expect = { id = "$d1" }` — a dispute id captured two steps
earlier, which no implementation can equal literally. This wrapper loads the
shared runner unchanged and adds exactly one thing: an expected string "$name"
stands for the value captured under that name. Everything else (discovery,
commands, exit codes, subset matching, output) is the shared runner's own.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path


def load(path: Path):
    spec = importlib.util.spec_from_file_location("shared_scenarios", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def patch(module) -> None:
    saved = threading.local()      # the runner may run scenarios in threads (-j)
    substitute, matches = module.substitute, module.matches

    def remember(args, captured):
        saved.current = captured
        return substitute(args, captured)

    def matches_captured(expected, actual):
        captured = getattr(saved, "current", {})
        if isinstance(expected, str) and expected.startswith("$") and expected[1:] in captured:
            expected = captured[expected[1:]]
        return matches(expected, actual)

    module.substitute, module.matches = remember, matches_captured


def main() -> None:
    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "scenarios.py"
    if len(sys.argv) > 2 and sys.argv[1] == "--runner":
        shared = Path(sys.argv[2])
        del sys.argv[1:3]
    module = load(shared)
    patch(module)
    sys.argv[0] = str(shared)
    module.main()


if __name__ == "__main__":
    main()
