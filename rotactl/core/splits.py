"""Splits: the share of a deal each party is proposed (SPEC §5.5), and the house deadline.

SPL-OWNER               no collision: the owner (the closer) 100
SPL-HELP                the owner was absent and a helper received: a deal the same
                        day is split by policy, a later one is the owner's (the help
                        was an obligation)
ATT-DESIGNATED          a designated customer received by someone else while the
                        designated person was away: a same-day deal is the receiver's
SPL-KNOWING             the closer served a customer already known to be another's:
                        the original 100 (and a fine entry)
SPL-STAGE               recognised before the deposit: original 100; at or after it:
                        50/50; after the contract: the closer 100
SPL-UNAWARE             unknowingly served and closed: the policy's shares
SPL-HELPED-OWNER-CLOSED a helper received, the owner closed: policy shares
SPL-AGENCY              two agencies: by evidence (reported / toured / came to the deal)
ATT-REPORT              two agencies, no agency came to the deal: the earliest valid report
DSP-WINDOW              the claim came after the policy's window: the closer 100
SPL-HOUSE               not ruled within the policy's days: the house account
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rotactl.core import dates, rules
from rotactl.core.dates import day_of
from rotactl.core.entries import Deal, Reception

HOUSE = "house"
HELP_RULES = (rules.ROT_LAST,)


def split(first: str, share: int, second: str) -> dict[str, int]:
    """first gets `share` percent, second the rest; zero shares are left out."""
    out = {first: share, second: 100 - share} if first != second else {first: 100}
    return {party: pct for party, pct in out.items() if pct}


@dataclass
class Episode:
    """The deals of one closer on one phone, from their first deal to a refund."""
    phone: str
    closer: str
    deals: list[Deal] = field(default_factory=list)
    refunded: bool = False

    @property
    def first(self) -> Deal:
        return self.deals[0]

    @property
    def stage(self) -> str:
        return "contract" if any(d.stage == "contract" for d in self.deals) else "deposit"

    def stage_before(self, moment: str) -> str | None:
        stages = {d.stage for d in self.deals if d.at < moment}
        return "contract" if "contract" in stages else "deposit" if stages else None


def help_receptions(records, helper: str, owner: str, until: str) -> list[Reception]:
    """Receptions where `helper` received a customer credited to `owner` (help), up to `until`."""
    return [r for r in records if isinstance(r, Reception) and r.at <= until
            and r.receiver == helper and r.claim == owner and helper != owner]


def staff_proposal(group, episode: Episode, owner: str) -> tuple[dict, str, str, bool]:
    """(proposal, rule, raised at, late) for a deal closed by someone who is not the owner."""
    policy, closer, first = group.policy, episode.closer, episode.first
    day = day_of(first.at)
    helps = help_receptions(group.records, closer, owner, first.at)
    if helps:
        same_day = [v for v in helps if day_of(v.at) == day]
        designated = all(v.rule not in HELP_RULES and v.designated == owner for v in helps)
        if designated and policy.splits.designated_absent == "receiver":    # ATT-DESIGNATED
            return ({closer: 100} if same_day else {owner: 100}), rules.ATT_DESIGNATED, first.at, False
        if same_day:                                                         # SPL-HELP
            return split(owner, policy.splits.help_owner, closer), rules.SPL_HELP, first.at, False
        return {owner: 100}, rules.SPL_HELP, first.at, False
    recognised = group.recognised_at(episode.phone, owner) or first.at
    raised = max(recognised, first.at)
    if late(policy, episode, raised):                                        # DSP-WINDOW
        return {closer: 100}, rules.DSP_WINDOW, raised, True
    if recognised <= group.first_contact(closer, episode):                   # SPL-KNOWING
        return {owner: 100}, rules.SPL_KNOWING, raised, False
    if policy.splits.unaware == "ratio":                                     # SPL-UNAWARE
        return split(owner, policy.splits.unaware_original, closer), rules.SPL_UNAWARE, raised, False
    stage = episode.stage_before(recognised)               # SPL-STAGE: the stage when recognised
    if stage == "contract":
        return {closer: 100}, rules.SPL_STAGE, raised, False
    if stage == "deposit" or recognised == first.at:
        return split(owner, 50, closer), rules.SPL_STAGE, raised, False
    return {owner: 100}, rules.SPL_STAGE, raised, False


def helped_owner_closed(group, episode: Episode) -> dict | None:
    """SPL-HELPED-OWNER-CLOSED: a helper received the closer's customer before the owner closed."""
    share = group.policy.splits.helped_owner_closed
    if not share:
        return None
    helpers = [r for r in group.records if isinstance(r, Reception) and r.at < episode.first.at
               and r.claim == episode.closer and r.receiver not in ("", episode.closer) and r.rule in HELP_RULES]
    return split(helpers[-1].receiver, share, episode.closer) if helpers else None


def late(policy, episode: Episode, raised: str) -> bool:
    """DSP-WINDOW: was a claim raised at `raised` after the policy's window for this episode?"""
    window = policy.disputes.window
    if window == "days":
        return day_of(raised) > dates.add_days(day_of(episode.first.at), policy.disputes.window_days)
    if window == "contract":
        return any(d.stage == "contract" and d.at < raised for d in episode.deals)
    return False


def window_deadline(policy, episode: Episode) -> str | None:
    if policy.disputes.window == "days":
        return dates.add_days(day_of(episode.first.at), policy.disputes.window_days)
    return None


def agency_proposal(policy, ch, episode: Episode | None) -> tuple[dict, str]:
    """SPL-AGENCY by evidence; ATT-REPORT (the earliest valid report) when no agency came to the deal."""
    claims = sorted(ch.claims.values(), key=lambda c: (c.report.at, c.report.id))
    earliest = claims[0].agency
    if len({c.arrival.phone for c in claims}) > 1:      # one family, members brought by different agencies
        return family_agencies(claims)
    if episode is None:
        return {earliest: 100}, rules.ATT_REPORT
    closers = [c for c in claims if c.closed]
    if not closers:
        return {earliest: 100}, rules.ATT_REPORT
    if len(closers) >= 2:                                  # both came to the deal: 50/50
        return split(closers[0].agency, 50, closers[1].agency), rules.SPL_AGENCY
    closer = closers[0]
    others = [c for c in claims if c is not closer]
    other = max(others, key=lambda c: (c.toured, -claims.index(c)))
    share = policy.channel.toured_share if other.toured else policy.channel.called_share
    return split(other.agency, share, closer.agency), rules.SPL_AGENCY


def family_agencies(claims) -> tuple[dict, str]:
    """003 金桥 备注: 若不同的公司同时(同一天)成功邀约这家不同的人…则该业绩平分 (SPL-AGENCY 50/50); 非同时(非同一天)…
    则谁先成功邀约的就归属谁 (the group's first valid claim owns it, ATT-FAMILY)."""
    by_arrival = sorted(claims, key=lambda c: (c.arrival.at, c.arrival.id))
    first = by_arrival[0]
    same_day = [c for c in by_arrival if day_of(c.arrival.at) == day_of(first.arrival.at)]
    if len(same_day) >= 2:
        shares = {c.agency: 100 // len(same_day) for c in same_day}
        shares[first.agency] += 100 - sum(shares.values())
        return shares, rules.SPL_AGENCY
    return {first.agency: 100}, rules.ATT_FAMILY


def house_due(policy, raised: str, at: str) -> tuple[bool, str | None]:
    """SPL-HOUSE: (is the dispute past the policy's days unruled, its deadline)."""
    days = policy.disputes.house_after_days
    if not days:
        return False, None
    deadline = dates.add_days(day_of(raised), days)
    return day_of(at) > deadline, deadline
