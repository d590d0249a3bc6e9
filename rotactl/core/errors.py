"""The three ways a command can refuse, each with its exit code (SPEC §4)."""
from __future__ import annotations


class RotactlError(Exception):
    exit_code = 1


class DomainError(RotactlError):
    """Refused by the rules: unknown staff, nobody available, already ruled… (exit 1)."""

    exit_code = 1


class UsageError(RotactlError):
    """The command line itself is wrong (exit 2)."""

    exit_code = 2


class LedgerError(RotactlError):
    """The ledger failed its integrity checks (exit 3); one `FILE:LINE: message` per problem."""

    exit_code = 3

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
