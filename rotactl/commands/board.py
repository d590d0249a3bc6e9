"""`board`: the read-only floor board (轮排大屏) for a showroom screen, served over HTTP.

The server is the standard library's `http.server.ThreadingHTTPServer`: one page, one JSON route and
no write path need no framework, and a new dependency would be one more thing to install on the
front-desk PC. Routes: `/` the page (`rotactl/board.html`, self-contained: the showroom has no
internet), `/state.json` the state (`core.board.board_state`); anything else is 404, any method but
GET and HEAD 405. The page polls `/state.json` every 1.5 s.

Every request opens the office afresh and reads it under the shared lock, as `next` does (the last
checkpoint and the open days, never the phone index or the history), so the board follows the desk's
writes and a policy change without a restart, and never holds the lock between requests.

The board's clock is the office's clock. With `--at`, it starts at that moment and runs on from
there: a frozen moment would never show what the desk records after it (tests, demos of a past day).
"""
from __future__ import annotations

import datetime as dt
import json
import signal
import socket
import socketserver
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import click

from rotactl.app import clock
from rotactl.commands._shell import Env, pass_env
from rotactl.core.dates import day_of
from rotactl.core.errors import DomainError, LedgerError, RotactlError
from rotactl.ui.messages import translate, without_phones

POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
          "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class BoardClock:
    """Now at the office, or, with `--at`, that moment plus the time since the board started."""

    def __init__(self, at: str | None):
        self.start = dt.datetime.fromisoformat(clock.parse_at(at)) if at else None
        self.began = time.monotonic()

    def now(self, office) -> str:
        if self.start is None:
            return office.floor.now()
        return (self.start + dt.timedelta(seconds=time.monotonic() - self.began)).strftime("%Y-%m-%d %H:%M:%S")


def read_state(env: Env, board_clock: BoardClock) -> dict:
    """The board's state now: the office opened afresh, read under the shared lock."""
    from rotactl.app.office import Office
    from rotactl.core.board import board_state

    office = Office(env.directory)
    with office.lock(exclusive=False):
        at = board_clock.now(office)
        day = office.floor.day(at)
        entries = [e for e in office.floor.entries(day_of(at)) if e.at <= at]
    state = board_state(day, entries, at, office.policy.office.name)
    state["lang"] = env.lang or office.policy.office.language
    return state


def failed_state(env: Env, exc: Exception) -> dict:
    """What the page shows when the office cannot be read: one line, never a traceback."""
    zh = (env.lang or "zh") == "zh"
    if isinstance(exc, LedgerError):
        text = "; ".join(exc.problems)
    elif isinstance(exc, OSError):
        text = f"{str(exc.filename) + ': ' if exc.filename else ''}{exc.strerror or exc}"
    elif isinstance(exc, RotactlError):
        text = translate(str(exc), zh)
    else:
        text = f"internal error ({type(exc).__name__}: {exc})"
    return {"error": without_phones(text), "lang": env.lang or "zh"}


def page() -> bytes:
    from importlib.resources import files

    return files("rotactl").joinpath("board.html").read_bytes()


class BoardHandler(BaseHTTPRequestHandler):
    """GET and HEAD of `/` and `/state.json`; 404 for other paths, 405 for every other method."""

    server_version = "rotactl-board"

    def version_string(self):
        return self.server_version

    def do_GET(self):
        self._answer(with_body=True)

    def do_HEAD(self):
        self._answer(with_body=False)

    def __getattr__(self, name):
        if name.startswith("do_"):          # POST, PUT, DELETE, or any other method: no write path
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self):
        self._send(405, "text/plain; charset=utf-8", "405 只读大屏 (read-only): GET/HEAD only\n".encode(),
                   True, {"Allow": "GET, HEAD"})

    def _answer(self, with_body: bool):
        path = urlsplit(self.path).path
        if path == "/":
            self._send(200, "text/html; charset=utf-8", self.server.page, with_body)
        elif path == "/state.json":
            try:
                status, state = 200, read_state(self.server.env, self.server.clock)
            except Exception as exc:        # noqa: BLE001 - the page shows it and keeps polling
                status, state = 503, failed_state(self.server.env, exc)
            text = without_phones(json.dumps(state, ensure_ascii=False))   # a last guard: no number leaves
            self._send(status, "application/json; charset=utf-8", text.encode(), with_body)
        else:
            self._send(404, "text/plain; charset=utf-8", b"404 not found\n", with_body)

    def _send(self, status: int, kind: str, body: bytes, with_body: bool, extra: dict | None = None):
        self.send_response(status)
        for name, value in {"Content-Type": kind, "Content-Length": str(len(body)), "Cache-Control": "no-store",
                            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                            "Content-Security-Policy": POLICY, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format, *args):   # noqa: A002 - a screen polls every 1.5 s: no line per request
        pass


class BoardServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, env: Env, board_clock: BoardClock):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.env, self.clock, self.page = env, board_clock, page()
        super().__init__((host, port), BoardHandler)

    def server_bind(self):
        """Bind without `HTTPServer`'s reverse DNS lookup of the host (slow or hanging on a shop's LAN)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def handle_error(self, request, client_address):
        """A screen that went away mid-answer (a closed tab, a TV switched off) is routine: no traceback."""


def _stop(_signum, _frame):
    raise KeyboardInterrupt


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="The port (0: any free port; the URL is printed).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; 0.0.0.0 for a TV elsewhere on the LAN.")
@pass_env
def board(env, port, host):
    """轮排大屏:A read-only floor board for the showroom TV, served over HTTP."""
    board_clock = BoardClock(env._at)
    read_state(env, board_clock)            # a missing office or an unsound ledger: refused before serving
    zh = env.zh
    try:
        server = BoardServer(host, port, env, board_clock)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DomainError(f"无法在 {host}:{port} 提供大屏:{reason}(换一个 --port)" if zh
                          else f"cannot serve the board on {host}:{port}: {reason} (choose another --port)") from None
    bound = server.server_address[1]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{bound}/"
    previous = signal.signal(signal.SIGTERM, _stop)
    try:                                    # from here on Ctrl-C and SIGTERM stop the board with exit 0
        if env.fmt == "json":
            click.echo(json.dumps({"url": url, "host": host, "port": bound}))
        else:
            click.echo(f"轮排大屏 {url} (只读;Ctrl-C 停止)" if zh
                       else f"floor board at {url} (read-only; Ctrl-C stops)")
        sys.stdout.flush()
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
