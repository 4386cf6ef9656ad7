"""The page's one socket: subscribes to topics, forwards their events.

The protocol, JSON text frames both ways:

- ``{"subscribe": "<topic>"}`` → ``{"subscribed": "<topic>"}`` or ``{"refused": "<topic>"}``
  (not registered, not allowed — ``realtime.topics`` decides —, or past
  ``MAX_TOPICS`` on this socket);
- ``{"unsubscribe": "<topic>"}`` → ``{"unsubscribed": "<topic>"}``;
- ``{"ping": <anything>}`` → ``{"pong": <the same>}``: the client's keepalive, so that
  proxies (nginx's 60 s read timeout) do not close a quiet socket;
- an event published on a subscribed topic → ``{"topic": "<topic>", "event": {...}}``.

A message that is not JSON, or not an object, answers ``{"error": "bad message"}``; one
larger than ``MAX_MESSAGE`` closes the socket (1009). A socket whose host names no
account closes at once with 4404, one opened by a page of another host with 4403
(``realtime.connection``); the client does not reconnect after either.

A socket hears no longer than its session lasts. A signed-in user's socket closes with
4001 when its session ends (``realtime.sessions`` rings it: sign-out, a session revoked,
a password changed elsewhere); the client reconnects with the cookie it has now. And
when a doorbell rings on a topic last checked more than ``RECHECK_EVERY`` ago, the
socket's user is read again from its session store and the topic's rule asked again
before the event goes out: a session that ended without a bell closes the socket, a
topic the user may no longer hear (moved out of a group) is dropped (``{"refused": …}``).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from accounts.dbsession import account_context
from realtime.connection import user_now
from realtime.publish import group_name
from realtime.sessions import CLOSE_SESSION_ENDED, session_group
from realtime.topics import may_subscribe, valid_topic

logger = logging.getLogger(__name__)

MAX_TOPICS = 50
MAX_MESSAGE = 4096  # characters; a subscription is under 250
CLOSE_TOO_BIG = 1009
CLOSE_UNAVAILABLE = 1011  # the channel layer failed: the client reconnects later
# Seconds a topic's permission holds before a doorbell on it asks again: at most one
# session read, one user read and the rule's queries per topic and socket in that time,
# however busy the topic (a typing chat rings several times a second).
RECHECK_EVERY = 30.0


class RealtimeConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.account = self.scope.get("account")
        self.topics: set[str] = set()
        self.checked: dict[str, float] = {}  # topic -> when its rule last said yes
        self.session_group: str | None = None
        self.ended = False
        # Accepted, then closed with a code the client understands, rather than a
        # refused handshake the browser reports as a bare network error.
        await self.accept()
        if self.account is None:
            await self.close(code=self.scope.get("realtime_refusal") or 4404)
        elif self.scope["user"].is_authenticated:
            await self._join_session_group()

    async def disconnect(self, code: int) -> None:
        await self._leave_all()

    async def _join_session_group(self) -> None:
        key = getattr(self.scope.get("session"), "session_key", None)
        if not key:
            return
        try:
            await self.channel_layer.group_add(session_group(key), self.channel_name)
        except Exception:  # noqa: BLE001 - the doorbells' re-check still ends it
            logger.warning("Realtime session group failed", exc_info=True)
            return
        self.session_group = session_group(key)

    async def _leave_all(self) -> None:
        for topic in list(getattr(self, "topics", ())):
            await self._leave(topic)
        group, self.session_group = getattr(self, "session_group", None), None
        if group is not None:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # noqa: BLE001 - the group expires on its own
                logger.warning("Realtime session group discard failed", exc_info=True)

    async def realtime_session_ended(self, message: dict[str, Any]) -> None:
        """The session this socket was opened under ended (``realtime.sessions``)."""
        await self._session_ended()

    async def _session_ended(self) -> None:
        if self.ended:  # a sign-out rings twice: the signal and the session's row
            return
        self.ended = True
        # Nothing more for this socket, before the close reaches the client.
        await self._leave_all()
        await self.close(code=CLOSE_SESSION_ENDED)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.account is None:
            return
        if text_data is None or len(text_data) > MAX_MESSAGE:
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            await self._send({"error": "bad message"})
        elif "ping" in message:
            await self._send({"pong": message["ping"]})
        elif "subscribe" in message:
            await self._subscribe(message["subscribe"])
        elif "unsubscribe" in message:
            await self._unsubscribe(message["unsubscribe"])
        else:
            await self._send({"error": "bad message"})

    async def realtime_event(self, message: dict[str, Any]) -> None:
        """An event from ``realtime.publish``, for one of this socket's groups."""
        topic = message.get("topic")
        if topic in self.topics and await self._still_allowed(topic):
            await self._send({"topic": topic, "event": message.get("event")})

    async def _still_allowed(self, topic: str) -> bool:
        if time.monotonic() - self.checked.get(topic, 0.0) < RECHECK_EVERY:
            return True
        was = self.scope["user"]
        user, session = await user_now(self.scope)
        if was.is_authenticated and user.pk != was.pk:
            await self._session_ended()
            return False
        self.scope["user"], self.scope["session"] = user, session
        if not await self._may_subscribe(topic):
            await self._leave(topic)
            await self._send({"refused": topic})
            return False
        self.checked[topic] = time.monotonic()
        return True

    async def _subscribe(self, topic: Any) -> None:
        if not valid_topic(topic):
            await self._send({"refused": topic if isinstance(topic, str) else None})
            return
        if topic in self.topics:
            await self._send({"subscribed": topic})
            return
        if len(self.topics) >= MAX_TOPICS or not await self._may_subscribe(topic):
            await self._send({"refused": topic})
            return
        try:
            await self.channel_layer.group_add(
                group_name(self.account.pk, topic), self.channel_name
            )
        except Exception:  # noqa: BLE001 - Redis away: the client polls and reconnects later
            logger.warning("Realtime subscription to %s failed", topic, exc_info=True)
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        self.topics.add(topic)
        self.checked[topic] = time.monotonic()
        await self._send({"subscribed": topic})

    async def _unsubscribe(self, topic: Any) -> None:
        if isinstance(topic, str) and topic in self.topics:
            await self._leave(topic)
        await self._send({"unsubscribed": topic if isinstance(topic, str) else None})

    async def _leave(self, topic: str) -> None:
        self.topics.discard(topic)
        self.checked.pop(topic, None)
        try:
            await self.channel_layer.group_discard(
                group_name(self.account.pk, topic), self.channel_name
            )
        except Exception:  # noqa: BLE001 - the group expires on its own (channels_redis)
            logger.warning("Realtime unsubscription from %s failed", topic, exc_info=True)

    @database_sync_to_async
    def _may_subscribe(self, topic: str) -> bool:
        # A rule may read rows: with the socket's account set, as a page's request is.
        with account_context(self.account):
            return may_subscribe(
                self.scope["user"], self.account, topic, session=self.scope.get("session")
            )

    async def _send(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(message, separators=(",", ":")))
