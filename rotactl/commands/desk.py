"""The desk: `check-in`, `check-out`, `away`, `back`, `done`, `pass`, `next`."""
from __future__ import annotations

from decimal import Decimal

import click

from rotactl.commands._shell import QUEUE_OPTION, nonempty, reads, writes
from rotactl.core import rules
from rotactl.core.dates import day_of
from rotactl.core.desk import pass_turn
from rotactl.core.entries import Duty, FreeDay, Presence, skips_view
from rotactl.core.errors import DomainError, UsageError
from rotactl.core.rotation import after_hours, next_view


@click.command("check-in")
@click.argument("sids", metavar="ID...", nargs=-1, required=True)
@writes
def check_in(act, sids):
    """签到:Staff arrive, in the order given; they join today's order (ORD-*)."""
    for sid in sids:
        act.staff(sid)
    already = [s for s in sids if act.day.person(s).checked_in]
    if already:
        raise DomainError(f"already checked in: {', '.join(already)}")
    if len(set(sids)) != len(sids):
        raise UsageError("the same person is named twice")
    return [act.new(Presence, kind="check-in", staff=s) for s in sids], {"checked_in": list(sids), "at": act.at}


def _presence(act, sid: str, kind: str, refusal, **fields):
    """One presence entry for `sid`, unless `refusal(person)` says why not."""
    act.staff(sid)
    why = refusal(act.day.person(sid))
    if why:
        raise DomainError(why)
    return [act.new(Presence, kind=kind, staff=sid, **fields)], {"staff": sid, kind: act.at, **fields}


@click.command("check-out")
@click.argument("sid", metavar="ID")
@writes
def check_out(act, sid):
    """离场:Leave for the day."""
    return _presence(act, sid, "check-out", lambda p: None if p.checked_in else f"{sid} is not checked in")


@click.command()
@click.argument("sid", metavar="ID")
@click.option("--reason", type=click.Choice(["official", "personal"]), required=True,
              help="official: approved company business (make-up); personal: forfeit.")
@writes
def away(act, sid, reason):
    """离开接待台:Leave the desk (ROT-OFFICIAL / ROT-ABSENT when the turn comes)."""
    def refusal(person):
        if not person.checked_in:
            return f"{sid} is not checked in"
        return f"{sid} is already away ({person.away})" if person.away else None
    return _presence(act, sid, "away", refusal, reason=reason)


@click.command()
@click.argument("sid", metavar="ID")
@writes
def back(act, sid):
    """回到接待台:Return to the desk."""
    return _presence(act, sid, "back", lambda p: None if p.away else f"{sid} is not away")


@click.command()
@click.argument("sid", metavar="ID")
@writes
def done(act, sid):
    """接待完毕:Finish the current reception."""
    return _presence(act, sid, "done", lambda p: None if p.receiving else f"{sid} is not receiving anyone")


@click.command("pass")
@click.argument("sid", metavar="ID")
@QUEUE_OPTION
@writes
def pass_(act, sid, queue):
    """让号:The next-up passes this turn voluntarily (ROT-PASS; PEN-PASSES)."""
    act.staff(sid, rotation=True)
    entry = act.new_from(pass_turn(act.day, sid, queue, act.at, act.actor))
    return [entry], {"staff": sid, "queue": queue, "rule": rules.ROT_PASS, "skipped": skips_view(entry.skipped),
                     "free": entry.free, "fine": Decimal(entry.fine), "suspended_days": entry.suspend_days,
                     "penalty_rule": entry.rule if entry.rule != rules.ROT_PASS else None}


@click.command("free-day")
@click.option("--date", "date", help="The free day (default: today).")
@click.option("--reason", required=True, help="Why: 开盘日, 解筹日, 看楼团 …")
@writes
def free_day(act, date, reason):
    """自由接待日:Manager: day D is free reception (ROT-FREE): not counted, the order untouched."""
    from rotactl.app import clock

    act.manager()
    day = clock.parse_day(date, "--date") if date else day_of(act.at)
    if day < day_of(act.at):
        raise DomainError(f"{day} is over; a free day is declared on it or before it")
    if day == day_of(act.at) and act.day.free or day in act.day.carry.free_days:
        raise DomainError(f"{day} is already a free day")
    entry = act.new(FreeDay, day=day, reason=nonempty(reason, "--reason"))
    return [entry], {"entry": entry.id, "free_day": day, "rule": rules.ROT_FREE, "reason": entry.reason}


@click.command()
@click.argument("sid", metavar="ID")
@writes
def duty(act, sid):
    """当日来电值班:The day's duty person for phone leads (`[calls] mode = "duty"`)."""
    act.staff(sid, rotation=True)
    entry = act.new(Duty, staff=sid)
    return [entry], {"entry": entry.id, "duty": sid, "day": day_of(act.at), "calls_mode": act.policy.calls.mode}


@click.command("next")
@QUEUE_OPTION
@reads
def next_(env, at, queue):
    """轮到谁:Who is next-up and the order behind them (read-only)."""
    day = env.office.floor.day(at)
    view = next_view(day, queue, at)
    if env.fmt == "json":
        env.emit(view)
    else:
        policy = env.office.policy
        duty = ""
        if policy.skips.after_hours == "duty" and after_hours(at, policy):
            hours = f"{policy.office.opening}–{policy.office.closing}"
            duty = (f" · 营业时间 {hours} 之外:值班规则 ROT-DUTY,不计轮次" if env.zh
                    else f" · outside opening hours {hours}: duty rule ROT-DUTY, not counted")
        free = (" · 自由接待日 ROT-FREE" if env.zh else " · free day ROT-FREE") if day.free else ""
        head = (f"{'来访' if queue == 'visit' else '来电'} · 第 {view['round']} 轮 · 下一位: " if env.zh
                else f"{queue} · round {view['round']} · next: ")
        env.emit(view["order"], ["staff", "status", "owed"], title=f"{head}{view['next'] or '-'}{duty}{free}")
