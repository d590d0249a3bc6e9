"""The policy's types, one read-only class per section of `rotactl.toml`: generated from
`rotactl.core.policy.SCHEMA` by `make presets docs` (a test keeps them equal); do not edit.

A misspelt knob is an AttributeError, so is a changed one, and a comparison with a value the
knob cannot take is what a type checker flags (`mypy --strict-equality`)."""
from __future__ import annotations

from typing import Literal


class Frozen:
    """What every section and the policy share: built from keywords (a missing one takes its default),
    read-only, equal by value, and `replace(**changes)` for a changed copy. Plain slotted classes:
    no code is generated at import (a command starts in milliseconds)."""

    __slots__ = ()
    DEFAULTS: dict = {}

    def __init__(self, **values):
        unknown = values.keys() - set(self.__slots__)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown key(s) {', '.join(sorted(unknown))}")
        for name in self.__slots__:
            object.__setattr__(self, name, values[name] if name in values else self.DEFAULTS[name])

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is read-only: {name} cannot be changed (replace() makes a copy)")

    __delattr__ = __setattr__

    def replace(self, **changes):
        return type(self)(**{name: getattr(self, name) for name in self.__slots__} | changes)

    def __eq__(self, other):
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    def __hash__(self):
        return hash(tuple(getattr(self, n) for n in self.__slots__))

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"


class OfficePolicy(Frozen):
    __slots__ = ('name', 'timezone', 'phone_region', 'language', 'opening', 'closing', 'desk_accounts', 'signed_manager_entries',)
    name: str
    timezone: str
    phone_region: str
    language: Literal['zh', 'en']
    opening: str
    closing: str
    desk_accounts: tuple[str, ...]
    signed_manager_entries: bool
    DEFAULTS = {'name': '示例售楼处', 'timezone': 'Asia/Shanghai', 'phone_region': 'CN', 'language': 'zh', 'opening': '08:00', 'closing': '17:30', 'desk_accounts': ('desk',), 'signed_manager_entries': False}


class OrderPolicy(Frozen):
    __slots__ = ('daily', 'newcomer_at_end', 'separate_call_order', 'busy_across_queues',)
    daily: Literal['continue', 'checkin', 'fixed', 'ranking']
    newcomer_at_end: bool
    separate_call_order: bool
    busy_across_queues: bool
    DEFAULTS = {'daily': 'continue', 'newcomer_at_end': True, 'separate_call_order': True, 'busy_across_queues': False}


class SkipsPolicy(Frozen):
    __slots__ = ('busy', 'busy_uncounted', 'official', 'official_makeups_per_round', 'makeups_carry_over', 'owner_absent', 'after_hours', 'free_pass_idle_minutes',)
    busy: Literal['make-up', 'forfeit']
    busy_uncounted: Literal['make-up', 'forfeit']
    official: Literal['make-up', 'forfeit']
    official_makeups_per_round: int
    makeups_carry_over: bool
    owner_absent: Literal['last', 'next-up', 'team']
    after_hours: Literal['duty', 'rotation']
    free_pass_idle_minutes: int
    DEFAULTS = {'busy': 'make-up', 'busy_uncounted': 'make-up', 'official': 'make-up', 'official_makeups_per_round': 1, 'makeups_carry_over': False, 'owner_absent': 'last', 'after_hours': 'duty', 'free_pass_idle_minutes': 0}


class CountingPolicy(Frozen):
    __slots__ = ('signed_revisit', 'unsigned_revisit', 'designated', 'referral', 'noncustomer', 'surveyors_are_customers', 'repeat_same_day', 'handover', 'handover_minutes', 'help',)
    signed_revisit: Literal['uncounted', 'counted']
    unsigned_revisit: Literal['uncounted', 'counted', 'rotation']
    designated: Literal['uncounted', 'counted']
    referral: Literal['owner', 'rotation']
    noncustomer: Literal['next-up', 'last']
    surveyors_are_customers: bool
    repeat_same_day: Literal['uncounted', 'counted']
    handover: Literal['counted', 'uncounted']
    handover_minutes: int
    help: Literal['obligation', 'owner-makeup']
    DEFAULTS = {'signed_revisit': 'uncounted', 'unsigned_revisit': 'uncounted', 'designated': 'uncounted', 'referral': 'owner', 'noncustomer': 'next-up', 'surveyors_are_customers': False, 'repeat_same_day': 'uncounted', 'handover': 'uncounted', 'handover_minutes': 0, 'help': 'obligation'}


class CallsPolicy(Frozen):
    __slots__ = ('mode',)
    mode: Literal['rotation', 'next-after-receiver', 'duty', 'day-end']
    DEFAULTS = {'mode': 'rotation'}


class PenaltiesPolicy(Frozen):
    __slots__ = ('pass_fine_at', 'pass_fine_yuan', 'pass_suspend_at', 'pass_suspend_days', 'no_deal_week_half',)
    pass_fine_at: int
    pass_fine_yuan: int
    pass_suspend_at: int
    pass_suspend_days: int
    no_deal_week_half: bool
    DEFAULTS = {'pass_fine_at': 0, 'pass_fine_yuan': 0, 'pass_suspend_at': 0, 'pass_suspend_days': 0, 'no_deal_week_half': False}


class ProtectionPolicy(Frozen):
    __slots__ = ('visit_days', 'call_days', 'deposit_days', 'contract_days', 'lapse_days', 'referral_days', 'call_claims', 'family',)
    visit_days: int
    call_days: int
    deposit_days: int
    contract_days: int
    lapse_days: int
    referral_days: int
    call_claims: bool
    family: tuple[Literal['spouse', 'parent', 'child', 'sibling'], ...]
    DEFAULTS = {'visit_days': 7, 'call_days': 15, 'deposit_days': 90, 'contract_days': 0, 'lapse_days': 0, 'referral_days': 0, 'call_claims': True, 'family': ('spouse', 'parent', 'child')}


class SplitsPolicy(Frozen):
    __slots__ = ('unaware', 'unaware_original', 'help_owner', 'designated_absent', 'helped_owner_closed', 'knowing_fine_yuan',)
    unaware: Literal['stage', 'ratio']
    unaware_original: int
    help_owner: int
    designated_absent: Literal['receiver', 'help']
    helped_owner_closed: int
    knowing_fine_yuan: int
    DEFAULTS = {'unaware': 'stage', 'unaware_original': 50, 'help_owner': 50, 'designated_absent': 'receiver', 'helped_owner_closed': 0, 'knowing_fine_yuan': 0}


class ChannelPolicy(Frozen):
    __slots__ = ('report_lead_minutes', 'report_valid_days', 'confirm_days', 'inhouse_days', 'called_share', 'toured_share', 'report_renew_days',)
    report_lead_minutes: int
    report_valid_days: int
    confirm_days: int
    inhouse_days: int
    called_share: int
    toured_share: int
    report_renew_days: int
    DEFAULTS = {'report_lead_minutes': 30, 'report_valid_days': 7, 'confirm_days': 30, 'inhouse_days': 7, 'called_share': 10, 'toured_share': 40, 'report_renew_days': 0}


class DisputesPolicy(Frozen):
    __slots__ = ('window', 'window_days', 'house_after_days', 'ruling_fine_yuan',)
    window: Literal['days', 'contract', 'none']
    window_days: int
    house_after_days: int
    ruling_fine_yuan: int
    DEFAULTS = {'window': 'days', 'window_days': 3, 'house_after_days': 0, 'ruling_fine_yuan': 0}


class CommissionPolicy(Frozen):
    __slots__ = ('rate_permille', 'deposit_percent', 'contract_percent', 'handover_percent',)
    rate_permille: int | str
    deposit_percent: int
    contract_percent: int
    handover_percent: int
    DEFAULTS = {'rate_permille': 0, 'deposit_percent': 0, 'contract_percent': 100, 'handover_percent': 0}


class Policy(Frozen):
    """The office's policy: policy.order.daily, policy.protection.visit_days, …"""
    __slots__ = ('office', 'order', 'skips', 'counting', 'calls', 'penalties', 'protection', 'splits', 'channel', 'disputes', 'commission',)
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
