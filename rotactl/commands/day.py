"""The office and its days: `init`, `rollover`, `check`, `log`."""
from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import click

from rotactl.app import clock
from rotactl.app.create import create_office
from rotactl.app.rollover import rollover as close_days
from rotactl.commands._shell import STAFF_ID, Act, nonempty, pass_env, reads
from rotactl.core import dates, rules
from rotactl.core import policy as policy_mod
from rotactl.core.dates import day_of, minute_of
from rotactl.core.errors import DomainError, UsageError

PHONE_FIELDS = ("phone", "family_of", "referred_by", "other", "mask")
_MONEY = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--preset", default="default", show_default=True,
              help=f"One of: {', '.join(policy_mod.PRESET_NAMES)} (docs/presets.md).")
@click.option("--office-name", help="Office name written into the policy.")
@click.option("--timezone", help="IANA time zone (default Asia/Shanghai).")
@click.option("--no-git", is_flag=True, help="Do not run git init.")
@click.option("--manager", "manager", metavar="ID", help="Add this first manager to the roster (SPEC §4.1).")
@click.option("--name", "name", help="The first manager's name (with --manager).")
@click.option("--ssh-key", "ssh_key", metavar="PUBKEY", help="The first manager's SSH public key (signed entries).")
@click.option("--match-key", "match_key", metavar="FILE", type=click.Path(dir_okay=False),
              help="Take the phone matching key from this key file (a group of offices that recognise a "
                   "customer across projects); the encryption key is always this office's own.")
@pass_env
def init(env, directory, preset, office_name, timezone, no_git, manager, name, ssh_key, match_key):
    """新建售楼处目录:Create an office directory with a preset policy."""
    if bool(manager) != bool(name):
        raise UsageError("--manager and --name go together: the first manager's id and name")
    if manager and not STAFF_ID.fullmatch(manager):
        raise UsageError(f"staff id '{manager}' may not contain spaces or any of : | , ; = \\")
    create_office(directory, preset, office_name, timezone, not no_git, match_key)
    if manager:
        from rotactl.app.office import Office
        from rotactl.app.signatures import public_key
        from rotactl.core.entries import StaffAdd

        office = Office(directory)
        env.actor = manager
        with office.lock(exclusive=True):
            at = clock.parse_at(env._at) if env._at else office.floor.now()
            entry = StaffAdd(at=at, actor=manager, staff=manager, name=nonempty(name, "--name"), role="manager",
                             key=public_key(ssh_key) if ssh_key else "")
            office.writer.write([entry.replace(id=office.writer.new_id(at, entry.kind))])
    if not no_git:
        from rotactl.app.create import commit_all

        commit_all(directory, f"init: new office, preset {preset}" + (f", manager {manager}" if manager else ""))
    if env.fmt == "json":
        env.emit({"office": str(directory), "preset": preset, "manager": manager})
    else:
        click.echo(f"已创建售楼处 {directory}(预设 {preset})" if env.lang != "en"
                   else f"office created in {directory} (preset {preset})")


@click.command()
@click.option("--date", "date", help="Close this day (default: every unclosed day before today).")
@pass_env
def rollover(env, date):
    """日结:Close a day: seal it, checkpoint it, carry the order (DAY-ROLLOVER). Idempotent."""
    office = env.office
    with office.lock(exclusive=True):
        at = env.at
        Act(env, at, office.floor.day(at)).authorise()
        through = clock.parse_day(date) if date else dates.prev_day(day_of(at))
        if through >= day_of(at):
            raise DomainError(f"{through} is not over yet (it is {minute_of(at)})")
        office.writer.ready_to_commit()
        closed, paths = close_days(office, through)
        if paths:
            office.writer.commit(paths, f"rollover: closed {', '.join(closed)} by {env.actor}")
    if not closed and env.fmt == "table":
        sealed = office.floor.sealed()
        click.echo(f"没有要关闭的日期:已封存至 {sealed}" if env.zh else f"nothing to close: sealed through {sealed}")
        return
    env.emit({"closed": closed, "sealed_through": office.floor.sealed(), "rule": rules.DAY_ROLLOVER})


@click.command()
@click.option("--history", is_flag=True, help="Also check every git commit: none drops or edits a ledger line.")
@click.option("--full", is_flag=True, help="Read everything again, not only what is new since the last clean check.")
@reads
def check(env, at, history, full):
    """校验账本:Validate every ledger file, chain and checkpoint; exit 3 on any problem."""
    from rotactl.app.checking import check as run_checks

    count, problems, since, why = run_checks(env.office, history, full)
    if env.fmt == "json":
        env.emit({"ok": not problems, "entries": count, "since": since or None, "problems": problems})
    elif not problems:
        if not since:
            click.echo(f"正常:{count} 条记录" if env.zh else f"ok: {count} entries")
        else:
            click.echo(f"正常:{since} 之后的 {count} 条新记录;此前各日已校验且文件未变(全部重读:check --full)"
                       if env.zh else f"ok: {count} new entries after {since}; the days before were verified "
                       "and their files are unchanged (read everything again: check --full)")
    if problems:
        if env.fmt != "json":
            for line in problems:
                click.echo(line, err=True)
        sys.exit(3)


@click.command()
@click.option("--since", help="From this day on (default: today).")
@click.option("--kind", help="Only entries of this kind (visit, call, check-in, deal, …).")
@reads
def log(env, at, since, kind):
    """流水:The entries themselves, in (time, id) order.

    `--format csv` gives one column a field, as the ledger's day files have them (docs/ledger-format.md),
    less the chain, the numbers encrypted and the signatures; phones masked; `void` 1 for a voided entry.
    """
    from rotactl.app import log as reader
    from rotactl.ui.render import CsvText, _chunk_dumps, render_chunk

    office = env.office
    start = clock.parse_day(since, "--since") if since else day_of(at)
    voided, zh = office.floor.voided(), env.zh
    other = "其他日期: --since YYYY-MM-DD" if zh else "other days: --since YYYY-MM-DD"
    title = (f"{start} 起的记录 · {other}" if zh else f"entries from {start} · {other}") if since is None \
        else (f"{start} 起的记录" if zh else f"entries from {start}")
    days = reader.days_from(office, start)
    if env.fmt == "csv":
        env.stream((CsvText(reader.csv_of(office, day, kind, voided, env.mask)) for day in days),
                   [*reader.SHOWN, "void"])
        return
    columns = None if env.fmt == "json" else ["at", "kind", "staff", "detail"]
    dumps = _chunk_dumps() if env.fmt == "json" else None

    def one_day(day):
        """A day's entries, json or a table written out here (in a second process for a long pass)."""
        masks: dict[str, str] = {}      # a phone's shown form, once a day (a customer recurs in it)
        rows = [_log_row(env, record, voided, masks) for record in reader.records_of(office, day, kind)]
        rows = rows if env.fmt == "json" else [_shown_row(r, zh) for r in rows]
        return render_chunk(rows, env.fmt, columns, zh, dumps)

    env.stream(reader.each_day(one_day, days), columns, title=title)


class _Shown(dict):
    """Field name -> is it shown by `log` (not the chain, `after`, or a cipher); worked out once a name."""

    def __missing__(self, key: str) -> bool:
        self[key] = shown = key not in ("writer", "prev", "hash", "after") and not key.endswith("_enc")
        return shown


_SHOWN = _Shown()


def _log_row(env, record: dict, voided: set, masks: dict | None = None) -> dict:
    shown, masks = _SHOWN, {} if masks is None else masks
    row = {k: v for k, v in record.items() if shown[k]}
    if record["id"] in voided:
        row["void"] = True
    for money in ("amount", "fine"):     # yuan: exact numbers, as everywhere (SPEC §4.2)
        if money in row and _MONEY.fullmatch(row[money]):
            row[money] = Decimal(row[money])
    for f in PHONE_FIELDS:
        if f in row:
            phone = row[f]
            row[f] = masks[phone] if phone in masks else masks.setdefault(phone, env.mask(phone))
    return row


def _shown_row(r: dict, zh: bool) -> dict:
    from rotactl.ui.words import detail_key, detail_value, value_word

    void = " (作废)" if zh else " (void)"
    return {"at": r["at"][5:16], "kind": value_word("kind", r["kind"], zh) + (void if r.get("void") else ""),
            "staff": r.get("receiver") or r.get("staff", ""),
            "detail": " ".join(f"{detail_key(k, zh)}={detail_value(k, v, zh)}" for k, v in r.items()
                               if k not in ("id", "at", "kind", "actor", "staff", "receiver", "void"))}
