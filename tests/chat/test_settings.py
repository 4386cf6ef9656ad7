"""The admins' chat settings page: admins only; it turns chat on for the groups chosen,
with the business hours of a schedule; bad input is a message on the form."""

import pytest

from accounts.models import AgentGroup
from chat.models import ChatGroup, ChatSettings

pytestmark = pytest.mark.django_db

URL = "/agent/settings/chat/"


def test_an_admin_turns_chat_on_for_chosen_groups(acme, acme_admin, client_for):
    desk = AgentGroup.objects.create(account=acme, name="Chat desk")
    AgentGroup.objects.create(account=acme, name="Billing")
    client = client_for(acme_admin)
    assert b"Live chat" in client.get(URL).content
    reply = client.post(
        URL,
        {
            "enabled": "on",
            "anonymous_allowed": "on",
            "max_chats_per_agent": "4",
            "groups": [desk.number],
        },
    )
    assert reply.status_code == 302
    settings = ChatSettings.objects.for_account(acme).get()
    assert (settings.enabled, settings.anonymous_allowed, settings.max_chats_per_agent) == (
        True,
        True,
        4,
    )
    assert list(ChatGroup.objects.for_account(acme).values_list("group_id", flat=True)) == [desk.pk]


def test_chat_on_needs_a_group_and_a_sane_limit(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    reply = client.post(URL, {"enabled": "on", "max_chats_per_agent": "3"})
    assert reply.status_code == 200 and b"Choose at least one group" in reply.content
    reply = client.post(URL, {"max_chats_per_agent": "0"})
    assert reply.status_code == 200
    assert not ChatSettings.objects.for_account(acme).filter(enabled=True).exists()


def test_another_accounts_group_is_unknown(acme, acme_admin, globex, client_for):
    theirs = AgentGroup.objects.create(account=globex, name="Theirs")
    reply = client_for(acme_admin).post(
        URL, {"enabled": "on", "max_chats_per_agent": "3", "groups": [theirs.number + 100]}
    )
    assert reply.status_code == 200
    assert not ChatGroup.objects.for_account(acme).exists()


def test_agents_and_end_users_may_not(acme_agent, acme_user, client_for):
    assert client_for(acme_agent).get(URL).status_code == 403
    assert client_for(acme_user).get(URL).status_code == 404
