"""A long pass over independent pieces (months for `check`, days for `log`) on two cores: every other
piece is worked out in one forked process while this one works out the others, the results taken in
order. Forked, the worker shares everything read before (policy, keys, what a pre-pass found); only
results travel back (pickled). On one core, or with `ROTACTL_WORKERS=1`, it is a plain `map`.
"""
from __future__ import annotations

import os
import sys
from collections import deque
from itertools import islice

WORKERS_ENV = "ROTACTL_WORKERS"         # "1": one process (the tests compare both)
_FN = None                              # what the forked worker calls (inherited, never pickled)


def workers() -> int:
    """Processes a long pass may use: two where two cores are (this one and a forked one), or as
    `ROTACTL_WORKERS` says (1 or 2, whatever the cores: the tests run both everywhere)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        wanted = int(os.environ.get(WORKERS_ENV, "") or min(cores, 2))
    except ValueError:
        wanted = min(cores, 2)
    return max(1, min(wanted, 2))


def can_fork(pieces: int, least: int = 2) -> bool:
    """Worth a forked process: two to use, and at least `least` pieces (a short pass is over before a
    fork pays; `ROTACTL_WORKERS` set forks for any two)."""
    import multiprocessing

    enough = pieces >= (2 if os.environ.get(WORKERS_ENV) else max(least, 2))
    return enough and workers() > 1 and "fork" in multiprocessing.get_all_start_methods()


def _call(item):
    return _FN(item)


def ordered_map(fn, items: list, least: int = 2):
    """`map(fn, items)`, every other item worked out in a forked process (where `can_fork`)."""
    global _FN
    if not can_fork(len(items), least):
        yield from map(fn, items)
        return
    import multiprocessing

    sys.stdout.flush()                  # a forked child flushes what it inherited: nothing left to write twice
    sys.stderr.flush()
    _FN = fn
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            theirs = iter(items[1::2])
            # at most two pieces ahead: a slow reader of the output (a pager) does not make it pile up
            ahead = deque(pool.apply_async(_call, (item,)) for item in islice(theirs, 2))
            for i, item in enumerate(items):
                if i % 2 == 0:
                    yield fn(item)
                    continue
                result = ahead.popleft().get()          # the worker's exception, raised here
                ahead.extend(pool.apply_async(_call, (item,)) for item in islice(theirs, 1))
                yield result
    finally:
        _FN = None
