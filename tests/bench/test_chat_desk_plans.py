"""Issue 28: the agents' chat queue reads the open chats' partial index (chat_acct_open:
account, started_at WHERE state <> 'ended'), oldest first, never the account's every
chat; and the workspace runs a fixed number of queries whatever the number of chats."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.agent_selectors import waiting_chats
from chat.models import Chat
from chat.services.agents import chat_accept
from chat.services.core import message_post
from tests.chat.conftest import chat_agent, desk_group


@pytest.fixture
def desk(acme):
    return desk_group(acme)


def test_the_queue_is_served_by_the_open_chats_index(acme, acme_user, desk):
    agent = chat_agent(acme, desk)
    for _ in range(3):
        Chat.objects.create(account=acme, visitor=acme_user, group=desk)
    queue = waiting_chats(agent).exclude(state=Chat.State.ENDED).order_by("started_at")[:50]
    with connection.cursor() as cursor:
        # A few rows here: keep the planner from the scan or sort it would not take at a
        # million rows, and see that the index answers the queue's question in order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = queue.explain()
    assert re.search(r"Index Scan using chat_acct_open", plan), plan
    assert "Sort" not in plan, plan


def test_the_workspace_reads_a_fixed_number_of_queries(client_for, acme, acme_user, desk):
    agent = chat_agent(acme, desk)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client_for(agent).get("/agent/chats/").status_code == 200
        return len(ctx.captured_queries)

    def one_more_chat():
        chat = Chat.objects.create(account=acme, visitor=acme_user, group=desk)
        chat_accept(agent=agent, chat=chat)
        message_post(chat=chat, author=acme_user, body="Hello", kind="visitor")
        Chat.objects.create(account=acme, visitor=acme_user, group=desk)  # waiting

    one_more_chat()
    first = count()
    one_more_chat()
    one_more_chat()
    chat_agent(acme, desk)  # a colleague to hand over to
    assert count() == first
