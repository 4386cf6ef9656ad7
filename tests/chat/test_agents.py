"""The agents' acts on chats (chat.services.agents): availability, accepting (one winner
of a race, the limit, availability required), invite, transfer, leave, end, and a chat
started from a ticket whose transcript goes into that ticket."""

import contextvars
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from chat import access, presence
from chat.models import AgentChatStatus, Chat, ChatMessage, ChatParticipant, ChatSettings
from chat.services import agents
from chat.services.core import message_post
from tests.accounts.test_roles import builtin
from tests.chat.conftest import chat_agent
from tests.factories import AgentFactory, make_ticket
from tickets.models import Comment

pytestmark = pytest.mark.django_db


def current(chat):
    return {
        (p.agent_id, p.role)
        for p in ChatParticipant.objects.for_account(chat.account).filter(
            chat=chat, left_at__isnull=True
        )
    }


def bodies(chat):
    return list(
        ChatMessage.objects.for_account(chat.account)
        .filter(chat=chat)
        .values_list("body", flat=True)
    )


def test_availability_is_for_chat_agents_only(acme, chat_group, acme_agent):
    with pytest.raises(ValidationError, match="not in a chat group"):
        agents.availability_set(agent=acme_agent, available=True)
    desk = chat_agent(acme, chat_group, available=False)
    agents.availability_set(agent=desk, available=True)
    assert AgentChatStatus.objects.for_account(acme).get(agent=desk).available


def test_a_light_agent_in_a_chat_group_takes_no_chat(acme, chat_group, queued):
    # Every chat message reaches the visitor; a light agent writes internal notes only.
    light = chat_agent(acme, chat_group, agent_role=builtin(acme, "light_agent"))
    with pytest.raises(ValidationError, match="your role, Light agent, writes internal notes"):
        agents.availability_set(agent=light, available=True)
    with pytest.raises(ValidationError, match="your role, Light agent") as refused:
        agents.chat_accept(agent=light, chat=queued)
    assert "chat group" not in str(refused.value)
    assert not ChatParticipant.objects.for_account(acme).filter(agent=light).exists()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "your role, Light agent, writes internal notes only"),
        ("it", "il tuo ruolo, Agente light, scrive solo note interne"),
        ("es", "su rol, Agente ligero, solo escribe notas internas"),
    ],
)
def test_a_light_agent_is_told_the_real_reason_in_their_language(
    acme, chat_group, queued, language, said
):
    light = chat_agent(acme, chat_group, agent_role=builtin(acme, "light_agent"))
    with translation.override(language), pytest.raises(ValidationError) as refused:
        agents.chat_accept(agent=light, chat=queued)
    assert said in refused.value.messages[0]


def test_bringing_in_a_light_agent_names_their_role(acme, chat_group, queued, desk_agent):
    light = chat_agent(acme, chat_group, agent_role=builtin(acme, "light_agent"))
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    with pytest.raises(ValidationError, match="their role, Light agent"):
        agents.chat_transfer(agent=desk_agent, chat=chat, other=light)


def test_who_takes_chats_is_one_rule_asked_of_one_agent_or_of_the_account(
    acme, chat_group, acme_admin, acme_agent, acme_user, globex_agent
):
    in_group = chat_agent(acme, chat_group)
    light = chat_agent(acme, chat_group, agent_role=builtin(acme, "light_agent"))
    gone = chat_agent(acme, chat_group, is_active=False)
    everyone = [acme_admin, acme_agent, acme_user, in_group, light, gone]
    assert {u for u in everyone if access.is_chat_agent(u)} == {acme_admin, in_group}
    assert set(access.chat_agents(acme)) == {acme_admin, in_group}
    assert access.no_chats_reason(light) is access.NoChats.ROLE
    assert access.no_chats_reason(acme_agent) is access.NoChats.NO_GROUP
    assert access.no_chats_reason(gone) is access.NoChats.NOT_AN_AGENT


def test_accepting_writes_no_settings_row_for_an_account_that_saved_none(queued, desk_agent):
    # Chat settings read as unsaved defaults until an admin saves them.
    assert not ChatSettings.objects.for_account(queued.account).exists()
    agents.chat_accept(agent=desk_agent, chat=queued)
    assert not ChatSettings.objects.for_account(queued.account).exists()


def test_accepting_makes_the_agent_owner_and_says_so(queued, desk_agent):
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    assert chat.state == Chat.State.ACTIVE and chat.accepted_at is not None
    assert current(chat) == {(desk_agent.pk, "owner")}
    assert bodies(chat) == [f"{desk_agent.name} joined the chat"]


def test_accepting_needs_the_agent_available(queued, desk_agent):
    agents.availability_set(agent=desk_agent, available=False)
    with pytest.raises(ValidationError, match="available for chat first"):
        agents.chat_accept(agent=desk_agent, chat=queued)
    queued.refresh_from_db()
    assert queued.state == Chat.State.QUEUED


def test_the_limit_refuses_one_chat_more_with_a_message(acme, acme_user, chat_group, desk_agent):
    ChatSettings.objects.create(account=acme, max_chats_per_agent=1)
    first, second = (
        Chat.objects.create(account=acme, visitor=acme_user, group=chat_group) for _ in range(2)
    )
    agents.chat_accept(agent=desk_agent, chat=first)
    with pytest.raises(ValidationError, match="already have 1 chats"):
        agents.chat_accept(agent=desk_agent, chat=second)
    # An ended chat no longer counts.
    agents.agent_end(agent=desk_agent, chat=first)
    assert agents.chat_accept(agent=desk_agent, chat=second).state == Chat.State.ACTIVE


def test_an_agent_of_another_group_may_not_accept(acme, queued):
    other = AgentFactory(account=acme)
    with pytest.raises(ValidationError):
        agents.chat_accept(agent=other, chat=queued)


def test_a_second_accept_is_told_the_chat_is_taken(acme, queued, desk_agent, chat_group):
    other = chat_agent(acme, chat_group)
    agents.chat_accept(agent=desk_agent, chat=queued)
    with pytest.raises(ValidationError, match="already accepted"):
        agents.chat_accept(agent=other, chat=queued)


@pytest.mark.django_db(transaction=True)
def test_two_agents_accepting_at_once_exactly_one_wins(acme, acme_user, chat_group):
    first = chat_agent(acme, chat_group)
    second = chat_agent(acme, chat_group)
    chat = Chat.objects.create(account=acme, visitor=acme_user, group=chat_group)
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}

    def accept(agent):
        try:
            barrier.wait(timeout=10)
            agents.chat_accept(agent=agent, chat=chat)
            results[agent.pk] = "won"
        except ValidationError as error:
            results[agent.pk] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(accept, agent))
        for agent in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == [
        "Another agent has already accepted this chat.",
        "won",
    ]
    owners = ChatParticipant.objects.for_account(acme).filter(chat=chat)
    assert owners.count() == 1
    assert bodies(chat).count(f"{owners.get().agent.name} joined the chat") == 1


def test_invite_brings_a_guest_who_may_write(acme, queued, desk_agent, chat_group):
    guest = chat_agent(acme, chat_group, name="Gail Guest")
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    agents.chat_invite(agent=desk_agent, chat=chat, other=guest)
    assert current(chat) == {(desk_agent.pk, "owner"), (guest.pk, "guest")}
    agents.agent_post(agent=guest, chat=chat, body="Hello from me too")
    assert bodies(chat)[-2:] == ["Gail Guest joined the chat", "Hello from me too"]


def test_invite_and_transfer_need_an_available_colleague(acme, queued, desk_agent, chat_group):
    away = chat_agent(acme, chat_group, available=False, name="Andy Away")
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    with pytest.raises(ValidationError, match="Andy Away is away"):
        agents.chat_invite(agent=desk_agent, chat=chat, other=away)
    with pytest.raises(ValidationError, match="Andy Away is away"):
        agents.chat_transfer(agent=desk_agent, chat=chat, other=away)
    assert current(chat) == {(desk_agent.pk, "owner")}


def test_transfer_moves_the_ownership_and_respects_the_new_agents_limit(
    acme, acme_user, queued, desk_agent, chat_group
):
    ChatSettings.objects.create(account=acme, max_chats_per_agent=1)
    busy = chat_agent(acme, chat_group, name="Bea Busy")
    other_chat = Chat.objects.create(account=acme, visitor=acme_user, group=chat_group)
    agents.chat_accept(agent=busy, chat=other_chat)
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    with pytest.raises(ValidationError, match="Bea Busy already has 1 chats"):
        agents.chat_transfer(agent=desk_agent, chat=chat, other=busy)
    free = chat_agent(acme, chat_group, name="Fred Free")
    agents.chat_transfer(agent=desk_agent, chat=chat, other=free)
    assert current(chat) == {(free.pk, "owner")}
    old = ChatParticipant.objects.for_account(acme).get(chat=chat, agent=desk_agent)
    assert old.left_at is not None
    assert bodies(chat)[-1] == f"{desk_agent.name} transferred the chat to Fred Free"
    with pytest.raises(ValidationError):
        agents.agent_post(agent=desk_agent, chat=chat, body="Still me?")


def test_a_guest_leaving_keeps_the_chat_an_owner_leaving_queues_it(
    acme, queued, desk_agent, chat_group
):
    guest = chat_agent(acme, chat_group)
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    agents.chat_invite(agent=desk_agent, chat=chat, other=guest)
    chat = agents.chat_leave(agent=guest, chat=chat)
    assert chat.state == Chat.State.ACTIVE and current(chat) == {(desk_agent.pk, "owner")}
    chat = agents.chat_leave(agent=desk_agent, chat=chat)
    assert chat.state == Chat.State.QUEUED and current(chat) == set()
    # Back in the queue: anyone of the group may take it again.
    assert agents.chat_accept(agent=guest, chat=chat).state == Chat.State.ACTIVE


def test_an_owner_leaving_with_a_guest_on_hands_it_to_the_guest(
    acme, queued, desk_agent, chat_group
):
    guest = chat_agent(acme, chat_group)
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    agents.chat_invite(agent=desk_agent, chat=chat, other=guest)
    chat = agents.chat_leave(agent=desk_agent, chat=chat)
    assert chat.state == Chat.State.ACTIVE and current(chat) == {(guest.pk, "owner")}


def test_only_an_agent_on_the_chat_may_write_or_end_it(acme, queued, desk_agent, chat_group):
    bystander = chat_agent(acme, chat_group)
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    for act in (
        lambda: agents.agent_post(agent=bystander, chat=chat, body="Hi"),
        lambda: agents.agent_end(agent=bystander, chat=chat),
    ):
        with pytest.raises(ValidationError, match="not on this chat"):
            act()
    assert agents.agent_end(agent=desk_agent, chat=chat).state == Chat.State.ENDED


def test_markers_move_forward_only_and_never_past_the_last_message(queued, desk_agent, acme_user):
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    message_post(chat=chat, author=acme_user, body="Hi", kind="visitor")
    chat = agents.agent_seen_upto(agent=desk_agent, chat=chat, delivered=99, read=2)
    assert (chat.agent_delivered_seq, chat.agent_read_seq) == (2, 2)
    chat = agents.agent_seen_upto(agent=desk_agent, chat=chat, delivered=1, read=0)
    assert (chat.agent_delivered_seq, chat.agent_read_seq) == (2, 2)


def test_typing_is_shown_to_the_other_side(queued, desk_agent):
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    agents.agent_typing(agent=desk_agent, chat=chat)
    assert presence.typing_of(chat.account_id, chat.pk, "agent") == desk_agent.name


def test_start_from_a_ticket_is_refused_while_the_requester_is_offline(acme, acme_user, desk_agent):
    ticket = make_ticket(account=acme, requester=acme_user)
    with pytest.raises(ValidationError, match="not on the help center"):
        agents.chat_start_from_ticket(agent=desk_agent, ticket=ticket)
    assert not Chat.objects.for_account(acme).exists()


def test_a_chat_started_from_a_ticket_writes_its_transcript_into_that_ticket(
    acme, acme_user, desk_agent
):
    ticket = make_ticket(account=acme, requester=acme_user)
    presence.visitor_seen(acme.pk, acme_user.pk)
    chat = agents.chat_start_from_ticket(agent=desk_agent, ticket=ticket)
    assert (chat.state, chat.started_by_agent, chat.ticket_id) == ("active", True, ticket.pk)
    assert current(chat) == {(desk_agent.pk, "owner")}
    with pytest.raises(ValidationError, match="already has a chat"):
        agents.chat_start_from_ticket(agent=desk_agent, ticket=ticket)
    agents.agent_post(agent=desk_agent, chat=chat, body="Saw your ticket, shall we chat?")
    message_post(chat=chat, author=acme_user, body="Yes please", kind="visitor")
    chat = agents.agent_end(agent=desk_agent, chat=chat)
    assert chat.ticket_id == ticket.pk
    last = Comment.objects.for_account(acme).filter(ticket=ticket).order_by("pk").last()
    assert "Saw your ticket, shall we chat?" in last.body and "Yes please" in last.body
