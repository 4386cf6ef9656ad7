"""Issue 28: the chat widget's status and poll cost a fixed number of queries whatever the
chat's length, and read the chat tables through their per-account indexes (never a scan
of every account's chats or messages)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import Chat
from chat.services.agents import chat_accept
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


def test_a_poll_with_files_reads_them_in_one_index_served_query(
    acme, acme_user, acme_agent, client_for
):
    """Files sent in a chat (chat_files): one query for every message's files, by the
    ``chatattachment_chat`` index, on both sides' polls, whatever the number of files."""
    offer_chat(acme, acme_agent)
    chat = Chat.objects.create(account=acme, visitor=acme_user)
    message_post(chat=chat, author=acme_user, body="Hello", kind="visitor")
    chat_accept(agent=acme_agent, chat=chat)

    def send(n):
        for i in range(n):
            upload = SimpleUploadedFile(f"f{i}.txt", b"text")
            message_post(chat=chat, author=acme_user, body="", kind="visitor", uploads=[upload])

    visitor, agent = client_for(acme_user), client_for(acme_agent)
    send(1)
    short = captured(visitor, f"/hc/chat/{chat.number}/?after=0")
    desk = f"/agent/chats/{chat.number}/?after=0"
    short_desk = captured(agent, desk)
    send(8)
    long = captured(visitor, f"/hc/chat/{chat.number}/?after=0")
    long_desk = captured(agent, desk)
    assert (len(long), len(long_desk)) == (len(short), len(short_desk))
    assert scanned(long + long_desk) == set()
