"""The roster: `staff add|list|leave|suspend|penalize` — all ledger entries."""
from __future__ import annotations

import click

from rotactl.app.signatures import public_key
from rotactl.commands._shell import STAFF_ID, nonempty, reads, writes
from rotactl.core import rules
from rotactl.core.entries import Fine, Penalty, StaffAdd, StaffLeave, StaffSuspend
from rotactl.core.errors import DomainError, UsageError
from rotactl.core.penalties import half_rotation, suspended_until


@click.group()
def staff():
    """人员名册:The roster: add, list, leave, suspend, penalize, fine."""


@staff.command("fine")
@click.argument("sid", metavar="ID")
@click.option("--yuan", type=click.IntRange(1), required=True, help="The fine in whole yuan.")
@click.option("--reason", required=True, help="What for (e.g. 在客户面前争抢客户).")
@writes
def staff_fine(act, sid, yuan, reason):
    """Manager: fine a person for conduct the policy fines (e.g. 精品: 争吵抢客 500元)."""
    act.manager()
    act.staff(sid)
    entry = act.new(Fine, staff=sid, fine=yuan, reason=nonempty(reason, "--reason"))
    return [entry], {"entry": entry.id, "staff": sid, "fine": yuan, "reason": entry.reason}


@staff.command("add")
@click.argument("sid", metavar="ID")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["sales", "secretary", "manager"]), default="sales", show_default=True)
@click.option("--team", default="")
@click.option("--trainee", is_flag=True)
@click.option("--ssh-key", "ssh_key", metavar="PUBKEY",
              help="Their SSH public key (a key line or a .pub file): their manager entries are signed with it.")
def staff_add(sid, name, role, team, trainee, ssh_key):
    """Add a person to the roster (roster order = rotation order)."""
    if not STAFF_ID.fullmatch(sid):
        raise UsageError(f"staff id '{sid}' may not contain spaces or any of : | , ; = \\")
    return _add(sid=sid, name=nonempty(name, "--name"), role=role, team=team, trainee=trainee,
                key=public_key(ssh_key) if ssh_key else "")


@writes(roster=True)
def _add(act, sid, name, role, team, trainee, key):
    if sid in act.roster:
        raise DomainError(f"staff '{sid}' already exists ({act.roster[sid].name})")
    entry = act.new(StaffAdd, staff=sid, name=name, role=role, team=team, trainee=trainee, key=key)
    return [entry], {"staff": sid, "name": name, "role": role, "team": team or None, "trainee": trainee,
                     "ssh_key": bool(key)}


@staff.command("list")
@reads
def staff_list(env, at):
    """The roster in rotation order."""
    day = env.office.floor.day(at)
    rows = [{"staff": m.id, "name": m.name, "role": m.role, "team": m.team or None, "trainee": m.trainee,
             "status": day.status(m.id, "visit") if m.active else "left",
             "suspended_until": m.suspended_until or None,
             "half_rotation_until": m.half_until or None} for m in day.carry.roster.values()]
    env.emit(rows, ["staff", "name", "role", "team", "status", "suspended_until"])


@staff.command("leave")
@click.argument("sid", metavar="ID")
@click.option("--reassign-to", metavar="ID", help="Hand their customers to this colleague (ATT-DEPARTED).")
@writes
def staff_leave(act, sid, reassign_to):
    """A person leaves; their customers return to the pool or go to --reassign-to."""
    act.manager()
    act.staff(sid)
    if reassign_to:
        act.staff(reassign_to)
    entry = act.new(StaffLeave, staff=sid, reassign_to=reassign_to or "")
    return [entry], {"staff": sid, "left": act.at, "reassign_to": reassign_to, "rule": rules.ATT_DEPARTED}


@staff.command("suspend")
@click.argument("sid", metavar="ID")
@click.option("--days", type=click.IntRange(1), required=True)
@click.option("--reason", default="")
@writes
def staff_suspend(act, sid, days, reason):
    """停牌: out of the rotation now and through the N following days (PEN-SUSPEND)."""
    act.manager()
    act.staff(sid)
    entry = act.new(StaffSuspend, staff=sid, days=days, reason=reason, rule=rules.PEN_SUSPEND)
    return [entry], {"staff": sid, "suspended_until": suspended_until(act.at, days), "rule": rules.PEN_SUSPEND}


@staff.command("penalize")
@click.argument("sid", metavar="ID")
@click.option("--half-rotation", is_flag=True, required=True, help="两排一轮: every other round only.")
@click.option("--days", type=click.IntRange(1), required=True)
@click.option("--reason", default="")
def staff_penalize(sid, half_rotation, days, reason):
    """Half rotation for N days: now and through the N following days (PEN-HALF)."""
    if not half_rotation:
        raise UsageError("say which penalty: --half-rotation")
    return _penalize(sid=sid, days=days, reason=reason)


@writes
def _penalize(act, sid, days, reason):
    act.manager()
    act.staff(sid, rotation=True)
    start, until = half_rotation(act.at, days)
    entry = act.new(Penalty, kind="staff-penalize", staff=sid, penalty="half", start=start, until=until,
                    days=days, reason=reason, rule=rules.PEN_HALF)
    return [entry], {"staff": sid, "half_rotation_until": until, "rule": rules.PEN_HALF}
