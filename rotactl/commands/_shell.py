"""What every command shares: the global options (`Env`), option groups, and the `writes`
decorator that gives a writing command its prologue and epilogue.

A writing command's body only decides: it receives an `Act` (the replayed day at
`--at`, under the lock) and returns the typed entries to append and the view to
print. `writes` holds the lock, refuses a closed day, appends in one write and
emits — no command repeats that setup.
"""
from __future__ import annotations

import functools
import getpass
import os
import re
from pathlib import Path

import click

from rotactl.app import clock
from rotactl.core.dates import minute_of
from rotactl.core.errors import DomainError, UsageError
from rotactl.core.phones import is_identity, mask
from rotactl.ui import phone_input as phones
from rotactl.ui.render import emit

STAFF_ID = re.compile(r"[^\s:|,;=\\]+")
RELATIONS = ("spouse", "parent", "child", "sibling")
QUEUE_OPTION = click.option("--queue", type=click.Choice(["visit", "call"]), default="visit", show_default=True)


class Env:
    """The global options, and the office opened on first use."""

    def __init__(self, directory, at, actor, fmt, reveal, bom=False, lang=None):
        self.directory = Path(directory or os.environ.get("ROTACTL_DIR") or find_office(Path.cwd()) or "ledgers")
        self._at, self.fmt, self.reveal = at, fmt, reveal
        self.lang = lang or os.environ.get("ROTACTL_LANG") or None     # else the office's language
        self.bom = bom or _stdout_is_a_file()   # Excel/WPS on Chinese Windows read BOM-less UTF-8 as GBK
        self.actor = actor or os.environ.get("ROTACTL_USER") or _os_user()
        self._office = None

    @property
    def office(self):
        if self._office is None:
            from rotactl.app.office import Office

            self._office = Office(self.directory)
        return self._office

    @property
    def at(self) -> str:
        return clock.parse_at(self._at) if self._at else self.office.floor.now()

    @property
    def zh(self) -> bool:
        return (self.lang or self.office.policy.office.language) == "zh"

    def mask(self, phone):
        """A stored phone as shown: its mask, or with `--reveal` the number (decrypted with the key)."""
        if self.reveal and phone and is_identity(phone):
            return mask(self.office.phones.reveal(phone), True)
        return mask(phone, self.reveal)

    def phone(self, raw: str) -> str:
        """What a person typed, as the ledger stores it (an identity made with the key)."""
        return self.office.phones.keys.identity(phones.normalise(raw, self.office.policy.office.phone_region))

    def reported(self, raw: str) -> tuple[str, str]:
        """A report-in's phone as stored: (identity, "") for a full number, ("", mask key) for a masked one."""
        full, masked = phones.parse_reported(raw, self.office.policy.office.phone_region)
        if full:
            return self.office.phones.keys.identity(full), ""
        cc, _sep, digits = masked.partition(" ")
        head, tail = digits.split("*", 1)[0], digits.rsplit("*", 1)[-1]
        return "", self.office.phones.keys.mask_key(cc, head, tail)

    def known(self, raw: str) -> str:
        """A registered customer's stored phone; refused for a phone nobody registered."""
        key = self.phone(raw)
        if not self.office.customers.known(key):
            raise DomainError(f"no customer with phone {self.mask(key)} is registered")
        return key

    def emit(self, data, columns=None, title=""):
        zh = self.lang != "en" if self._office is None else self.zh
        emit(data, self.fmt, columns, title, zh, bom=self.bom)
        self.bom = False                        # one BOM, at the start of the output

    def emit_data(self, view: dict, rows: list, columns: list[str]) -> bool:
        """A view with a list at its heart, for a machine: JSON the whole view, CSV its rows (one table a
        spreadsheet opens). False for a table, which the caller lays out."""
        if self.fmt == "json":
            self.emit(view)
        elif self.fmt == "csv":
            self.emit(rows, columns)
        return self.fmt in ("json", "csv")

    def stream(self, chunks, columns, title=""):
        """A long list, written chunk by chunk (`render.emit_stream`)."""
        from rotactl.ui.render import emit_stream

        emit_stream(chunks, self.fmt, columns, title, self.zh, bom=self.bom)
        self.bom = False

    def reading(self):
        """A reading command's lock: shared, so it never sees half a write."""
        return self.office.lock(exclusive=False)


def find_office(start: Path) -> Path | None:
    """The nearest directory from `start` upwards that holds a rotactl.toml (like git finds its
    repository), or None."""
    for folder in (start, *start.parents):
        if (folder / "rotactl.toml").is_file():
            return folder
    return None


def _stdout_is_a_file() -> bool:
    """CSV written into a file (`> report.csv`) is for a spreadsheet: it gets the BOM; a pipe does not."""
    import stat
    import sys

    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "desk"


pass_env = click.make_pass_decorator(Env)


def nonempty(value: str, option: str) -> str:
    if value is None or not value.strip():
        raise UsageError(f"{option} must not be empty")
    return value.strip()


class Act:
    """A writing command's moment: who acts, when, and the floor as it stands (under the lock)."""

    def __init__(self, env: Env, at: str, day):
        self.env, self.office, self.at, self.day = env, env.office, at, day
        self.policy = env.office.policy
        self.actor = env.actor
        self.signed = False          # a manager-only entry: signed when the policy asks for it
        self.also: dict[str, str] = {}   # office files to replace after the entries (rel path -> text)

    def new(self, cls, **fields):
        """A typed entry of this moment and actor, with its id reserved (so rules can name it)."""
        return self.new_from(cls(at=self.at, actor=self.actor, **fields))

    def new_from(self, entry):
        """A typed entry the core built, with its id reserved."""
        return entry.replace(id=self.office.writer.new_id(entry.at, entry.kind))

    @property
    def roster(self):
        return self.day.carry.roster

    def staff(self, sid: str, *, rotation: bool = False):
        """A person on the roster who has not left (and is in the rotation, if asked)."""
        member = self.roster.get(sid)
        if member is None and not self.roster:
            raise DomainError(f"unknown staff '{sid}': nobody is on the roster at {minute_of(self.at)} (is --at before "
                              "the office's first `staff add`?)")
        if member is None or not member.active:
            raise DomainError(f"unknown staff '{sid}'" if member is None else f"{sid} has left")
        if rotation and not member.in_rotation():
            raise DomainError(f"{sid} is not in the rotation ({member.role}{', trainee' if member.trainee else ''})")
        return member

    def manager(self) -> None:
        """Manager-only commands: `--as` must be a manager on the roster."""
        member = self.roster.get(self.actor)
        if member is None or member.role != "manager" or not member.active:
            raise DomainError(f"only a manager may do this; '{self.actor}' is not a manager on the roster (--as)")
        self.signed = True

    def authorise(self, roster_change: bool = False) -> None:
        """SPEC §4.1: `--as` names someone on the roster or a shared desk account; roster changes are
        manager-only from the first manager on (before that, anyone may add staff)."""
        if roster_change:
            if any(m.role == "manager" and m.active for m in self.roster.values()):
                self.manager()
            return
        member = self.roster.get(self.actor)
        if member is not None and member.active:
            return
        if self.actor in self.policy.office.desk_accounts:
            return
        if member is not None:
            raise DomainError(f"'{self.actor}' has left and may no longer record entries (--as)")
        if not self.roster:
            raise DomainError(f"nobody is on the roster at {minute_of(self.at)}: add staff first (or check --at; "
                              "the office has no staff before its first `staff add`)")
        raise DomainError(f"'{self.actor}' is not on the roster nor a desk account "
                          f"({', '.join(self.policy.office.desk_accounts) or 'none'}); say who you are with --as")


def writes(fn=None, *, roster: bool = False):
    """Make `fn(act, **options) -> (entries, view)` a writing command: lock, refuse a closed day,
    replay the day up to --at, check who acts (`roster`: a roster change), decide, refuse a
    back-dated turn decision, append in one write (committed in a git office), emit the view."""
    if fn is None:
        return functools.partial(writes, roster=roster)

    @functools.wraps(fn)
    @pass_env
    def command(env: Env, **options):
        office = env.office
        with office.lock(exclusive=True):
            at = env.at
            office.floor.guard_open(at)
            act = Act(env, at, office.floor.day(at))
            act.authorise(roster)
            entries, view = fn(act, **options)
            if entries:
                writer = office.writer
                writer.write(writer.ordered(entries, at), command=click.get_current_context().command_path,
                             actor=env.actor, sign=act.signed, also=act.also)
        env.emit(view)
    return command


def reads(fn):
    """Make `fn(env, at, **options)` a reading command: a shared lock, --at read once."""
    @functools.wraps(fn)
    @pass_env
    def command(env: Env, **options):
        with env.reading():
            return fn(env, env.at, **options)
    return command
