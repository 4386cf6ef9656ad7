"""The same isolation through Redis (channels-redis), the layer production runs: two
accounts' sockets open at once, each hearing only its own account's event."""

from __future__ import annotations

import functools
import json
import socket as sockets
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from realtime.publish import publish
from tests.realtime.conftest import ask, cookie_of, open_socket, run_async

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("test_topics")]

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_layer(settings):
    try:
        sockets.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    # Production's layer (helpdesk/settings.py with REDIS_URL set), under a prefix of
    # this test's own: nothing else on this Redis hears it.
    config = production_layer()["CONFIG"]
    config["hosts"][0]["address"] = REDIS_URL
    config["prefix"] = f"test-rt-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {"default": production_layer() | {"CONFIG": config}}
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer"
    yield layer
    # Its keys, directly: the layer's own flush() would close connections that the
    # publishing thread's loop holds (realtime.publish._Sender).
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{config['prefix']}*"):
        client.delete(key)
    client.close()


def production_layer() -> dict:
    """helpdesk/settings.py's CHANNEL_LAYERS["default"] as production reads it (a copy)."""
    return json.loads(_production_layer())


@functools.cache
def _production_layer() -> str:
    import os
    import subprocess
    import sys

    from tests.commands import ROOT

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.CHANNEL_LAYERS['default']))",
        ],
        cwd=ROOT,
        env=dict(os.environ, REDIS_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="helpdesk.settings"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_layer_outwaits_channels_redis_blocking_receive():
    # channels-redis waits for messages with BZPOPMIN for brpop_timeout (5 s); a client
    # read timeout no longer than that kills the waiting socket with 1011 now and then
    # (redis-py 8 reads with 5 s by default).
    from channels_redis.core import RedisChannelLayer

    host = production_layer()["CONFIG"]["hosts"][0]
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout
    assert production_layer()["CONFIG"]["capacity"] >= 1000


def publish_committed(account_id: int, topic: str, event: dict) -> None:
    with transaction.atomic():
        publish(account_id, topic, event)


def test_through_redis_two_accounts_sockets_each_hear_only_their_own(
    redis_layer, acme, globex, acme_agent, globex_agent, client_for
):
    acme_cookie = cookie_of(client_for(acme_agent))
    globex_cookie = cookie_of(client_for(globex_agent))

    async def scenario():
        in_acme, _ = await open_socket("acme.localhost", cookie=acme_cookie)
        in_globex, _ = await open_socket("globex.localhost", cookie=globex_cookie)
        for socket in (in_acme, in_globex):
            assert await ask(socket, {"subscribe": "rt-test:room"}) == {
                "subscribed": "rt-test:room"
            }
        await database_sync_to_async(publish_committed)(acme.pk, "rt-test:room", {"to": "a"})
        assert await in_acme.receive_json_from(timeout=5) == {
            "topic": "rt-test:room",
            "event": {"to": "a"},
        }
        assert await in_globex.receive_nothing(timeout=0.5)
        await in_acme.disconnect()
        await in_globex.disconnect()

    run_async(scenario)


def test_through_redis_signing_out_closes_that_sessions_socket(
    redis_layer, acme, acme_agent, client_for
):
    from django.urls import reverse

    from realtime.sessions import CLOSE_SESSION_ENDED
    from tests.realtime.conftest import closed_with

    client = client_for(acme_agent)
    cookie = cookie_of(client)

    async def scenario():
        socket, _ = await open_socket("acme.localhost", cookie=cookie)
        assert await ask(socket, {"subscribe": "rt-test:room"}) == {"subscribed": "rt-test:room"}
        signed_out = await database_sync_to_async(client.post)(
            reverse("accounts:logout", urlconf="helpdesk.urls_tenant")
        )
        assert signed_out.status_code == 302
        assert await closed_with(socket) == CLOSE_SESSION_ENDED

    run_async(scenario)


def test_publishing_while_redis_hangs_neither_fails_nor_waits(settings, acme):
    # The doorbell is handed to the process's sender thread: the request that published
    # returns at once (a "Redis" that accepts connections and never answers held each
    # publish for the 10 s read timeout when it was sent from the request's thread).
    import time

    hung = sockets.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(100)  # the kernel completes connections; nobody ever answers
    address = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": address, "socket_timeout": 10}]},
        }
    }
    try:
        started = time.perf_counter()
        for n in range(5):
            publish_committed(acme.pk, "rt-test:room", {"n": n})
        assert time.perf_counter() - started < 1
    finally:
        hung.close()
