"""The two acts both sides of a chat share: a message is a row with the chat's next seq
(the writer's markers move with it), and the end writes the transcript into a ticket
(channel chat, the visitor its requester, the agent who had the chat its assignee);
what is said after a transcript goes into the same ticket at the next end."""

import pytest
from django.core.exceptions import ValidationError

from chat.models import Chat, ChatMessage, ChatParticipant
from chat.services.core import chat_end, message_post
from tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(acme, acme_user):
    return Chat.objects.create(account=acme, visitor=acme_user)


def owned(chat, agent):
    ChatParticipant.objects.create(account=chat.account, chat=chat, agent=agent)
    Chat.objects.for_account(chat.account).filter(pk=chat.pk).update(state=Chat.State.ACTIVE)
    chat.refresh_from_db()
    return chat


def test_messages_take_the_chats_next_seq_and_move_the_writers_markers(chat, acme_user, acme_agent):
    first = message_post(chat=chat, author=acme_user, body=" Hello ", kind=ChatMessage.Kind.VISITOR)
    second = message_post(chat=chat, author=acme_agent, body="Hi!", kind=ChatMessage.Kind.AGENT)
    chat.refresh_from_db()
    assert (first.seq, second.seq, first.body) == (1, 2, "Hello")
    assert (chat.last_seq, chat.visitor_read_seq, chat.agent_read_seq) == (2, 1, 2)


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_an_empty_or_overlong_message_is_refused_with_a_message(chat, acme_user, body):
    with pytest.raises(ValidationError):
        message_post(chat=chat, author=acme_user, body=body, kind=ChatMessage.Kind.VISITOR)
    assert not ChatMessage.objects.for_account(chat.account).exists()


def test_the_end_writes_the_transcript_into_a_new_chat_ticket(
    chat, acme, acme_user, acme_agent, chat_group, desk_agent
):
    group = chat_group
    chat.group = group
    chat.save()
    owned(chat, acme_agent)
    message_post(chat=chat, author=acme_user, body="My printer is on fire", kind="visitor")
    message_post(chat=chat, author=acme_agent, body="Unplug it, please", kind="agent")
    chat = chat_end(chat=chat, actor=acme_agent)
    ticket = Ticket.objects.for_account(acme).get(pk=chat.ticket_id)
    assert (ticket.channel, ticket.requester_id, ticket.assignee_id, ticket.group_id) == (
        "chat",
        acme_user.pk,
        acme_agent.pk,
        group.pk,
    )
    (comment,) = Comment.objects.for_account(acme).filter(ticket=ticket)
    assert comment.public and comment.author_id == acme_user.pk
    assert f"{acme_user.name}: My printer is on fire" in comment.body
    assert f"{acme_agent.name}: Unplug it, please" in comment.body
    assert chat.state == Chat.State.ENDED and chat.transcribed_seq == 2


def test_a_visitor_writing_after_the_end_reopens_the_chat_and_the_next_end_appends(
    chat, acme, acme_user, acme_agent
):
    message_post(chat=chat, author=acme_user, body="First", kind="visitor")
    chat = chat_end(chat=chat, actor=acme_user)
    with pytest.raises(ValidationError):
        message_post(chat=chat, author=acme_agent, body="Too late", kind="agent")
    message_post(chat=chat, author=acme_user, body="Still there?", kind="visitor")
    chat.refresh_from_db()
    assert chat.state == Chat.State.QUEUED
    chat = chat_end(chat=chat, actor=acme_user)
    bodies = list(
        Comment.objects.for_account(acme)
        .filter(ticket_id=chat.ticket_id)
        .order_by("pk")
        .values_list("body", flat=True)
    )
    assert len(bodies) == 2
    assert "First" in bodies[0] and "Still there?" not in bodies[0]
    assert "Still there?" in bodies[1] and "First" not in bodies[1]


def test_a_chat_ending_with_no_message_makes_no_ticket(chat, acme_user):
    chat = chat_end(chat=chat, actor=acme_user)
    assert chat.ticket_id is None


def test_sending_a_message_stops_the_writers_typing_indicator(chat, acme_user):
    from chat.presence import typing_of, typing_set

    typing_set(chat.account_id, chat.pk, "visitor", acme_user.name)
    assert typing_of(chat.account_id, chat.pk, "visitor") == acme_user.name
    message_post(chat=chat, author=acme_user, body="Done typing", kind="visitor")
    assert typing_of(chat.account_id, chat.pk, "visitor") == ""
