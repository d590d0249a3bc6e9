"""The command line (SPEC §4): the click group, its global options, and the commands, loaded lazily.

Each command lives in `rotactl.commands.<group>`; only the one being run is
imported. Refusals are one `error: …` line on stderr: exit 1 for the rules, 2
for usage, 3 for an unsound ledger (one `FILE:LINE: message` line each).
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from rotactl import __version__
from rotactl.commands._shell import Env
from rotactl.core.errors import LedgerError, RotactlError
from rotactl.ui.argv import global_options_first
from rotactl.ui.messages import os_problem as _os_problem
from rotactl.ui.messages import speaks_chinese as _speaks_chinese
from rotactl.ui.messages import translate
from rotactl.ui.messages import without_phones as _without_phones
from rotactl.ui.params import check_params

CLOSED_PIPE = 141   # 128 + SIGPIPE: what a shell reports for any tool whose reader went away

# command name -> ("module:attribute" under rotactl.commands, its one-line help), in the order `--help`
# lists them; `--help` reads the line here instead of importing every module (a test keeps them equal)
COMMANDS = {
    "init": ("day:init", '新建售楼处目录:Create an office directory with a preset policy.'),
    "staff": ("staff:staff", '人员名册:The roster: add, list, leave, suspend, penalize, fine.'),
    "check-in": ("desk:check_in", "签到:Staff arrive, in the order given; they join today's order (ORD-*)."),
    "check-out": ("desk:check_out", '离场:Leave for the day.'),
    "away": ("desk:away", '离开接待台:Leave the desk (ROT-OFFICIAL / ROT-ABSENT when the turn comes).'),
    "back": ("desk:back", '回到接待台:Return to the desk.'),
    "done": ("desk:done", '接待完毕:Finish the current reception.'),
    "pass": ("desk:pass_", '让号:The next-up passes this turn voluntarily (ROT-PASS; PEN-PASSES).'),
    "next": ("desk:next_", '轮到谁:Who is next-up and the order behind them (read-only).'),
    "board": ("board:board", '轮排大屏:A read-only floor board for the showroom TV, served over HTTP.'),
    "duty": ("desk:duty", '当日来电值班:The day\'s duty person for phone leads (`[calls] mode = "duty"`).'),
    "free-day": ("desk:free_day", '自由接待日:Manager: day D is free reception (ROT-FREE): not counted, the order untouched.'),
    "register": ("register:register", '来客登记并分配接待:Record a lead and decide who receives it, with the rule that decided.'),
    "handover": ("register:handover",
                 "认出同事客户并交还:The receiver recognised a colleague's customer and hands over (ATT-RECOGNISED)."),
    "who": ("customers:who", '客户归属:Owner, protection, channel, group and claims of a customer.'),
    "follow-up": ("customers:follow_up", "跟进:A recorded follow-up (跟进); renews the owner's protection (ATT-RENEW)."),
    "link": ("customers:link", '登记亲属关系:Record that two customers are family (ATT-FAMILY).'),
    "deal": ("customers:deal", '成交:A deal stage closed by ID (下定 / 签约 / 交房 / 退订); a refund reopens the customer.'),
    "report-in": ("customers:report_in", '分销报备:A channel agency pre-registers a customer (报备, ATT-REPORT).'),
    "claim": ("customers:claim", '提出异议:A salesperson or an agency raises a claim on a customer (异议/认出, DSP-DETECT).'),
    "reassign": ("customers:reassign",
                 '经理改派:Manager: the customer complained and asked for someone else (ATT-COMPLAINT).'),
    "disputes": ("disputes:disputes_",
                 '撞单争议:The collisions the facts show, each with a stable id, claimants, proposed split and rule.'),
    "resolve-dispute": ("disputes:resolve_dispute",
                        "经理终裁:A manager's final ruling (DSP-FINAL): refused for a non-manager or a ruled dispute."),
    "rollover": ("day:rollover", '日结:Close a day: seal it, checkpoint it, carry the order (DAY-ROLLOVER).'),
    "report": ("reports:report", '报表:Per-person turns, make-ups, forfeits, passes, receptions, calls, deals, fines.'),
    "why": ("why:why", "为什么:Explain a decision (the state, every candidate, rules, policy keys) or a customer's attribution."),
    "simulate": ("simulate:simulate", '制度试算:Replay a period under another policy file and show what would change.'),
    "check": ("day:check", '校验账本:Validate every ledger file, chain and checkpoint; exit 3 on any problem.'),
    "log": ("day:log", '流水:The entries themselves, in (time, id) order.'),
    "void": ("corrections:void", '作废:Manager: the entry stops counting everywhere; `log` still shows it, marked void.'),
    "policy": ("policy_cmd:policy", '制度设置:The office\'s policy: show it, or change one knob (manager, recorded).'),
    "accept-late": ("corrections:accept_late",
                    '接受合并:Manager: accept the entries a git merge added to closed days, from DAY on; re-seal them.'),
    "key": ("key:key",
            '办公室密钥:The office key that phones are matched and encrypted with (kept outside the repository).'),
    "migrate": ("migrate:migrate",
                '迁移账本格式:Convert an office of ledger format 1 or 2 into a new directory of format 3 and prove the '
                'replay identical.'),
}


class CheckedContext(click.Context):
    """Every command's context: before a callback runs, each of its parsed parameters is checked for
    what no text field may hold (SPEC §4.2: exit 2 naming the option), so no command can forget it."""

    def invoke(self, callback, /, *args, **kwargs):
        if not isinstance(callback, click.Command):
            check_params(self)
        return super().invoke(callback, *args, **kwargs)


def _checked(command):
    """A loaded command (and, for a group, its subcommands) parses into a `CheckedContext`."""
    command.context_class = CheckedContext
    for sub in getattr(command, "commands", {}).values():
        _checked(sub)
    return command


class RotactlGroup(click.Group):
    """Loads a command's module only when it runs; maps every refusal to one stderr line and its
    exit code; never a traceback."""

    context_class = CheckedContext

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, global_options_first(list(args)))

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name][0].split(":")
        return _checked(getattr(importlib.import_module(f"rotactl.commands.{module}"), attribute))

    def format_commands(self, ctx, formatter):
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_target, short) in COMMANDS.items()])

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
            zh = _speaks_chinese(ctx)
            click.echo(("错误:" if zh else "error: ") + _without_phones(translate(str(exc), zh)), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:   # the reader of our output went away (`| head -1`): stop quietly
            _silence_stdout()
            ctx.exit(CLOSED_PIPE)
        except OSError as exc:    # the machine refused (read-only office, full disk): not a bug
            click.echo(f"error: {_os_problem(exc)}", err=True)
            ctx.exit(1)
        except Exception as exc:  # a bug: still one line, never a traceback for a user
            click.echo(f"error: internal error ({type(exc).__name__}: {exc}); please report it", err=True)
            ctx.exit(1)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so what is still buffered is not flushed into a closed pipe at exit
    (which Python would report as "Exception ignored … BrokenPipeError")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


@click.group(cls=RotactlGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Global options may also follow the command (rotactl staff leave han --as zhou).")
@click.option("-C", "--dir", "directory", metavar="PATH",
              help="The office directory ($ROTACTL_DIR, else the nearest folder up holding rotactl.toml, else ./ledgers).")
@click.option("--at", metavar='"YYYY-MM-DD HH:MM"', help="Event time to record or evaluate at (default: now).")
@click.option("--as", "actor", metavar="ACTOR", help="Who is operating ($ROTACTL_USER, else the OS user).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--reveal", is_flag=True, help="Show full phone numbers.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Output language (default: [office] language).")
@click.option("--bom", is_flag=True, help="Start CSV with a UTF-8 BOM (always so when stdout is a file).")
@click.version_option(__version__, "-V", "--version", prog_name="rotactl")
@click.pass_context
def cli(ctx, directory, at, actor, fmt, reveal, lang, bom):
    """rotactl — 轮排与判客:who receives the next customer, and whose customer it is."""
    if at:
        from rotactl.app import clock

        clock.parse_at(at)
    ctx.obj = Env(directory, at, actor, fmt, reveal, bom, lang)


def main() -> None:
    """The console script. Output the reader stopped reading (`rotactl log | head -1`) ends the run
    quietly with exit 141, the status a shell gives any tool killed by SIGPIPE: not 0, since the
    output was cut short (`set -o pipefail` sees it), and not 1, which means a refusal here."""
    if sys.stdout is None:   # started with stdout closed (`>&-`): the work is still done, unprinted
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    try:
        cli(prog_name="rotactl")
    except SystemExit:
        try:
            sys.stdout.flush()   # a pipe closed after the last write shows here, not at interpreter exit
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(CLOSED_PIPE)
        except OSError as exc:   # e.g. a full disk under `> report.csv`
            _silence_stdout()
            click.echo(f"error: cannot write the output: {exc.strerror or exc}", err=True)
            sys.exit(1)
        raise
