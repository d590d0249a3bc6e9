"""The command line (SPEC §4): the click group, its global options, and the commands, loaded lazily.

Each command lives in `rotactl.commands.<group>`; only the one being run is
imported. Refusals are one `error: …` line on stderr: exit 1 for the rules, 2
for usage, 3 for an unsound ledger (one `FILE:LINE: message` line each).
"""
from __future__ import annotations

import importlib

import click

from rotactl.commands._shell import Env
from rotactl.errors import LedgerError, RotactlError

# command name -> "module:attribute" under rotactl.commands, in the order `--help` lists them
COMMANDS = {
    "init": "day:init", "staff": "staff:staff",
    "check-in": "desk:check_in", "check-out": "desk:check_out", "away": "desk:away", "back": "desk:back",
    "done": "desk:done", "pass": "desk:pass_", "next": "desk:next_",
    "register": "register:register", "handover": "register:handover",
    "who": "customers:who", "follow-up": "customers:follow_up", "link": "customers:link", "deal": "customers:deal",
    "report-in": "customers:report_in", "claim": "customers:claim", "reassign": "customers:reassign",
    "disputes": "disputes:disputes_", "resolve-dispute": "disputes:resolve_dispute",
    "rollover": "day:rollover", "report": "reports:report", "check": "day:check", "log": "day:log",
}


class RotactlGroup(click.Group):
    """Loads a command's module only when it runs; maps every refusal to one stderr line and its
    exit code; never a traceback."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(f"rotactl.commands.{module}"), attribute)

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
        from rotactl import clock

        clock.parse_at(at)
    ctx.obj = Env(directory, at, actor, fmt, reveal)


def main() -> None:
    cli(prog_name="rotactl")
