"""Replay is deterministic and independent of how entries are ordered in files or split across them.

The days are built by the pure core (each decision taken on the replayed state,
as the desk would), then written through the store's codecs into chained files
and read back: what the store gives back replays to the same state.
"""
from hypothesis import given, settings
from hypothesis import strategies as st

from rotactl.core import rotation
from rotactl.core.entries import Pass, Presence, Reception, StaffAdd
from rotactl.core.errors import DomainError
from rotactl.core.policy import default_policy
from rotactl.core.replay import replay_day
from rotactl.core.state import Carry
from rotactl.store import codecs
from rotactl.store import records as codec
from rotactl.store.files import scan_text

POLICY = default_policy()
STAFF = ["a", "b", "c", "d"]
DATE = "2026-11-02"


def _id(n):
    return f"e20261102{n:012d}-{n:06x}"


def build_day(actions):
    """Turn random actions into the entries the desk would have written (decided by the core)."""
    records = []

    def add(n, cls, **fields):
        records.append(cls(id=_id(n), at=f"{DATE} {8 + n // 60:02d}:{n % 60:02d}:00", **fields))

    n = 0
    for sid in STAFF:
        add(n, StaffAdd, staff=sid, name=sid, role="sales")
        n += 1
    for sid in STAFF:
        add(n, Presence, kind="check-in", staff=sid)
        n += 1
    for action, who in actions:
        day = replay_day(Carry(), DATE, POLICY, records)
        at = f"{DATE} {8 + n // 60:02d}:{n % 60:02d}:00"
        person = day.person(who)
        if action == "register":
            try:
                d = rotation.decide(day, rotation.Lead("visit", at, "", "客户"), rotation.Context())
            except DomainError:
                continue
            add(n, Reception, kind="visit", name="客户", receiver=d.receiver, counted=d.counted, rule=d.rule,
                skipped=d.skipped)
        elif action == "done" and person.receiving:
            add(n, Presence, kind="done", staff=who)
        elif action == "away" and not person.away:
            add(n, Presence, kind="away", staff=who, reason="official" if n % 2 else "personal")
        elif action == "back" and person.away:
            add(n, Presence, kind="back", staff=who)
        elif action == "pass":
            try:
                d = rotation.decide_pass(day, who, "visit")
            except DomainError:
                continue
            add(n, Pass, staff=who, queue="visit", turn=d.turn, skipped=d.skipped)
        n += 1
    return records


def signature(day):
    queue = day.queues["visit"]
    people = {s: (p.checked_in, p.away, [r.entry for r in p.receiving]) for s, p in day.people.items()}
    stats = {s: vars(v) for s, v in day.stats.items()}
    return (queue.seq, queue.pos, queue.round, queue.debts, sorted(queue.consumed), people, stats,
            day.carry.to_dict())


def chained(path, entries):
    """Encode entries into one ledger file with a proper chain, and read them back, typed."""
    prev, lines = "", []
    for entry in entries:
        record = {"id": entry.id, "at": entry.at, "kind": entry.kind, **codec.encode(entry), "writer": "w1"}
        if prev:
            record["prev"] = prev
        lines.append(codecs.LEDGER.seal(prev, record))
        prev = record["hash"]
    scan = scan_text(path, (codecs.LEDGER.header + "".join(lines)).encode())
    assert not scan.problems, scan.problems
    return [codec.decode(e.record, f"{path}:{e.line}") for e in scan.entries]


actions = st.lists(st.tuples(st.sampled_from(["register", "register", "done", "away", "back", "pass"]),
                             st.sampled_from(STAFF)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(actions, st.randoms(use_true_random=False), st.integers(1, 4))
def test_replay_ignores_file_order_and_partitioning(acts, rnd, parts):
    records = build_day(acts)
    expected = signature(replay_day(Carry(), DATE, POLICY, records))
    assert signature(replay_day(Carry(), DATE, POLICY, records)) == expected   # deterministic
    shuffled = list(records)
    rnd.shuffle(shuffled)
    files = [[] for _ in range(parts)]
    for record in shuffled:
        files[rnd.randrange(parts)].append(record)
    read_back = []
    for i, chunk in enumerate(files):
        read_back += chained(f"ledger/2026-{i + 1:02d}/02.csv", chunk)    # files of any day: replay reads `at`
    assert signature(replay_day(Carry(), DATE, POLICY, read_back)) == expected


@settings(max_examples=30, deadline=None)
@given(actions)
def test_every_skip_outcome_is_recorded_with_a_rule(acts):
    for entry in build_day(acts):
        for skip in getattr(entry, "skipped", ()):
            assert skip.outcome in ("make-up", "forfeit", "consumed", "excluded")
            assert skip.rule.startswith(("ROT-", "PEN-"))
