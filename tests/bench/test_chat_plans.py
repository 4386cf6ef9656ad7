"""Issue 28: the chat widget's status and poll cost a fixed number of queries whatever the
chat's length, and read the chat tables through their per-account indexes (never a scan
of every account's chats or messages)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import Chat
from chat.services.core import message_post
from tests.chat.conftest import offer_chat

pytestmark = pytest.mark.django_db
SEQ_SCAN = re.compile(r"Seq Scan on (chat_\w+)")


def captured(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def scanned(queries) -> set[str]:
    tables = set()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in queries:
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + sql)
                tables |= set(SEQ_SCAN.findall("\n".join(r[0] for r in cursor.fetchall())))
        cursor.execute("SET LOCAL enable_seqscan = on")
    return tables


def test_status_and_poll_are_index_served_with_fixed_queries(
    acme, acme_user, acme_agent, client_for
):
    offer_chat(acme, acme_agent)
    chat = Chat.objects.create(account=acme, visitor=acme_user)
    message_post(chat=chat, author=acme_user, body="Hello", kind="visitor")
    client = client_for(acme_user)
    poll = f"/hc/chat/{chat.number}/?after=0"
    short_poll, status = captured(client, poll), captured(client, "/hc/chat/status/")
    for i in range(10):
        message_post(chat=chat, author=acme_agent, body=f"Line {i}", kind="agent")
    long_poll = captured(client, poll)
    assert len(long_poll) == len(short_poll)
    assert scanned(long_poll + status) == set()
