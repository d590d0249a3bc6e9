"""One office directory, opened: the application layer between the commands and the store.

An `Office` holds what every part shares — the store, the office's identity, its
policy — and the parts, one module each:

* `floor` (`app.floor`): the reader — the days' entries as typed entries, the
  state carried into a day, the floor at a moment, what is sealed;
* `customers` (`app.customers`): a customer's group from the phone index, and the
  disputes across customer groups;
* `writer` (`app.writer`): ids, the back-dating rule, one append and its commit;
* `phones` (`app.phones`): the office key — matching, encrypting, revealing numbers;
* closing days is `app.rollover`, making an office `app.create`, converting one
  `app.migration`, checking one `app.checking`.

Writing commands hold the office's lock across read → decide → append
(`commands._shell.writes`); reading ones a shared lock.
"""
from __future__ import annotations

import contextlib
import functools
from pathlib import Path

from rotactl.core.errors import DomainError
from rotactl.store import keyring, policy_file
from rotactl.store.files import Store


class Office:
    def __init__(self, root: str | Path, legacy: bool = False):
        self.store = Store(root)
        if not self.store.exists():
            raise DomainError(f"{root} is not a rotactl office (no rotactl.toml); "
                              "create one with `rotactl init DIR`")
        self.meta = keyring.read_office(self.store.root)
        found = self.meta.get("format", 1)
        if found != keyring.FORMAT and not legacy:
            what = ", with phone numbers in clear text" if found == 1 else \
                " (JSON lines)" if found == 2 else ", which this version of rotactl does not know"
            hint = f"convert it with `rotactl migrate {root} NEW-DIR`" \
                if isinstance(found, int) and found < keyring.FORMAT else "use the rotactl that wrote it"
            raise DomainError(f"{root} is in ledger format {found}{what}: {hint} (docs/ledger-format.md)")
        self.policy = policy_file.load(self.store.policy_path)

    # the parts, each made (and its module imported) when a command first needs it
    @functools.cached_property
    def floor(self):
        from rotactl.app.floor import Floor

        return Floor(self)

    @functools.cached_property
    def customers(self):
        from rotactl.app.customers import Customers

        return Customers(self)

    @functools.cached_property
    def writer(self):
        from rotactl.app.writer import Writer

        return Writer(self)

    @functools.cached_property
    def phones(self):
        from rotactl.app.phones import Phones

        return Phones(self)

    @property
    def root(self) -> Path:
        return self.store.root

    @property
    def policy_path(self) -> Path:
        return self.store.policy_path

    @contextlib.contextmanager
    def lock(self, exclusive: bool = True):
        """The office's lock: exclusive for read → decide → append, shared for a reader."""
        with self.store.lock(exclusive=exclusive):
            yield

    def forget(self) -> None:
        """Drop the files read for this command (a long pass keeps one day at a time)."""
        self.store.forget()


def load_policy(path: Path):
    """A policy file (an office's, or another to compare with: `simulate --policy`), checked."""
    return policy_file.load(path)
