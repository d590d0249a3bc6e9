"""The policy's types, one frozen dataclass per section of `rotactl.toml`: generated from
`rotactl.core.policy.SCHEMA` by `make presets docs` (a test keeps them equal); do not edit.

A misspelt knob is an AttributeError, a changed one a FrozenInstanceError, and a comparison
with a value the knob cannot take is what a type checker flags (`mypy --strict-equality`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class OfficePolicy:
    name: str = '示例售楼处'
    timezone: str = 'Asia/Shanghai'
    phone_region: str = 'CN'
    language: Literal['zh', 'en'] = 'zh'
    opening: str = '08:00'
    closing: str = '17:30'
    desk_accounts: tuple[str, ...] = ('desk',)
    signed_manager_entries: bool = False


@dataclass(frozen=True, slots=True)
class OrderPolicy:
    daily: Literal['continue', 'checkin', 'fixed', 'ranking'] = 'continue'
    newcomer_at_end: bool = True
    separate_call_order: bool = True
    busy_across_queues: bool = False


@dataclass(frozen=True, slots=True)
class SkipsPolicy:
    busy: Literal['make-up', 'forfeit'] = 'make-up'
    busy_uncounted: Literal['make-up', 'forfeit'] = 'make-up'
    official: Literal['make-up', 'forfeit'] = 'make-up'
    official_makeups_per_round: int = 1
    makeups_carry_over: bool = False
    owner_absent: Literal['last', 'next-up', 'team'] = 'last'
    after_hours: Literal['duty', 'rotation'] = 'duty'
    free_pass_idle_minutes: int = 0


@dataclass(frozen=True, slots=True)
class CountingPolicy:
    signed_revisit: Literal['uncounted', 'counted'] = 'uncounted'
    unsigned_revisit: Literal['uncounted', 'counted', 'rotation'] = 'uncounted'
    designated: Literal['uncounted', 'counted'] = 'uncounted'
    referral: Literal['owner', 'rotation'] = 'owner'
    noncustomer: Literal['next-up', 'last'] = 'next-up'
    surveyors_are_customers: bool = False
    repeat_same_day: Literal['uncounted', 'counted'] = 'uncounted'
    handover: Literal['counted', 'uncounted'] = 'uncounted'
    handover_minutes: int = 0
    help: Literal['obligation', 'owner-makeup'] = 'obligation'


@dataclass(frozen=True, slots=True)
class CallsPolicy:
    mode: Literal['rotation', 'next-after-receiver', 'duty', 'day-end'] = 'rotation'


@dataclass(frozen=True, slots=True)
class PenaltiesPolicy:
    pass_fine_at: int = 0
    pass_fine_yuan: int = 0
    pass_suspend_at: int = 0
    pass_suspend_days: int = 0
    no_deal_week_half: bool = False


@dataclass(frozen=True, slots=True)
class ProtectionPolicy:
    visit_days: int = 7
    call_days: int = 15
    deposit_days: int = 90
    contract_days: int = 0
    lapse_days: int = 0
    referral_days: int = 0
    call_claims: bool = True
    family: tuple[Literal['spouse', 'parent', 'child', 'sibling'], ...] = ('spouse', 'parent', 'child')


@dataclass(frozen=True, slots=True)
class SplitsPolicy:
    unaware: Literal['stage', 'ratio'] = 'stage'
    unaware_original: int = 50
    help_owner: int = 50
    designated_absent: Literal['receiver', 'help'] = 'receiver'
    helped_owner_closed: int = 0
    knowing_fine_yuan: int = 0


@dataclass(frozen=True, slots=True)
class ChannelPolicy:
    report_lead_minutes: int = 30
    report_valid_days: int = 7
    confirm_days: int = 30
    inhouse_days: int = 7
    called_share: int = 10
    toured_share: int = 40
    report_renew_days: int = 0


@dataclass(frozen=True, slots=True)
class DisputesPolicy:
    window: Literal['days', 'contract', 'none'] = 'days'
    window_days: int = 3
    house_after_days: int = 0
    ruling_fine_yuan: int = 0


@dataclass(frozen=True, slots=True)
class CommissionPolicy:
    rate_permille: int | str = 0
    deposit_percent: int = 0
    contract_percent: int = 100
    handover_percent: int = 0


@dataclass(frozen=True, slots=True)
class Policy:
    """The office's policy: policy.order.daily, policy.protection.visit_days, …"""
    office: OfficePolicy
    order: OrderPolicy
    skips: SkipsPolicy
    counting: CountingPolicy
    calls: CallsPolicy
    penalties: PenaltiesPolicy
    protection: ProtectionPolicy
    splits: SplitsPolicy
    channel: ChannelPolicy
    disputes: DisputesPolicy
    commission: CommissionPolicy


SECTIONS: dict[str, type] = {
    'office': OfficePolicy,
    'order': OrderPolicy,
    'skips': SkipsPolicy,
    'counting': CountingPolicy,
    'calls': CallsPolicy,
    'penalties': PenaltiesPolicy,
    'protection': ProtectionPolicy,
    'splits': SplitsPolicy,
    'channel': ChannelPolicy,
    'disputes': DisputesPolicy,
    'commission': CommissionPolicy,
}
