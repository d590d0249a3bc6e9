"""`why`: a recorded decision explained by deciding it again, with the same code, in the state it was taken in.

The shell replays the entry's day up to the moment before it (`written_before`) and hands that day
here; `reception`, `pass_` and `handover` call the very functions the desk called (`desk.register`,
`rotation.decide_pass`, `desk.handover`) and return what they looked at: the order with each
person's status and owed make-ups, every candidate with the outcome and rule that applied to them,
the receiver and rule, and the policy knobs those rules read (`policy.READS`). When the decision does
not come out as recorded (a manager's `--to`, an entry voided since, a policy changed since), the
explanation says so and names the rule recorded. `chain` is a customer's attribution, fact by fact.
Pure: no files, no clock.
"""
from __future__ import annotations

from rotactl.core import attribution, policy, rules
from rotactl.core.dates import minute_of
from rotactl.core.desk import handover as decide_handover
from rotactl.core.desk import register
from rotactl.core.entries import Entry, Skip, skips_view
from rotactl.core.errors import DomainError
from rotactl.core.penalties import call_cycle, distribute_calls, pass_penalty
from rotactl.core.rotation import SKIP_OUTCOMES, Candidate, decide_pass
from rotactl.core.state import Day

DECISION_KINDS = ("visit", "call", "pass", "handover")


def written_before(entries: list[Entry], entry: Entry) -> list[Entry]:
    """The day's entries that stood when `entry` was decided: dated no later, and written before it
    (ids grow in the order a day's file is written)."""
    return [e for e in entries if e.at <= entry.at and e.id < entry.id]


def state(day: Day, queue: str) -> dict:
    """The order as the decision found it, from the next-up's place on."""
    q = day.queue(queue)
    n = len(q.seq)
    order = [q.seq[(q.pos + i) % n] for i in range(n)]
    return {"queue": queue, "round": q.round,
            "order": [{"staff": s, "status": day.status(s, queue), "owed": q.debts.count(s),
                       "consumed": s in q.consumed} for s in order]}


def _candidates(day: Day, queue: str, decision_candidates, receiver: str | None, rule: str) -> list[dict]:
    looked = list(decision_candidates)
    if receiver and not any(c.outcome in ("receives", "passes") for c in looked):
        looked.append(Candidate(receiver, day.status(receiver, queue), "receives", rule))
    return [c._asdict() for c in looked]


def _view(day: Day, entry: Entry, queue: str, replayed: dict, candidates: list[dict], error: str = "",
          also: tuple[str, ...] = ()) -> dict:
    recorded = {"receiver": getattr(entry, "receiver", "") or getattr(entry, "staff", "") or None,
                "counted": bool(getattr(entry, "counted", False)), "rule": entry.rule,
                "skipped": skips_view(entry.skipped)}
    same = not error and all(replayed.get(k) == v for k, v in recorded.items())
    looked_rules = list(also) + [recorded["rule"], replayed.get("rule", "")] + [c["rule"] for c in candidates]
    view = {"entry": entry.id, "kind": entry.kind, "at": minute_of(entry.at), "queue": queue,
            "customer": getattr(entry, "phone", "") or None, **recorded,
            "reproduced": same, "state": state(day, queue), "candidates": candidates,
            "policy": {key: _knob(day.policy, key) for key in policy.policy_keys(r for r in looked_rules if r)}}
    if not same:
        view["replayed"] = {k: replayed.get(k) for k in ("receiver", "counted", "rule", "skipped")}
        view["note"] = error or (f"deciding again in the state it was taken in does not give what was recorded "
                                 f"(rule {entry.rule}, receiver {recorded['receiver'] or 'nobody'}): "
                                 f"{_reason(entry, replayed)}")
    return view


def _reason(entry: Entry, replayed: dict) -> str:
    if getattr(entry, "to", ""):
        return "a manager assigned it with --to"
    return ("the state has changed since it was recorded (an entry voided since, a policy changed since, "
            "or the entry was not written by these rules)")


def _knob(policy, key: str):
    section, _dot, name = key.partition(".")
    return getattr(getattr(policy, section), name)


def reception(day: Day, entry: Entry, group=None, referrer=None) -> dict:
    """A register's decision, taken again: `group` is the customer's (members, records) as they stood,
    with `entry` among the records (referrer likewise, ATT-REFERRAL)."""
    pending = entry.replace(receiver="", counted=False, rule="", skipped=(), claim="", takeover=False)
    if group is not None:
        group = (group[0], [pending if r.id == entry.id else r for r in group[1]])
    try:
        done = register(day, pending, group, referrer)
    except DomainError as exc:
        return _view(day, entry, entry.kind, {}, [], f"deciding it again is refused: {exc}")
    d = done.decision
    replayed = {"receiver": d.receiver, "counted": d.counted, "rule": d.rule, "skipped": skips_view(d.skipped)}
    return _view(day, entry, entry.kind, replayed, _candidates(day, entry.kind, d.candidates, d.receiver, d.rule))


def pass_(day: Day, entry: Entry) -> dict:
    """A pass, taken again: the walk that found the passer next-up, and the pass limits (PEN-PASSES)."""
    try:
        d = decide_pass(day, entry.staff, entry.queue)
    except DomainError as exc:
        return _view(day, entry, entry.queue, {}, [], f"deciding it again is refused: {exc}")
    penalty = pass_penalty(day, entry.staff, entry.at, entry.queue)
    replayed = {"receiver": entry.staff, "counted": False, "rule": penalty.rule or rules.ROT_PASS,
                "skipped": skips_view(d.skipped)}
    return _view(day, entry, entry.queue, replayed, _candidates(day, entry.queue, d.candidates, None, ""))


def handover(day: Day, entry: Entry) -> dict:
    """A hand-back (ATT-RECOGNISED), taken again on the reception it refers to."""
    ref = day.receptions.get(entry.ref)
    queue = ref.kind if ref else "visit"
    if ref is None:
        return _view(day, entry, queue, {}, [], f"the reception {entry.ref} it refers to is not in that day")
    try:
        done = decide_handover(day, ref, entry.receiver, entry.at, entry.actor)
    except DomainError as exc:
        return _view(day, entry, queue, {}, [], f"deciding it again is refused: {exc}")
    replayed = {"receiver": done.receiver, "counted": done.counted, "rule": done.rule,
                "skipped": skips_view(done.skipped)}
    looked = [Candidate(s.staff, day.status(s.staff, queue), s.outcome, s.rule) for s in done.skipped]
    return _view(day, entry, queue, replayed, _candidates(day, queue, looked, done.receiver, done.rule))


def distributed(day: Day, entry: Entry, actor: str) -> dict:
    """A call given out at day end (`calls.mode = "day-end"`), taken again with the rule that gave it
    out (DAY-ROLLOVER, `penalties.distribute_calls`) on the day as rollover replayed it: the calls
    logged with no receiver, in order, went one each to the people of the call order from its
    next-up (`penalties.call_cycle`). Candidates: that cycle — who got this call, who another, who
    none — and the people of the order it left out."""
    waiting, cycle, left_out = call_cycle(day)
    given = next((g for g in distribute_calls(day, actor) if g.ref == entry.ref), None)
    place = next((i for i, call in enumerate(waiting) if call.id == entry.ref), None)
    candidates = []
    for i, sid in enumerate(cycle):
        theirs = [call.id for k, call in enumerate(waiting) if k % len(cycle) == i]
        outcome = ("receives" if given is not None and sid == given.receiver
                   else "another call" if theirs else "no call left")
        candidates.append({"staff": sid, "status": day.status(sid, "call"), "outcome": outcome, "rule": rules.ROT_NEXT})
    candidates += [{"staff": sid, "status": day.status(sid, "call"), "outcome": "off", "rule": rule}
                   for sid, rule in left_out]
    error, replayed = "", {}
    if given is None:
        error = (f"deciding it again at day end gives it to nobody: the call {entry.ref} is not among the day's calls "
                 f"logged with no receiver (voided since, or calls.mode changed since)" if place is None
                 else "deciding it again at day end gives it to nobody: nobody is in the call order")
    else:
        replayed = {"receiver": given.receiver, "counted": given.counted, "rule": given.rule, "skipped": []}
    view = _view(day, entry, "call", replayed, candidates, error, also=(rules.DAY_ROLLOVER,))
    view["call"] = entry.ref
    if place is not None and cycle:
        view["why"] = (f"rollover gave out the day's {len(waiting)} call(s) logged with no receiver (DAY-ROLLOVER, "
                       f"calls.mode = day-end) one each in the call order from its next-up {cycle[0]}: this call was "
                       f"number {place + 1}, so it went to {cycle[place % len(cycle)]}")
    return view


def skipped_of(view: dict) -> list[dict]:
    """The candidates that the walk passed over, as a decision records them in `skipped`."""
    return [{"staff": c["staff"], "outcome": c["outcome"], "rule": c["rule"]}
            for c in view["candidates"] if c["outcome"] in SKIP_OUTCOMES]


def as_skips(items) -> tuple[Skip, ...]:
    return tuple(Skip(i["staff"], i["outcome"], i["rule"]) for i in items)


# -- a customer's attribution, fact by fact -----------------------------------------------------

def chain(records: list[Entry], policy, at: str, departed) -> list[dict]:
    """Each fact about the customer group up to `at` with the rule it falls under and the owner and
    protection after it (ATT-FIRST, ATT-PROTECT, ATT-RENEW, ATT-FAMILY, ATT-REPORT, ATT-RECOGNISED,
    ATT-COMPLAINT, DSP-DETECT), replayed with the one attribution code `who` uses."""
    replay = attribution.Replay(policy, departed)
    out = []
    for record in records:
        if record.at > at:
            break
        before = replay.result.owner
        collisions = len(replay.result.collisions)
        replay.apply(record)
        after = replay.settle(record.at)
        rule, party = _fact_rule(record, before, after, collisions), _party(record)
        if rule is None:
            continue
        out.append({"at": minute_of(record.at), "entry": record.id, "kind": record.kind,
                    "customer": record.phone or None, "party": party, "rule": rule, "owner": after.owner,
                    "protected_until": after.protected_until, "permanent": after.until == attribution.PERMANENT})
    return out


def _party(record: Entry) -> str | None:
    for name in ("claim", "receiver", "staff", "agency"):
        value = getattr(record, name, "")
        if value:
            return value
    return None


def _fact_rule(record: Entry, before, after, collisions: int) -> str | None:
    kind = record.kind
    if len(after.collisions) > collisions or kind == "claim":
        return rules.DSP_DETECT
    if kind in ("visit", "call", "distribute"):
        if getattr(record, "family_of", ""):
            return rules.ATT_FAMILY        # registered as a relative: one group with them
        return rules.ATT_RENEW if record.claim and after.owner == before else rules.ATT_FIRST
    return {"follow-up": rules.ATT_RENEW, "link": rules.ATT_FAMILY, "report-in": rules.ATT_REPORT,
            "handover": rules.ATT_RECOGNISED, "reassign": rules.ATT_COMPLAINT, "ruling": rules.DSP_FINAL,
            "deal": rules.ATT_PROTECT}.get(kind)
