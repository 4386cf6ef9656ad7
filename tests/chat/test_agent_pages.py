"""The agents' chat pages: the workspace, its polling endpoints and buttons, the top
bar's toggle and the ticket page's "Start chat". Agents of the chat's groups only: an
agent of another group, an end user and another account's people get 404."""

import pytest
from django.urls import reverse as _reverse

from chat import presence
from chat.models import AgentChatStatus, Chat
from chat.services import agents
from chat.services.core import message_post
from tests.accounts.test_roles import builtin
from tests.chat.conftest import chat_agent
from tests.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db


def reverse(name, args=()):
    return _reverse(name, args=args, urlconf="helpdesk.urls_tenant")


JSON = {"HTTP_ACCEPT": "application/json"}

CHAT_URLS = ["chat_poll", "accept", "post", "typing", "seen", "invite", "transfer", "leave", "end"]


def url(name, chat=None):
    return reverse(f"chatdesk:{name}", args=[chat.number] if chat is not None else [])


def test_the_workspace_lists_the_queue_and_the_agents_chats(
    client_for, acme, acme_user, queued, desk_agent, chat_group
):
    running = Chat.objects.create(account=acme, visitor=acme_user, group=chat_group)
    agents.chat_accept(agent=desk_agent, chat=running)
    message_post(chat=running, author=acme_user, body="My <b>printer</b>", kind="visitor")
    page = client_for(desk_agent).get(url("workspace"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("chatdesk:accept", args=[queued.number]) in html
    assert f'id="chat-{running.number}"' in html
    assert "My &lt;b&gt;printer&lt;/b&gt;" in html


def test_accepting_from_the_page_and_a_second_agent_told_it_is_taken(
    client_for, acme, queued, desk_agent, chat_group
):
    other = chat_agent(acme, chat_group)
    assert client_for(desk_agent).post(url("accept", queued)).status_code == 302
    answer = client_for(other).post(url("accept", queued), **JSON)
    assert answer.status_code == 400
    assert answer.json()["message"] == "Another agent has already accepted this chat."


def test_a_light_agent_in_a_chat_group_gets_404_on_a_waiting_chat_and_is_told_why(
    client_for, acme, queued, chat_group
):
    # A waiting chat is for whoever may take it (chat.access.agent_may_see asks
    # no_chats_reason): a light agent in its group may not open it, hear it or accept
    # it, as the queue lists it not for them; the workspace tells them why.
    light = chat_agent(acme, chat_group, agent_role=builtin(acme, "light_agent"))
    client = client_for(light)
    for name in CHAT_URLS:
        method = client.get if name == "chat_poll" else client.post
        assert method(url(name, queued), **JSON).status_code == 404, name
    page = client.get(url("workspace")).content.decode()
    assert "your role, Light agent" in page
    assert "not in a chat group" not in page


def test_the_limit_refusal_reaches_the_page_as_a_message(
    client_for, acme, acme_user, queued, desk_agent, chat_group
):
    from chat.models import ChatSettings

    ChatSettings.objects.create(account=acme, max_chats_per_agent=1)
    agents.chat_accept(agent=desk_agent, chat=queued)
    second = Chat.objects.create(account=acme, visitor=acme_user, group=chat_group)
    page = client_for(desk_agent).post(url("accept", second), follow=True)
    assert "You already have 1 chats" in page.content.decode()


def test_polling_after_a_seq_gives_only_the_newer_messages_and_the_markers(
    client_for, acme_user, queued, desk_agent
):
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    agents.agent_post(agent=desk_agent, chat=chat, body="Hello")
    message_post(chat=chat, author=acme_user, body="Hi there", kind="visitor")
    presence.typing_set(chat.account_id, chat.pk, "visitor", acme_user.name)
    data = client_for(desk_agent).get(url("chat_poll", chat) + "?after=2", **JSON).json()
    assert [m["body"] for m in data["messages"]] == ["Hi there"]
    assert (data["last_seq"], data["visitor_read"], data["typing"]) == (3, 3, acme_user.name)
    bad = client_for(desk_agent).get(url("chat_poll", chat) + "?after=nope", **JSON)
    assert bad.status_code == 200 and len(bad.json()["messages"]) == 3


def test_reply_invite_transfer_and_end_from_the_page(
    client_for, acme, queued, desk_agent, chat_group
):
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    other = chat_agent(acme, chat_group, name="Olga Other")
    client = client_for(desk_agent)
    assert client.post(url("post", chat), {"body": "On it"}, **JSON).json()["ok"]
    empty = client.post(url("post", chat), {"body": "  "}, **JSON)
    assert empty.status_code == 400 and empty.json()["message"] == "Write a message first."
    page = client.get(url("workspace")).content.decode()
    assert f'<option value="{other.number}">Olga Other</option>' in page
    assert client.post(url("transfer", chat), {"agent": other.number}, **JSON).json()["ok"]
    late = client.post(url("post", chat), {"body": "Me?"}, **JSON)
    assert late.status_code == 400 and late.json()["message"] == "You are not on this chat."
    answer = client_for(other).post(url("end", chat), follow=True)
    assert "its transcript is in the ticket" in answer.content.decode()
    chat.refresh_from_db()
    assert chat.state == Chat.State.ENDED and chat.ticket_id is not None


def test_a_bad_colleague_number_is_a_message(client_for, queued, desk_agent):
    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    answer = client_for(desk_agent).post(url("invite", chat), {"agent": "x"}, **JSON)
    assert answer.status_code == 400 and answer.json()["message"] == "Choose an available agent."


def test_an_agent_of_another_group_cannot_see_the_queued_chat(client_for, acme, queued):
    other = AgentFactory(account=acme)
    client = client_for(other)
    assert (
        reverse("chatdesk:accept", args=[queued.number])
        not in client.get(url("workspace")).content.decode()
    )
    for name in CHAT_URLS:
        method = client.get if name == "chat_poll" else client.post
        assert method(url(name, queued)).status_code == 404, name


@pytest.mark.parametrize("who", ["end_user", "globex_agent"])
def test_end_users_and_other_accounts_get_404_on_every_agent_chat_url(
    client_for, acme_user, globex_agent, queued, desk_agent, who
):
    client = client_for(acme_user if who == "end_user" else globex_agent)
    for name in CHAT_URLS:
        method = client.get if name == "chat_poll" else client.post
        assert method(url(name, queued)).status_code == 404, name
    if who == "end_user":  # (globex's agent has a workspace of their own)
        for name in ("workspace", "queue", "availability"):
            assert client.get(url(name)).status_code == 404, name
    ticket = make_ticket(account=queued.account, requester=acme_user)
    answer = client.post(reverse("chatdesk:start_from_ticket", args=[ticket.number]))
    assert answer.status_code == 404


def test_the_top_bar_toggle_sets_availability_and_shows_the_waiting_count(
    client_for, acme, queued, desk_agent
):
    client = client_for(desk_agent)
    bar = client.get(url("availability")).content.decode()
    assert "Available for chat" in bar and 'chat-waiting"' in bar
    client.post(url("availability"), {"available": "0"}, HTTP_HX_REQUEST="true")
    assert not AgentChatStatus.objects.for_account(acme).get(agent=desk_agent).available
    # An agent outside the chat groups gets an empty bar, and cannot set it.
    outsider = client_for(AgentFactory(account=acme))
    assert "Available for chat" not in outsider.get(url("availability")).content.decode()
    assert outsider.post(url("availability"), {"available": "1"}, **JSON).status_code == 400


def test_start_chat_shows_only_while_the_requester_is_online_and_lands_in_the_ticket(
    client_for, acme, acme_user, desk_agent
):
    ticket = make_ticket(account=acme, requester=acme_user)
    client = client_for(desk_agent)
    detail = reverse("tickets:ticket_detail", args=[ticket.number])
    start = reverse("chatdesk:start_from_ticket", args=[ticket.number])
    assert start not in client.get(detail).content.decode()
    refused = client.post(start, follow=True)
    assert "not on the help center" in refused.content.decode()
    presence.visitor_seen(acme.pk, acme_user.pk)
    assert start in client.get(detail).content.decode()
    answer = client.post(start)
    chat = Chat.objects.for_account(acme).get(ticket=ticket)
    assert answer.status_code == 302 and answer.url.endswith(f"#chat-{chat.number}")
    assert f'id="chat-{chat.number}"' in client.get(url("workspace")).content.decode()


def test_a_light_agent_sees_the_queue_without_accept_and_told_why(
    client_for, acme, queued, chat_group
):
    # The queue asks chat.access's one rule: a light agent in a chat group takes no chat.
    light = chat_agent(acme, chat_group, agent_role=builtin(acme, "light_agent"))
    accept = reverse("chatdesk:accept", args=[queued.number])
    for page in (url("workspace"), url("queue")):
        html = client_for(light).get(page).content.decode()
        assert accept not in html and ">Accept<" not in html
        assert "your role, Light agent, writes internal notes only" in html
    assert client_for(light).get(url("queue"), **JSON).json()["waiting"] == 0


@pytest.mark.parametrize("language", ["en", "it"])
def test_a_message_time_reads_the_same_drawn_with_the_page_or_added_by_a_poll(
    client_for, acme, acme_user, queued, desk_agent, language
):
    import datetime as dt

    from django.utils import timezone, translation

    from chat.models import ChatMessage
    from chat.selectors import messages_after

    chat = agents.chat_accept(agent=desk_agent, chat=queued)
    message = message_post(chat=chat, author=acme_user, body="At lunch", kind="visitor")
    moment = timezone.localtime().replace(hour=13, minute=41)
    ChatMessage.objects.for_account(acme).filter(pk=message.pk).update(created_at=moment)
    client = client_for(desk_agent)
    client.cookies["django_language"] = language
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    page = client.get(url("workspace"), **headers).content.decode()
    polled = client.get(url("chat_poll", chat) + "?after=0", **{**JSON, **headers}).json()
    time = next(m["time"] for m in polled["messages"] if m["body"] == "At lunch")
    assert f">{time}</time>" in page
    assert time == ("1:41 p.m." if language == "en" else "13:41")
    # The help center's widget gets the same words for the same moment.
    with translation.override(language):
        shown = messages_after(chat=chat, after=0)
    assert next(m["time"] for m in shown if m["body"] == "At lunch") == time
    assert isinstance(dt.datetime.fromisoformat(polled["messages"][0]["created_at"]), dt.datetime)
