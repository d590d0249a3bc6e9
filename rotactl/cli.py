"""The command line (SPEC §4): thin click commands over the office shell.

Every command parses and validates its input, takes the lock when it writes,
asks the pure core for a decision, appends it, and prints the result. Refusals
are one `error: …` line on stderr: exit 1 for the rules, 2 for usage, 3 for an
unsound ledger.
"""
from __future__ import annotations

import getpass
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from rotactl import clock, phones
from rotactl.errors import DomainError, LedgerError, RotactlError, UsageError
from rotactl.render import emit

STAFF_ID = re.compile(r"[^\s:|,;=\\]+")
CUSTOMER_KINDS = ("customer", "vendor", "press", "peer", "survey")
RELATIONS = ("spouse", "parent", "child", "sibling")


class Env:
    def __init__(self, directory, at, actor, fmt, reveal):
        self.directory = Path(directory or os.environ.get("ROTACTL_DIR") or "ledgers")
        self._at, self.fmt, self.reveal = at, fmt, reveal
        self.actor = actor or os.environ.get("ROTACTL_USER") or _os_user()
        self._office = None

    @property
    def office(self):
        if self._office is None:
            from rotactl.office import Office

            self._office = Office(self.directory)
        return self._office

    @property
    def at(self) -> str:
        return clock.parse_at(self._at) if self._at else self.office.now()

    @property
    def zh(self) -> bool:
        return self.office.policy.office.language == "zh"

    def mask(self, phone):
        return phones.mask(phone, self.reveal)

    def phone(self, raw: str) -> str:
        return phones.normalise(raw, self.office.policy.office.phone_region)

    def emit(self, data, columns=None, title=""):
        emit(data, self.fmt, columns, title, self._office is None or self.zh)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "desk"


pass_env = click.make_pass_decorator(Env)


class RotactlGroup(click.Group):
    """Maps every refusal to one stderr line and its exit code; never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except LedgerError as exc:
            for line in exc.problems:
                click.echo(line, err=True)
            ctx.exit(3)
        except RotactlError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: still one line, never a traceback for a user
            click.echo(f"error: internal error ({type(exc).__name__}: {exc}); please report it", err=True)
            ctx.exit(1)


@click.group(cls=RotactlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "--dir", "directory", metavar="PATH", help="The office directory ($ROTACTL_DIR, else ./ledgers).")
@click.option("--at", metavar='"YYYY-MM-DD HH:MM"', help="Event time to record or evaluate at (default: now).")
@click.option("--as", "actor", metavar="ACTOR", help="Who is operating ($ROTACTL_USER, else the OS user).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--reveal", is_flag=True, help="Show full phone numbers.")
@click.version_option(package_name="rotactl")
@click.pass_context
def cli(ctx, directory, at, actor, fmt, reveal):
    """rotactl — who receives the next customer, and whose customer it is."""
    if at:
        clock.parse_at(at)
    ctx.obj = Env(directory, at, actor, fmt, reveal)


# -- helpers --------------------------------------------------------------------------

def need_staff(day, sid: str, *, rotation: bool = False):
    member = day.carry.roster.get(sid)
    if member is None or not member.active:
        raise DomainError(f"unknown staff '{sid}'" if member is None else f"{sid} has left")
    if rotation and not member.in_rotation():
        raise DomainError(f"{sid} is not in the rotation ({member.role}{', trainee' if member.trainee else ''})")
    return member


def need_manager(env: Env, day) -> None:
    member = day.carry.roster.get(env.actor)
    if member is None or member.role != "manager" or not member.active:
        raise DomainError(f"only a manager may do this; '{env.actor}' is not a manager on the roster (--as)")


def nonempty(value: str, option: str) -> str:
    if value is None or not value.strip():
        raise UsageError(f"{option} must not be empty")
    return value.strip()


def base(env: Env, kind: str, at: str, **fields) -> dict:
    return {"at": at, "kind": kind, "actor": env.actor, **fields}


def writing(env: Env):
    """Hold the repo-wide lock across read → decide → append."""
    return env.office.store.lock(exclusive=True)


@contextmanager
def writing_day(env: Env):
    """The prologue of a writing command: hold the lock, refuse a closed day, replay today up to --at."""
    with writing(env):
        at = env.at
        env.office.guard_open(at)
        yield at, env.office.day(at)


# -- init ------------------------------------------------------------------------------

@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--preset", default="default", show_default=True, help="One of the presets of SPEC §7.")
@click.option("--office-name", help="Office name written into the policy.")
@click.option("--timezone", help="IANA time zone (default Asia/Shanghai).")
@click.option("--no-git", is_flag=True, help="Do not run git init.")
@pass_env
def init(env, directory, preset, office_name, timezone, no_git):
    """Create an office directory with a preset policy."""
    from rotactl.office import init_office

    init_office(directory, preset, office_name, timezone, not no_git)
    if env.fmt == "json":
        env.emit({"office": str(directory), "preset": preset})
    else:
        click.echo(f"office created in {directory} (preset {preset})")


# -- staff --------------------------------------------------------------------------------

@cli.group()
def staff():
    """The roster: add, list, leave, suspend, penalize."""


@staff.command("add")
@click.argument("sid", metavar="ID")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["sales", "secretary", "manager"]), default="sales", show_default=True)
@click.option("--team", default="")
@click.option("--trainee", is_flag=True)
@pass_env
def staff_add(env, sid, name, role, team, trainee):
    """Add a person to the roster (roster order = rotation order)."""
    if not STAFF_ID.fullmatch(sid):
        raise UsageError(f"staff id '{sid}' may not contain spaces or any of : | , ; = \\")
    name = nonempty(name, "--name")
    with writing_day(env) as (at, day):
        if sid in day.carry.roster:
            raise DomainError(f"staff '{sid}' already exists ({day.carry.roster[sid].name})")
        env.office.write([base(env, "staff-add", at, staff=sid, name=name, role=role, team=team,
                               trainee=trainee or "")])
    env.emit({"staff": sid, "name": name, "role": role, "team": team or None, "trainee": trainee})


@staff.command("list")
@pass_env
def staff_list(env):
    """The roster in rotation order."""
    with env.office.store.lock(exclusive=False):
        at = env.at
        day = env.office.day(at)
    rows = [{"staff": m.id, "name": m.name, "role": m.role, "team": m.team or None, "trainee": m.trainee,
             "status": day.status(m.id, "visit") if m.active else "left",
             "suspended_until": m.suspended_until or None,
             "half_rotation_until": m.half_until or None} for m in day.carry.roster.values()]
    env.emit(rows, ["staff", "name", "role", "team", "status", "suspended_until"])


@staff.command("leave")
@click.argument("sid", metavar="ID")
@click.option("--reassign-to", metavar="ID", help="Hand their customers to this colleague (ATT-DEPARTED).")
@pass_env
def staff_leave(env, sid, reassign_to):
    """A person leaves; their customers return to the pool or go to --reassign-to."""
    with writing_day(env) as (at, day):
        need_manager(env, day)
        need_staff(day, sid)
        if reassign_to:
            need_staff(day, reassign_to)
        env.office.write([base(env, "staff-leave", at, staff=sid, reassign_to=reassign_to or "")])
    env.emit({"staff": sid, "left": at, "reassign_to": reassign_to, "rule": "ATT-DEPARTED"})


@staff.command("suspend")
@click.argument("sid", metavar="ID")
@click.option("--days", type=click.IntRange(1), required=True)
@click.option("--reason", default="")
@pass_env
def staff_suspend(env, sid, days, reason):
    """停牌: out of the rotation now and through the N following days (PEN-SUSPEND)."""
    with writing_day(env) as (at, day):
        need_manager(env, day)
        need_staff(day, sid)
        env.office.write([base(env, "staff-suspend", at, staff=sid, days=days, reason=reason,
                               rule="PEN-SUSPEND")])
    env.emit({"staff": sid, "suspended_until": clock.add_days(at[:10], days), "rule": "PEN-SUSPEND"})


@staff.command("penalize")
@click.argument("sid", metavar="ID")
@click.option("--half-rotation", is_flag=True, required=True, help="两排一轮: every other round only.")
@click.option("--days", type=click.IntRange(1), required=True)
@click.option("--reason", default="")
@pass_env
def staff_penalize(env, sid, half_rotation, days, reason):
    """Half rotation for N days: now and through the N following days (PEN-HALF)."""
    if not half_rotation:
        raise UsageError("say which penalty: --half-rotation")
    with writing_day(env) as (at, day):
        need_manager(env, day)
        need_staff(day, sid, rotation=True)
        until = clock.add_days(at[:10], days)
        env.office.write([base(env, "staff-penalize", at, staff=sid, penalty="half", days=days,
                               reason=reason, rule="PEN-HALF", **{"from": at[:10], "until": until})])
    env.emit({"staff": sid, "half_rotation_until": until, "rule": "PEN-HALF"})


# -- the desk ------------------------------------------------------------------------------

@cli.command("check-in")
@click.argument("sids", metavar="ID...", nargs=-1, required=True)
@pass_env
def check_in(env, sids):
    """Staff arrive, in the order given; they join today's order (ORD-*)."""
    with writing_day(env) as (at, day):
        for sid in sids:
            need_staff(day, sid)
        already = [s for s in sids if day.person(s).checked_in]
        if already:
            raise DomainError(f"already checked in: {', '.join(already)}")
        if len(set(sids)) != len(sids):
            raise UsageError("the same person is named twice")
        env.office.write([base(env, "check-in", at, staff=s) for s in sids])
    env.emit({"checked_in": list(sids), "at": at})


def _presence_command(env, sid: str, kind: str, check, **fields):
    with writing_day(env) as (at, day):
        need_staff(day, sid)
        check(day, day.person(sid))
        env.office.write([base(env, kind, at, staff=sid, **fields)])
    env.emit({"staff": sid, kind: at, **fields})


def _require(condition: bool, message: str):
    if not condition:
        raise DomainError(message)


@cli.command("check-out")
@click.argument("sid", metavar="ID")
@pass_env
def check_out(env, sid):
    """Leave for the day."""
    _presence_command(env, sid, "check-out", lambda d, p: _require(p.checked_in, f"{sid} is not checked in"))


@cli.command()
@click.argument("sid", metavar="ID")
@click.option("--reason", type=click.Choice(["official", "personal"]), required=True,
              help="official: approved company business (make-up); personal: forfeit.")
@pass_env
def away(env, sid, reason):
    """Leave the desk (ROT-OFFICIAL / ROT-ABSENT when the turn comes)."""
    def check(day, person):
        _require(person.checked_in, f"{sid} is not checked in")
        _require(not person.away, f"{sid} is already away ({person.away})")
    _presence_command(env, sid, "away", check, reason=reason)


@cli.command()
@click.argument("sid", metavar="ID")
@pass_env
def back(env, sid):
    """Return to the desk."""
    _presence_command(env, sid, "back", lambda d, p: _require(bool(p.away), f"{sid} is not away"))


@cli.command()
@click.argument("sid", metavar="ID")
@pass_env
def done(env, sid):
    """Finish the current reception."""
    _presence_command(env, sid, "done", lambda d, p: _require(bool(p.receiving), f"{sid} is not receiving anyone"))


@cli.command("pass")
@click.argument("sid", metavar="ID")
@click.option("--queue", type=click.Choice(["visit", "call"]), default="visit", show_default=True)
@pass_env
def pass_(env, sid, queue):
    """The next-up passes this turn voluntarily (ROT-PASS; PEN-PASSES)."""
    from rotactl import rotation
    from rotactl.floor import encode_skipped

    with writing_day(env) as (at, day):
        need_staff(day, sid, rotation=True)
        decision = rotation.decide_pass(day, sid, queue)
        penalty = rotation.pass_penalty(day, sid, at)
        env.office.write([base(env, "pass", at, staff=sid, queue=queue, turn=decision.turn,
                               skipped=encode_skipped(decision.skipped),
                               **{"rule": "ROT-PASS", **penalty})])
    env.emit({"staff": sid, "queue": queue, "rule": "ROT-PASS", "skipped": decision.skipped,
              "free": penalty.get("free") == "1", "fine": int(penalty.get("fine", 0)),
              "suspended_days": int(penalty.get("suspend_days", 0)),
              "penalty_rule": penalty.get("rule")})


@cli.command("next")
@click.option("--queue", type=click.Choice(["visit", "call"]), default="visit", show_default=True)
@pass_env
def next_(env, queue):
    """Who is next-up and the order behind them (read-only)."""
    from rotactl.rotation import next_view

    with env.office.store.lock(exclusive=False):
        at = env.at
        view = next_view(env.office.day(at), queue, at)
    if env.fmt == "json":
        env.emit(view)
    else:
        env.emit(view["order"], ["staff", "status", "owed"],
                 title=f"{queue} · round {view['round']} · next: {view['next'] or '-'}")


# -- register --------------------------------------------------------------------------------

@cli.command()
@click.option("--name", required=True, help="The customer's name as they give it.")
@click.option("--phone", help="Left out when the customer will not give one (claims nothing).")
@click.option("--queue", type=click.Choice(["visit", "call"]), default="visit", show_default=True)
@click.option("--for", "designated", metavar="ID", help="The customer asks for this salesperson (指名).")
@click.option("--referred-by", metavar="PHONE", help="老带新: the old customer who referred them.")
@click.option("--family-of", metavar="PHONE", help="A relative of this customer…")
@click.option("--relation", type=click.Choice(RELATIONS), help="… in this relation.")
@click.option("--agency", help="Brought by this agency's agent (带看).")
@click.option("--party", type=click.IntRange(1), help="How many came together (one customer, CNT-PARTY).")
@click.option("--intent", help="What they are looking for.")
@click.option("--kind", "ckind", type=click.Choice(CUSTOMER_KINDS), default="customer", show_default=True)
@click.option("--absent", multiple=True, metavar="ID", help="A next-up the desk could not find (forfeit).")
@click.option("--to", metavar="ID", help="Manager override: give the lead to this person.")
@pass_env
def register(env, name, phone, queue, designated, referred_by, family_of, relation, agency, party, intent,
             ckind, absent, to):
    """Record a lead and decide who receives it, with the rule that decided."""
    from rotactl import attribution, rotation
    from rotactl.floor import encode_skipped

    name = nonempty(name, "--name")
    if bool(family_of) != bool(relation):
        raise UsageError("--family-of and --relation go together")
    office = env.office
    with writing_day(env) as (at, day):
        for sid in (designated, to, *absent):
            if sid:
                need_staff(day, sid, rotation=sid != to)
        if to:
            need_manager(env, day)
            need_staff(day, to)
        phone_key = env.phone(phone) if phone is not None else ""
        family_key = env.phone(family_of) if family_of else ""
        referrer = env.phone(referred_by) if referred_by else ""
        kind = "" if ckind == "customer" else ckind
        lead = rotation.Lead(queue, at, phone_key, name, kind, designated or "", tuple(absent), to or "")
        record = base(env, queue, at, phone=phone_key, name=name, ckind=kind, designated=designated or "",
                      referred_by=referrer, family_of=family_key, relation=relation or "", agency=agency or "",
                      party=party or "", intent=intent or "", absent=",".join(absent), to=to or "")
        ctx = rotation.Context()
        if phone_key and rotation.is_customer(lead, office.policy):
            probe = {**record, "id": "~pending"}
            members, att = office.attribution(phone_key, at, day.carry, extra=(probe,) if family_key else ())
            if att.owner and need_active(day, att.owner):
                ctx.owner = att.owner
            ctx.signed = att.signed
            ctx.repeat_receiver = next((day.seen[m] for m in members if m in day.seen), "")
        if referrer:
            _members, ref = office.attribution(referrer, at, day.carry)
            if ref.owner and need_active(day, ref.owner):
                ctx.referral_owner = ref.owner
        decision = rotation.decide(day, lead, ctx)
        record.update(receiver=decision.receiver or "", counted="1" if decision.counted else "0",
                      rule=decision.rule, skipped=encode_skipped(decision.skipped), claim=decision.claim,
                      takeover="1" if decision.takeover else "")
        written = office.write([record])[0]
        owner, until, agency_now = None, None, None
        if phone_key:
            group = office.group(phone_key, at, day.carry, extra=(written,))
            after = attribution.attribute(group.records, office.policy, at, group.departed)
            owner, until = after.owner, after.protected_until
            agency_now = attribution.channel(group.records, office.policy, at).agency
    env.emit({"entry": written["id"], "queue": queue, "customer": env.mask(phone_key), "name": name,
              "receiver": decision.receiver, "counted": decision.counted, "channel": agency_now,
              "rule": decision.rule, "skipped": decision.skipped, "owner": owner, "protected_until": until})


def need_active(day, sid: str) -> bool:
    member = day.carry.roster.get(sid)
    return member is not None and member.active


@cli.command()
@click.argument("ref", metavar="REF")
@click.option("--to", "taker", metavar="ID", required=True)
@pass_env
def handover(env, ref, taker):
    """The receiver recognised a colleague's customer and hands over (ATT-RECOGNISED)."""
    from rotactl.floor import encode_skipped

    office = env.office
    with writing_day(env) as (at, day):
        need_staff(day, taker)
        if ref.startswith("e") and ref in day.receptions:
            reception = day.receptions[ref]
        else:
            key = env.phone(ref)
            found = [r for r in day.receptions.values() if r.get("phone") == key]
            if not found:
                raise DomainError(f"no reception of {env.mask(key)} today")
            reception = found[-1]
        giver = reception.get("receiver", "")
        if not giver or reception["id"] not in [r.entry for r in day.person(giver).receiving]:
            raise DomainError("that reception is over; hand over only during it")
        if giver == taker:
            raise DomainError(f"{taker} is already receiving that customer")
        counted = office.policy.counting.handover == "counted"
        skipped = [{"staff": giver, "outcome": "make-up", "rule": "ATT-RECOGNISED"}]
        written = office.write([base(env, "handover", at, ref=reception["id"], phone=reception.get("phone", ""),
                                     staff=giver, receiver=taker, counted="1" if counted else "0",
                                     rule="ATT-RECOGNISED", skipped=encode_skipped(skipped))])[0]
    env.emit({"entry": written["id"], "from": giver, "receiver": taker, "counted": counted,
              "rule": "ATT-RECOGNISED", "skipped": skipped})


# -- customers -------------------------------------------------------------------------------

def _known(env, raw: str) -> str:
    key = env.phone(raw)
    if not env.office.known_customer(key):
        raise DomainError(f"no customer with phone {env.mask(key)} is registered")
    return key


@cli.command("follow-up")
@click.argument("phone")
@click.option("--by", "by", metavar="ID", required=True)
@click.option("--note", default="")
@pass_env
def follow_up(env, phone, by, note):
    """A recorded follow-up (跟进); renews the owner's protection (ATT-RENEW)."""
    office = env.office
    with writing_day(env) as (at, day):
        need_staff(day, by)
        key = _known(env, phone)
        written = office.write([base(env, "follow-up", at, phone=key, staff=by, note=note)])[0]
        _m, att = office.attribution(key, at, day.carry, extra=(written,))
    env.emit({"entry": written["id"], "customer": env.mask(key), "by": by, "owner": att.owner,
              "protected_until": att.protected_until, "rule": "ATT-RENEW"})


@cli.command()
@click.argument("phone")
@click.option("--to", "other", metavar="PHONE", required=True)
@click.option("--relation", type=click.Choice(RELATIONS), required=True)
@pass_env
def link(env, phone, other, relation):
    """Record that two customers are family (ATT-FAMILY)."""
    office = env.office
    with writing_day(env) as (at, day):
        a, b = env.phone(phone), env.phone(other)
        if a == b:
            raise DomainError("a customer cannot be linked to themselves")
        written = office.write([base(env, "link", at, phone=a, other=b, relation=relation)])[0]
        members, att = office.attribution(a, at, day.carry, extra=(written,))
    env.emit({"entry": written["id"], "customer": env.mask(a), "to": env.mask(b), "relation": relation,
              "group": [env.mask(m) for m in members], "owner": att.owner, "rule": "ATT-FAMILY"})


@cli.command()
@click.argument("phone")
@click.option("--by", "by", metavar="ID", required=True)
@click.option("--stage", type=click.Choice(["deposit", "contract", "refund"]), required=True)
@click.option("--unit", default="")
@click.option("--amount", type=click.FloatRange(0), help="Yuan.")
@click.option("--agency", default="", help="The agency's agent came along to the deal.")
@pass_env
def deal(env, phone, by, stage, unit, amount, agency):
    """A deal stage closed by ID (下定 / 签约 / 退订); a refund reopens the customer."""
    from rotactl import attribution, disputes

    office = env.office
    with writing_day(env) as (at, day):
        need_staff(day, by)
        key = _known(env, phone)
        amount_text = "" if amount is None else (f"{amount:.2f}".rstrip("0").rstrip("."))
        written = office.write([base(env, "deal", at, phone=key, staff=by, stage=stage, unit=unit,
                                     amount=amount_text, agency=agency)])[0]
        group = office.group(key, at, day.carry, extra=(written,))
        att = attribution.attribute(group.records, office.policy, at, group.departed)
        analysis = disputes.analyse(group, office.rulings(at))
        credit = analysis.credits.get(written["id"], {})
        fine = office.policy.splits.knowing_fine_yuan
        # SPL-KNOWING: the fine is decided once, by the deal that raises the collision
        if fine and credit.get("rule") == "SPL-KNOWING" and \
                credit.get("dispute") == disputes.dispute_id("staff", written["id"]):
            office.write([base(env, "fine", at, staff=by, fine=str(fine), rule="SPL-KNOWING", ref=written["id"],
                               reason="知情接触他人客户并成交")])
    env.emit({"entry": written["id"], "customer": env.mask(key), "by": by, "stage": stage, "unit": unit or None,
              "amount": amount, "agency": agency or None, "owner": att.owner, "signed": att.signed,
              "split": credit.get("split"), "rule": credit.get("rule"), "dispute": credit.get("dispute")})


@cli.command()
@click.argument("phone")
@pass_env
def who(env, phone):
    """Owner, protection, channel, group and claims of a customer."""
    from rotactl import attribution

    office = env.office
    with office.store.lock(exclusive=False):
        at = env.at
        key = env.phone(phone)
        day = office.day(at)
        group = office.group(key, at, day.carry)
        att = attribution.attribute(group.records, office.policy, at, group.departed)
        ch = attribution.channel(group.records, office.policy, at)
    claims = [{**c, "since": c["since"][:16]} for c in att.claims]
    claims += [{"party": c.agency, "basis": "report-in", "since": c.report["at"][:16], "evidence": c.evidence}
               for c in ch.claims.values()]
    claims += [{"party": r.get("staff") or r.get("agency"), "basis": "claim", "since": r["at"][:16]}
               for r in group.records if r["kind"] == "claim"]
    env.emit({"customer": env.mask(key), "owner": att.owner, "protected_until": att.protected_until,
              "permanent": att.until == "permanent", "signed": att.signed, "channel": ch.agency,
              "channel_until": ch.until if ch.agency else None,
              "group": [env.mask(m) for m in group.members], "claims": claims})


@cli.command("report-in")
@click.option("--agency", required=True, help="The channel agency (分销公司).")
@click.option("--agent", required=True, help="Its agent (经纪人).")
@click.option("--name", required=True, help="The customer's name.")
@click.option("--phone", required=True, help="Full, or masked: 139****0001 (first 3 + last 4) or 1390**00001.")
@click.option("--expect", required=True, metavar='"YYYY-MM-DD HH:MM"', help="Expected arrival.")
@pass_env
def report_in(env, agency, agent, name, phone, expect):
    """A channel agency pre-registers a customer (报备, ATT-REPORT)."""
    office = env.office
    agency, agent, name = nonempty(agency, "--agency"), nonempty(agent, "--agent"), nonempty(name, "--name")
    expected = clock.parse_at(expect, "--expect")
    full, mask = phones.parse_reported(phone, office.policy.office.phone_region)
    with writing(env):
        at = env.at
        office.guard_open(at)
        written = office.write([base(env, "report-in", at, agency=agency, agent=agent, name=name, phone=full,
                                     mask=mask, expect=expected)])[0]
    ch = office.policy.channel
    env.emit({"entry": written["id"], "agency": agency, "agent": agent, "name": name,
              "customer": env.mask(full) if full else (mask.split(" ", 1)[-1] if env.reveal else
                                                        env.mask(mask)),
              "expect": expected[:16], "claims_from": clock.add_minutes(at, ch.report_lead_minutes)[:16],
              "valid_until": clock.add_days(at[:10], ch.report_valid_days), "rule": "ATT-REPORT"})


@cli.command()
@click.argument("phone")
@click.option("--by", "by", metavar="ID", required=True, help="A salesperson's id, or an agency that reported.")
@click.option("--note", default="")
@pass_env
def claim(env, phone, by, note):
    """A salesperson or an agency raises a claim on a customer (异议/认出, DSP-DETECT)."""
    office = env.office
    with writing_day(env) as (at, day):
        key = _known(env, phone)
        party = {"staff": by}
        if by not in day.carry.roster:
            if not any(r.get("agency") == by for r in office.index().fetch("#report-in")):
                raise DomainError(f"'{by}' is neither a salesperson on the roster nor an agency that reported")
            party = {"agency": by}
        else:
            need_staff(day, by)
        written = office.write([base(env, "claim", at, phone=key, note=note, **party)])[0]
        group = office.group(key, at, day.carry, extra=(written,))
        from rotactl import disputes

        found = next(d for d in disputes.analyse(group, office.rulings(at)).disputes
                     if d["id"] == disputes.dispute_id("claim", written["id"]))
    env.emit(_dispute_view(env, found))


@cli.command()
@click.argument("phone")
@click.option("--to", "taker", metavar="ID", required=True)
@click.option("--reason", required=True)
@pass_env
def reassign(env, phone, taker, reason):
    """Manager: the customer complained and asked for someone else (ATT-COMPLAINT)."""
    office = env.office
    with writing_day(env) as (at, day):
        need_manager(env, day)
        need_staff(day, taker)
        key = _known(env, phone)
        written = office.write([base(env, "reassign", at, phone=key, receiver=taker, rule="ATT-COMPLAINT",
                                     reason=nonempty(reason, "--reason"))])[0]
        _m, att = office.attribution(key, at, day.carry, extra=(written,))
    env.emit({"entry": written["id"], "customer": env.mask(key), "owner": att.owner,
              "protected_until": att.protected_until, "rule": "ATT-COMPLAINT"})


# -- disputes ------------------------------------------------------------------------------------

def _dispute_view(env, d: dict) -> dict:
    out = {**d, "customer": env.mask(d["customer"])}
    return out


def _all_disputes(env, at: str, carry) -> list[dict]:
    found = [d for analysis in env.office.analyses(at, carry) for d in analysis.disputes]
    return sorted(found, key=lambda d: (d["raised"], d["id"]))


@cli.command("disputes")
@click.option("--all", "show_all", is_flag=True, help="Ruled disputes too.")
@pass_env
def disputes_(env, show_all):
    """The collisions the facts show, each with a stable id, claimants, proposed split and rule."""
    office = env.office
    with office.store.lock(exclusive=False):
        at = env.at
        found = _all_disputes(env, at, office.carry_before(at[:10]))
    rows = [_dispute_view(env, d) for d in found if show_all or d["status"] != "ruled"]
    if env.fmt == "json":
        env.emit(rows)
    else:
        def shares(split):
            return " ".join(f"{k}={v}" for k, v in (split or {}).items())
        env.emit([{**r, "claimants": " ".join(c["party"] for c in r["claimants"]),
                   "proposal": shares(r["proposal"]), "award": shares(r.get("award"))} for r in rows],
                 ["id", "customer", "closer", "stage", "claimants", "proposal", "rule", "status", "award",
                  "deadline"])


@cli.command("resolve-dispute")
@click.argument("dispute_ref", metavar="ID")
@click.option("--award", "awards", multiple=True, metavar="PARTY=PCT", help="A party's percent; repeat.")
@click.option("--house", is_flag=True, help="All to the house account (公佣, SPL-HOUSE).")
@click.option("--reason", required=True)
@pass_env
def resolve_dispute(env, dispute_ref, awards, house, reason):
    """A manager's final ruling (DSP-FINAL): refused for a non-manager or a ruled dispute."""
    from rotactl.disputes import HOUSE, encode_award

    if bool(awards) == house:
        raise UsageError("give either --award PARTY=PCT (repeatable) or --house")
    reason = nonempty(reason, "--reason")
    award: dict[str, int] = {}
    for item in awards:
        party, sep, pct = item.rpartition("=")
        if not sep or not party.strip() or not pct.strip().isdigit():
            raise UsageError(f"--award {item!r}: expected PARTY=PCT, e.g. a=60")
        if party.strip() in award:
            raise UsageError(f"--award names {party.strip()} twice")
        award[party.strip()] = int(pct)
    if award and sum(award.values()) != 100:
        raise UsageError(f"the awards sum to {sum(award.values())}, not 100")
    office = env.office
    with writing_day(env) as (at, day):
        need_manager(env, day)
        found = next((d for d in _all_disputes(env, at, day.carry) if d["id"] == dispute_ref), None)
        if found is None:
            raise DomainError(f"no dispute {dispute_ref} (see `rotactl disputes --all`)")
        if found["status"] == "ruled":
            raise DomainError(f"dispute {dispute_ref} was already ruled by {found['ruling']['by']} on "
                              f"{found['ruling']['at']}; a ruling is final (DSP-FINAL)")
        parties = {c["party"] for c in found["claimants"]} | set(found["proposal"]) | {found.get("closer")}
        unknown = [p for p in award if p not in parties and p not in day.carry.roster and p != HOUSE]
        if unknown:
            raise DomainError(f"'{unknown[0]}' is not a party to {dispute_ref} "
                              f"({', '.join(sorted(p for p in parties if p))})")
        if house:
            award = {HOUSE: 100}
        written = office.write([base(env, "ruling", at, dispute=dispute_ref, phone=found["customer"],
                                     award=encode_award(award), house="1" if house else "", reason=reason,
                                     rule="DSP-FINAL")])[0]
    env.emit({"entry": written["id"], "dispute": dispute_ref, "award": award, "final": True,
              "rule": "DSP-FINAL", "proposal": found["proposal"], "proposal_rule": found["rule"]})


# -- day end, reports, integrity -----------------------------------------------------------------

@cli.command()
@click.option("--date", "date", help="Close this day (default: every unclosed day before today).")
@pass_env
def rollover(env, date):
    """Close a day: seal it, checkpoint it, carry the order (DAY-ROLLOVER). Idempotent."""
    office = env.office
    with writing(env):
        at = env.at
        through = clock.parse_day(date) if date else clock.prev_day(at[:10])
        if through >= at[:10]:
            raise DomainError(f"{through} is not over yet (it is {at[:16]})")
        closed = office.rollover(through, env.actor, at)
    env.emit({"closed": closed, "sealed_through": office.sealed(), "rule": "DAY-ROLLOVER"})


@cli.command()
@click.argument("period", type=click.Choice(["day", "week", "month"]))
@click.option("--date", "date", help="A day in the period (default: today).")
@pass_env
def report(env, period, date):
    """Per-person turns, make-ups, forfeits, passes, receptions, calls, deals, fines."""
    from rotactl.reports import report_rows

    office = env.office
    with office.store.lock(exclusive=False):
        at = env.at
        rows = report_rows(office, period, clock.parse_day(date) if date else at[:10], at)
    for row in rows:
        for share in row["shares"]:
            share["customer"] = env.mask(share["customer"])
    if env.fmt == "json":
        env.emit(rows)
        return
    env.emit(rows, ["staff", "name", "turns", "receptions", "makeups", "forfeits", "passes", "calls",
                    "deals", "conversion", "fines", "credited", "amount", "open", "penalties"])
    sheet = [share for row in rows for share in row["shares"]]
    if sheet and env.fmt == "table":
        click.echo()
        env.emit(sheet, ["staff", "at", "customer", "stage", "unit", "closer", "share", "amount", "rule",
                         "status", "dispute"], title="业绩分成 credited shares")


@cli.command()
@pass_env
def check(env):
    """Validate every ledger file, chain and checkpoint; exit 3 on any problem."""
    office = env.office
    with office.store.lock(exclusive=False):
        count, problems = office.check()
    if env.fmt == "json":
        env.emit({"ok": not problems, "entries": count, "problems": problems})
    elif not problems:
        click.echo(f"ok: {count} entries")
    if problems:
        if env.fmt != "json":
            for line in problems:
                click.echo(line, err=True)
        sys.exit(3)


@cli.command()
@click.option("--since", help="From this day on (default: today).")
@click.option("--kind", help="Only entries of this kind (visit, call, check-in, deal, …).")
@pass_env
def log(env, since, kind):
    """The entries themselves, in (time, id) order."""
    office = env.office
    with office.store.lock(exclusive=False):
        at = env.at
        start = clock.parse_day(since, "--since") if since else at[:10]
        entries = []
        for day in office.store.days(after=clock.prev_day(start)):
            entries += office.records(day)
    entries.sort(key=lambda r: (r["at"], r["id"]))
    rows = []
    for record in entries:
        if kind and record["kind"] != kind:
            continue
        row = {k: v for k, v in record.items() if k not in ("writer", "prev", "hash") and not k.startswith("_")}
        for f in ("phone", "family_of", "referred_by", "other", "mask"):
            if f in row:
                row[f] = env.mask(row[f])
        rows.append(row)
    if env.fmt == "json":
        env.emit(rows)
    else:
        shown = [{"at": r["at"][5:16], "kind": r["kind"], "staff": r.get("receiver") or r.get("staff", ""),
                  "detail": " ".join(f"{k}={v}" for k, v in r.items()
                                     if k not in ("id", "at", "kind", "actor", "staff", "receiver"))}
                 for r in rows]
        env.emit(shown, ["at", "kind", "staff", "detail"])


def main() -> None:
    cli(prog_name="rotactl")
