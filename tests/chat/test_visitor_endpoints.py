"""The help center's chat widget, through its endpoints: a signed-in end user and an
anonymous visitor (by their session) start, write, poll and end; refusals say why; a
chat is nobody else's business (404 for another visitor, another account, an agent's
session); the offline form makes a ticket; markers and typing travel; no ticket comment
(internal notes live there) ever comes out of a poll."""

import pytest

from chat import presence
from chat.models import AgentChatStatus, Chat, ChatMessage, ChatSettings
from chat.services.core import message_post
from tests.accounts.test_roles import builtin
from tests.factories import EndUserFactory, make_ticket
from tickets.models import Comment, Ticket
from tickets.services import comment_add

pytestmark = pytest.mark.django_db

BASE = "/hc/chat/"


def start(client, body="Hello, my printer is on fire", **extra):
    return client.post(f"{BASE}start/", {"body": body, "page_url": "/hc/", **extra})


def test_a_signed_in_end_user_starts_writes_polls_and_ends(
    chat_desk, acme, acme_user, acme_agent, client_for
):
    client = client_for(acme_user)
    status = client.get(f"{BASE}status/").json()
    assert status == {
        "enabled": True,
        "open": True,
        "signed_in": True,
        "may_chat": True,
        "chats": [],
    }
    reply = start(client)
    assert reply.status_code == 200
    number = reply.json()["chat"]
    chat = Chat.objects.for_account(acme).get(number=number)
    assert (chat.visitor_id, chat.group_id, chat.state) == (acme_user.pk, chat_desk.pk, "queued")
    assert client.post(f"{BASE}{number}/post/", {"body": "Still there?"}).json() == {"seq": 2}
    message_post(chat=chat, author=acme_agent, body="Unplug it", kind="agent")
    polled = client.get(f"{BASE}{number}/?after=1").json()
    assert [(m["seq"], m["kind"], m["author"], m["body"]) for m in polled["messages"]] == [
        (2, "visitor", acme_user.name, "Still there?"),
        (3, "agent", acme_agent.name, "Unplug it"),
    ]
    assert client.get(f"{BASE}status/").json()["chats"] == [number]
    assert client.post(f"{BASE}{number}/end/").json()["state"] == "ended"
    chat.refresh_from_db()
    ticket = Ticket.objects.for_account(acme).get(pk=chat.ticket_id)
    assert ticket.channel == "chat" and ticket.requester_id == acme_user.pk
    assert presence.visitor_online(acme.pk, acme_user.pk)


def test_an_anonymous_visitor_chats_by_their_session_only(anonymous_chat_desk, acme, client_for):
    client = client_for(account=acme)
    reply = start(client, name="Vera Visitor", email="vera@visitor.example")
    number = reply.json()["chat"]
    chat = Chat.objects.for_account(acme).select_related("visitor").get(number=number)
    assert (chat.visitor.email, chat.visitor.name, chat.visitor_signed_in) == (
        "vera@visitor.example",
        "Vera Visitor",
        False,
    )
    assert client.get(f"{BASE}{number}/").json()["messages"][0]["body"].startswith("Hello")
    assert client.get(f"{BASE}status/").json()["chats"] == [number]
    # Another browser giving the same address follows nothing of hers.
    other = client_for(account=acme)
    assert other.get(f"{BASE}{number}/").status_code == 404
    assert other.post(f"{BASE}{number}/post/", {"body": "hi"}).status_code == 404
    # Nor does the end user that address names, once signed in.
    assert client_for(chat.visitor).get(f"{BASE}{number}/").status_code == 404


@pytest.mark.parametrize(
    "anonymous, fields, field",
    [
        (True, {"name": "", "email": "vera@visitor.example"}, "name"),
        (True, {"name": "Vera", "email": "not-an-email"}, "email"),
        (True, {"name": "Ada", "email": "admin@acme.example"}, "email"),
    ],
)
def test_an_anonymous_visitor_gives_a_name_and_a_valid_email_of_their_own(
    acme, acme_agent, acme_admin, client_for, anonymous, fields, field
):
    from tests.chat.conftest import offer_chat

    offer_chat(acme, acme_agent, anonymous=anonymous)
    reply = start(client_for(account=acme), **fields)
    assert reply.status_code == 400
    assert field in reply.json()["errors"]
    assert not Chat.objects.for_account(acme).exists()


def test_refused_with_a_clear_message_when_disabled_offline_or_anonymous_not_allowed(
    chat_desk, acme, acme_user, acme_agent, client_for
):
    anonymous = start(client_for(account=acme), name="Vera", email="vera@visitor.example")
    assert anonymous.status_code == 400
    assert anonymous.json()["message"] == "Please sign in to chat with us."
    AgentChatStatus.objects.for_account(acme).update(available=False)
    offline = start(client_for(acme_user))
    assert offline.status_code == 400 and "Leave us a message" in offline.json()["message"]
    assert client_for(acme_user).get(f"{BASE}status/").json()["open"] is False
    ChatSettings.objects.for_account(acme).update(enabled=False)
    disabled = start(client_for(acme_user))
    assert disabled.json()["message"] == "Live chat is not offered here."
    assert not Chat.objects.for_account(acme).exists()


def test_an_available_agent_made_light_agent_since_keeps_chat_closed(
    chat_desk, acme, acme_user, desk_agent, client_for
):
    # Available when they could take chats; their role changed since: nobody answers.
    assert client_for(acme_user).get(f"{BASE}status/").json()["open"] is True
    desk_agent.agent_role = builtin(acme, "light_agent")
    desk_agent.save()
    assert client_for(acme_user).get(f"{BASE}status/").json()["open"] is False
    offline = start(client_for(acme_user))
    assert offline.status_code == 400 and "Leave us a message" in offline.json()["message"]


def test_outside_business_hours_chat_is_offline(chat_desk, acme, acme_user, client_for):
    from servicelevels.services import schedule_create

    # Open no day of the week: always outside business hours.
    schedule = schedule_create(account=acme, name="Never", time_zone="UTC", weekly=[[]] * 7)
    ChatSettings.objects.for_account(acme).update(schedule=schedule)
    assert client_for(acme_user).get(f"{BASE}status/").json()["open"] is False
    assert start(client_for(acme_user)).status_code == 400


def test_another_end_user_another_account_and_agents_get_404(
    chat_desk, acme, acme_user, acme_agent, globex, globex_user, client_for
):
    number = start(client_for(acme_user)).json()["chat"]
    stranger = EndUserFactory(account=acme, email="stranger@customer.example")
    for client in (client_for(stranger), client_for(globex_user), client_for(acme_agent)):
        assert client.get(f"{BASE}{number}/").status_code == 404
        for action in ("post", "typing", "read", "end"):
            assert client.post(f"{BASE}{number}/{action}/", {"body": "x"}).status_code == 404
    assert Chat.objects.for_account(acme).get(number=number).last_seq == 1


def test_leave_a_message_creates_a_chat_ticket(anonymous_chat_desk, acme, client_for):
    AgentChatStatus.objects.for_account(acme).update(available=False)
    client = client_for(account=acme)
    empty = client.post(f"{BASE}message/", {"name": "Vera", "email": "vera@visitor.example"})
    assert empty.status_code == 400 and "body" in empty.json()["errors"]
    reply = client.post(
        f"{BASE}message/",
        {"name": "Vera", "email": "vera@visitor.example", "body": "Call me back, please"},
    )
    assert reply.status_code == 200
    ticket = Ticket.objects.for_account(acme).select_related("requester").get()
    assert (ticket.channel, ticket.requester.email) == ("chat", "vera@visitor.example")
    assert ticket.subject == "Message from Vera"


def test_markers_delivered_and_read_travel_both_ways(
    chat_desk, acme, acme_user, acme_agent, client_for
):
    client = client_for(acme_user)
    number = start(client).json()["chat"]
    chat = Chat.objects.for_account(acme).get(number=number)
    message_post(chat=chat, author=acme_agent, body="Hi", kind="agent")
    client.get(f"{BASE}{number}/?after=1")
    chat.refresh_from_db()
    assert (chat.visitor_delivered_seq, chat.visitor_read_seq) == (1, 1)  # a GET writes nothing
    delivered = client.post(f"{BASE}{number}/read/", {"seq": "2", "shown": "0"}).json()
    assert delivered == {"delivered": 2, "read": 1}
    # Never past the last message, never backwards.
    assert client.post(f"{BASE}{number}/read/", {"seq": "99"}).json() == {"delivered": 2, "read": 2}
    assert client.post(f"{BASE}{number}/read/", {"seq": "1"}).json() == {"delivered": 2, "read": 2}
    Chat.objects.for_account(acme).filter(pk=chat.pk).update(
        agent_delivered_seq=2, agent_read_seq=2
    )
    client.post(f"{BASE}{number}/post/", {"body": "Thanks"})
    markers = client.get(f"{BASE}{number}/?after=3").json()["markers"]
    assert markers == {"last_seq": 3, "delivered": 2, "read": 2}


def test_typing_shows_to_the_other_side(chat_desk, acme, acme_user, client_for):
    client = client_for(acme_user)
    number = start(client).json()["chat"]
    chat = Chat.objects.for_account(acme).get(number=number)
    assert client.post(f"{BASE}{number}/typing/").status_code == 200
    assert presence.typing_of(acme.pk, chat.pk, "visitor") == acme_user.name
    presence.typing_set(acme.pk, chat.pk, "agent", "Alan Agent")
    assert client.get(f"{BASE}{number}/").json()["typing"] == "Alan Agent"


def test_the_poll_never_returns_a_ticket_comment(
    chat_desk, acme, acme_user, acme_agent, client_for
):
    client = client_for(acme_user)
    number = start(client).json()["chat"]
    chat = Chat.objects.for_account(acme).get(number=number)
    ticket = make_ticket(account=acme, requester=acme_user)
    Chat.objects.for_account(acme).filter(pk=chat.pk).update(ticket=ticket)
    comment_add(ticket=ticket, author=acme_agent, body="SECRET internal note", public=False)
    assert Comment.objects.for_account(acme).filter(body="SECRET internal note").exists()
    assert b"SECRET" not in client.get(f"{BASE}{number}/").content
    assert ChatMessage.objects.for_account(acme).count() == 1


def test_a_chat_an_agent_started_shows_in_the_visitors_widget(
    chat_desk, acme, acme_user, acme_agent, client_for
):
    chat = Chat.objects.create(account=acme, visitor=acme_user, started_by_agent=True)
    message_post(chat=chat, author=acme_agent, body="Can we chat?", kind="agent")
    client = client_for(acme_user)
    assert client.get(f"{BASE}status/").json()["chats"] == [chat.number]
    assert client.get(f"{BASE}{chat.number}/").json()["started_by_agent"] is True


def test_posts_need_the_csrf_token(chat_desk, acme, acme_user):
    from tests.conftest import TenantClient

    client = TenantClient(acme, enforce_csrf_checks=True)
    client.force_login(acme_user)
    assert client.post(f"{BASE}start/", {"body": "Hi"}).status_code == 403


def test_an_anonymous_client_starting_too_many_chats_is_asked_to_wait(
    anonymous_chat_desk, acme, acme_user, client_for
):
    client = client_for(account=acme)
    for n in range(5):
        reply = client.post(
            f"{BASE}message/", {"name": "Vera", "email": "vera@visitor.example", "body": f"#{n}"}
        )
        assert reply.status_code == 200
    refused = start(client, name="Vera Visitor", email="vera@visitor.example")
    assert refused.status_code == 429
    assert "try again in a few minutes" in refused.json()["message"]
    assert Ticket.objects.for_account(acme).count() == 5
    assert not Chat.objects.for_account(acme).exists()
    # A signed-in end user is someone the account knows: not counted.
    assert start(client_for(acme_user)).status_code == 200
