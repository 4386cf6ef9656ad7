"""Sockets against the real ASGI application (helpdesk.asgi) and the real database: a
socket is opened with a host, an Origin and the session cookie a signed-in test client
got, as a browser's would be."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections

from realtime import topics

PATH = "/ws/realtime/"


def run_async(scenario, *args):
    """Run an async scenario to its end from a test, in a thread of its own.

    Not in the test's thread: once a browser test has run in the same worker,
    Playwright's sync API leaves an event loop running there, and async_to_sync refuses
    to start under a running loop. The sockets' tests use committed data
    (``transaction=True``), so the thread's own database connection sees it; it is
    closed before the thread ends."""

    def in_thread():
        try:
            return async_to_sync(scenario)(*args)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()


def cookie_of(client) -> str:
    """The session cookie a (signed-in) test client holds, as a Cookie header."""
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return f"{settings.SESSION_COOKIE_NAME}={morsel.value}" if morsel else ""


async def open_socket(host: str, *, cookie: str = "", origin: str | None = None):
    """(communicator, connected, close code or None) for a socket opened on ``host``."""
    from helpdesk.asgi import application

    headers = [(b"host", host.encode())]
    origin = f"http://{host}" if origin is None else origin
    if origin:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, PATH, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected


async def closed_with(communicator) -> int | None:
    """The close code the server sent (None: still open)."""
    output = await communicator.receive_output(timeout=3)
    assert output["type"] == "websocket.close", output
    return output.get("code")


async def ask(communicator, message: dict) -> dict:
    await communicator.send_json_to(message)
    return await communicator.receive_json_from(timeout=3)


@pytest.fixture
def test_topics(monkeypatch):
    """Topics of the tests' own, on a copy of the registry the test leaves behind:
    ``rt-test:<rest>`` for signed-in users of the account (rest "denied": nobody);
    ``rt-agents`` for agents only; ``rt-visitor:<rest>`` for anyone, anonymous included,
    whose session holds ``rest`` under "rt_visits"."""
    monkeypatch.setattr(topics, "_RULES", dict(topics._RULES))
    topics.register("rt-test", lambda subscriber, rest: rest != "denied")
    topics.register("rt-agents", lambda subscriber, rest: subscriber.user.is_agent)
    topics.register(
        "rt-visitor",
        lambda subscriber, rest: rest in subscriber.session.get("rt_visits", []),
        anonymous=True,
    )
