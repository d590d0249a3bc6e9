"""Deals: exact money in yuan, each deal's credited amounts, and the duplicate rule (SPEC §4.2).

Money is `decimal.Decimal` from the typed text to the printed figure — never a binary float.

- `parse_amount` reads `deal --amount`: ASCII or full-width digits, an optional point and at most
  two decimals; no sign, exponent, separator, `nan` or `inf`; below 10^15 yuan.
- The ledger stores an amount in its canonical text (`amount_text`): plain digits, no exponent, no
  separators, always two decimals — `1280000.00`, `2345678.90`, `0.05` — so that a spreadsheet
  or DuckDB reads the ledger's `amount` column as one type in every file (ledger format 3; the
  formats before held `1280000` and `2345678.9`, which read the same).
- `split_amount` credits a deal's amount by percent: each party's share is amount × pct / 100
  rounded to the fen (0.01) with ROUND_HALF_UP; when the percents sum to 100, the rounding
  remainder (a few fen at most, either sign) goes to the party with the largest percent, ties to
  the smallest party id, so the shares of one deal sum exactly to its amount.
- `Rate` marks a ratio (the report's `conversion`): a fraction 0–1, printed as a percent in
  tables and as the fraction in JSON/CSV.
- DEAL-ONCE (`duplicate_of`): a deal with the phone, stage and unit of one already recorded is a
  duplicate; a refund of a unit closes its deposit and contract, so after it they may be recorded
  again, and a refund is itself a duplicate until a new deal on that unit reopens it.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from rotactl.core.dates import minute_of
from rotactl.core.entries import Deal
from rotactl.core.errors import DomainError, LedgerError, UsageError

FEN = Decimal("0.01")
LIMIT = Decimal(10) ** 15
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?", re.ASCII)
_STORED = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)}, "\uff0e": "."})


class Rate(Decimal):
    """A ratio (0–1) rather than money: tables print it as a percent (`33.3%`)."""

    __slots__ = ()


def parse_amount(text: str, option: str = "--amount") -> Decimal:
    """The exact amount a person typed, or a usage error naming the option. Full-width digits and
    point (１２３．４５) read as ASCII; nothing else is normalised (so ① or ² are not digits)."""
    typed = (text or "").translate(_FULL_WIDTH).strip()
    if not _AMOUNT.fullmatch(typed):
        shown = text if len(text or "") <= 40 else text[:40] + "…"
        raise UsageError(f"{option} must be a non-negative number of yuan with at most 2 decimals, without "
                         f"separators or exponent (e.g. 1280000 or 2345678.90), not {shown!r}")
    value = Decimal(typed)
    if value >= LIMIT:
        raise UsageError(f"{option} {typed} is too large (at most 15 digits before the point)")
    return value


def commission(amount: Decimal, percent: int, rate_permille) -> tuple[Decimal, Decimal]:
    """004 佣金制度: (the base on which commission is earned, the commission) for a credited amount —
    base = amount × the stage's percent, commission = base × the rate in per mille, each to the fen."""
    base = (amount * percent / 100).quantize(FEN, ROUND_HALF_UP)
    return base, (base * Decimal(str(rate_permille)) / 1000).quantize(FEN, ROUND_HALF_UP)


def amount_text(value: Decimal) -> str:
    """The ledger's canonical spelling of an amount: no exponent, two decimals (to the fen)."""
    return format(value.quantize(FEN, ROUND_HALF_UP), "f")


def read_amount(deal: Deal) -> Decimal:
    """A deal's stored amount, exactly (empty = none, 0); a stored text that is not a plain
    non-negative number (an edited ledger) is a ledger problem, not a NaN in a payroll."""
    if not deal.amount:
        return Decimal(0)
    if not _STORED.fullmatch(deal.amount):
        raise LedgerError([f"{deal.where or deal.id}: deal {deal.id} has amount {deal.amount!r}, "
                           "not a plain number of yuan"])
    return Decimal(deal.amount)


def split_amount(amount: Decimal, split: dict[str, int]) -> dict[str, Decimal]:
    """Each party's credited amount, to the fen, ROUND_HALF_UP; summing exactly to the amount when
    the percents sum to 100 (the remainder goes to the largest percent, ties to the smallest id)."""
    shares = {party: (amount * Decimal(str(pct)) / 100).quantize(FEN, ROUND_HALF_UP)
              for party, pct in split.items()}
    if shares and sum(split.values()) == 100:
        remainder = amount - sum(shares.values())
        if remainder:
            taker = min(split, key=lambda party: (-split[party], party))
            shares[taker] += remainder
    return shares


def rate(part: int, whole: int) -> Rate:
    """part / whole as a fraction to 3 places (ROUND_HALF_UP); 0 when there is no whole."""
    if not whole:
        return Rate(0)
    return Rate((Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), ROUND_HALF_UP))


def _unit(unit: str) -> str:
    """Units compare as typed, but width, case and surrounding spaces aside (３-1502 = 3-1502)."""
    return unicodedata.normalize("NFKC", unit or "").strip().casefold()


def duplicate_of(deals: Iterable[Deal], stage: str, unit: str) -> Deal | None:
    """DEAL-ONCE: the recorded deal (of one customer's, in time order) that a new deal of this stage
    and unit would repeat, or None. A refund of a unit (or, without a unit, of every unit) closes
    its deposit and contract; a new deposit or contract on the unit reopens its refund."""
    live: dict[tuple[str, str], Deal] = {}
    for deal in deals:
        key = _unit(deal.unit)
        if deal.stage == "refund":
            for gone in [k for k in live if k[0] != "refund" and (k[1] == key or not key)]:
                del live[gone]
        else:
            live.pop(("refund", key), None)
            live.pop(("refund", ""), None)
        live.setdefault((deal.stage, key), deal)
    return live.get((stage, _unit(unit)))


def refuse_duplicate(deals: Iterable[Deal], stage: str, unit: str) -> None:
    """DEAL-ONCE as a refusal naming the first entry (the correction is `void` and a new entry)."""
    first = duplicate_of(deals, stage, unit)
    if first is not None:
        raise DomainError(f"duplicate deal: this customer's {stage} of unit {unit or '(none)'} is already "
                          f"recorded as {first.id} at {minute_of(first.at)}; to correct it, void that entry and "
                          "record a new one")
