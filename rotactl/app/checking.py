"""`check` and `accept-late` as the application runs them: the store's named checks over the
office, with this clone's key where it has one (signatures made before a migration need it)."""
from __future__ import annotations


def check(office, history: bool = False, full: bool = False):
    """(entries, problems, the day the check started after or "", why it was a full one)."""
    from rotactl.store.check_run import run_checks

    return run_checks(office.store, office.policy, history, keys=office.phones.keys_or_none(), full=full)


def late_days(office, first: str) -> list[str]:
    """The sealed days from `first` on that hold lines a git merge added after they were sealed."""
    from rotactl.store.checks import late_days as find

    return find(office.store, office.policy, first)


def is_sealed(office, day: str) -> bool:
    return bool(office.store.checkpoint_files(day))
