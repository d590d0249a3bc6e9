"""register replays a customer's attribution once (before its decision, then with the decided entry);
what it reports must be what a full replay of the group gives afterwards."""
from hypothesis import given, settings
from hypothesis import strategies as st

from rotactl.core.errors import DomainError
from tests.rules.kit import floor, phone

steps = st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["register", "register", "deal", "follow", "link",
                                                                  "done"]),
                           st.sampled_from("abc"), st.sampled_from(["default", "developer", "jiuzhou"])),
                 min_size=1, max_size=14)


@settings(max_examples=80, deadline=None)
@given(steps, st.sampled_from(["default", "developer", "jiuzhou", "carshowroom"]))
def test_register_reports_the_owner_a_full_replay_gives(actions, preset):
    f = floor(preset)
    for minute, (n, action, sid, _unused) in enumerate(actions):
        when = f"{9 + minute // 6:02d}:{minute % 6 * 10:02d}"
        if action == "register":
            try:
                done = f.register(when, name=f"客户{n}", phone=phone(n),
                                  **({"family_of": phone(n + 1), "relation": "spouse"} if n == 4 else {}))
            except DomainError:
                continue
            full = f.who(phone(n), when)
            assert (done.owner, done.protected_until) == (full.owner, full.protected_until)
        elif action == "deal":
            f.deal(phone(n), sid, "deposit", when)
        elif action == "follow":
            f.follow_up(phone(n), sid, when)
        elif action == "link":
            f.link(phone(n), phone(n % 4 + 1), "spouse", when)
        elif f.day(when).person(sid).receiving:
            f.done(sid, when)
