"""Notification receivers on loopback, as pytest fixtures (loaded by conftest's `pytest_plugins`): `receiver`,
an HTTP server that records the JSON bodies it gets (or answers as planned, or hangs), and `mailbox`, an SMTP
server (aiosmtpd) that keeps each message."""

from __future__ import annotations

import contextlib
import email
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

TOKEN = "T0KEN-a1b2c3/XyZ-secret"


@dataclass
class Receiver:
    """What the webhook receiver got; `plan`: the statuses to answer with, in order (then 200); `hang`: hold
    every request until released."""

    url: str = ""
    bodies: list[Any] = field(default_factory=list)
    plan: list[int] = field(default_factory=list)
    hang: threading.Event | None = None
    got: threading.Event = field(default_factory=threading.Event)
    #: When each request arrived (time.monotonic), before any hanging.
    arrived: list[float] = field(default_factory=list)


@contextlib.contextmanager
def receiving(hang: bool = False) -> Iterator[Receiver]:
    """A webhook receiver on a free loopback port for the `with` block (`hang`: it holds every request)."""
    state = Receiver(hang=threading.Event() if hang else None)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            state.arrived.append(time.monotonic())
            if state.hang is not None:
                state.hang.wait(30)
            state.bodies.append(json.loads(body))
            state.got.set()
            status = state.plan.pop(0) if state.plan else 200
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/{TOKEN}"
    yield state
    if state.hang is not None:
        state.hang.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as state:
        yield state


@dataclass
class Mailbox:
    port: int
    messages: list[Message] = field(default_factory=list)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    from tests.deskkit import free_port

    box = Mailbox(free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            box.messages.append(email.message_from_bytes(envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()  # returns once the server answers on the port
    yield box
    controller.stop()
