"""Admin settings: private ticket creation, default reply type, team and groups."""

import pytest

from accounts.models import Account, AgentGroup, User
from tests.factories import AgentFactory, AgentGroupFactory

SETTINGS = "/agent/settings/"


def general_data(account: Account, **changes) -> dict:
    data = {
        "private_tickets_enabled": "on" if account.private_tickets_enabled else "",
        "default_reply_type": account.default_reply_type,
        "brand_color": account.brand_color,
        "default_locale": account.default_locale,
        "time_zone": account.time_zone,
        "max_attachments_per_message": account.max_attachments_per_message,
        "max_attachment_size_kb": account.max_attachment_size_kb,
        "allowed_attachment_types": account.allowed_attachment_types,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@pytest.fixture
def admin_client(client_for, acme_admin):
    return client_for(acme_admin)


def test_admin_enables_private_ticket_creation(acme, admin_client, agent_client):
    page = admin_client.get(SETTINGS).text
    assert "Enable private ticket creation" in page and "Default agent reply type" in page
    for value in ("public", "internal"):
        assert f'type="radio" name="default_reply_type" value="{value}"' in page
    response = admin_client.post(SETTINGS, general_data(acme, private_tickets_enabled="on"))
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.private_tickets_enabled
    assert 'value="internal"' in agent_client.get("/agent/tickets/new/").text


def test_admin_sets_the_default_reply_type(acme, admin_client):
    admin_client.post(SETTINGS, general_data(acme, default_reply_type="internal"))
    acme.refresh_from_db()
    assert acme.default_reply_type == Account.ReplyType.INTERNAL


def test_bad_setting_is_refused_and_never_reaches_the_page(acme, admin_client):
    response = admin_client.post(
        SETTINGS,
        general_data(acme, brand_color="red;}</style><script>", private_tickets_enabled="on"),
    )
    assert response.status_code == 200
    assert "at most 7 characters" in response.text
    assert "</style><script>" not in response.text
    response = admin_client.post(SETTINGS, general_data(acme, brand_color="#zzzzzz"))
    assert "Use a colour like" in response.text
    acme.refresh_from_db()
    assert acme.brand_color == "#1f6f5c" and not acme.private_tickets_enabled


def test_settings_are_for_admins_only(acme, agent_client, client_for, acme_user):
    for url in (SETTINGS, f"{SETTINGS}agents/", f"{SETTINGS}groups/"):
        assert agent_client.get(url).status_code == 403
        assert client_for(acme_user).get(url).status_code == 404
    assert (
        agent_client.post(SETTINGS, general_data(acme, private_tickets_enabled="on")).status_code
        == 403
    )
    acme.refresh_from_db()
    assert not acme.private_tickets_enabled


def test_settings_link_is_shown_to_admins_only(admin_client, agent_client):
    assert 'href="/agent/settings/"' in admin_client.get("/agent/").text
    assert 'href="/agent/settings/"' not in agent_client.get("/agent/").text


def test_admin_adds_an_agent_and_changes_roles(acme, admin_client):
    response = admin_client.post(
        f"{SETTINGS}agents/", {"name": "Nina New", "email": "nina@acme.example", "role": "agent"}
    )
    assert response.status_code == 302
    nina = User.objects.for_account(acme).get(email="nina@acme.example")
    assert nina.role == User.Role.AGENT
    admin_client.post(f"{SETTINGS}agents/{nina.number}/role/", {"role": "admin"})
    nina.refresh_from_db()
    assert nina.role == User.Role.ADMIN
    admin_client.post(f"{SETTINGS}agents/{nina.number}/deactivate/")
    nina.refresh_from_db()
    assert not nina.is_active


def test_adding_an_existing_email_as_agent_is_a_field_error(acme, acme_user, admin_client):
    response = admin_client.post(
        f"{SETTINGS}agents/", {"name": "Dup", "email": acme_user.email, "role": "agent"}
    )
    assert response.status_code == 200 and "already exists" in response.text


def test_last_admin_cannot_demote_themselves(acme, acme_admin, admin_client):
    response = admin_client.post(
        f"{SETTINGS}agents/{acme_admin.number}/role/", {"role": "agent"}, follow=True
    )
    assert response.status_code == 200
    acme_admin.refresh_from_db()
    assert acme_admin.role == User.Role.ADMIN


def test_admin_manages_groups(acme, acme_agent, admin_client):
    admin_client.post(f"{SETTINGS}groups/", {"name": "Hardware"})
    group = AgentGroup.objects.for_account(acme).get(name="Hardware")
    admin_client.post(f"{SETTINGS}groups/{group.number}/members/", {"agent": acme_agent.number})
    assert list(group.memberships.values_list("user", flat=True)) == [acme_agent.pk]
    assert "Alan Agent" in admin_client.get(f"{SETTINGS}groups/").text
    admin_client.post(f"{SETTINGS}groups/{group.number}/members/{acme_agent.number}/remove/")
    assert not group.memberships.exists()


def test_group_of_another_account_is_404(globex, acme_agent, admin_client):
    theirs = AgentGroupFactory(account=globex, name="Theirs")
    response = admin_client.post(
        f"{SETTINGS}groups/{theirs.number}/members/", {"agent": acme_agent.number}
    )
    assert response.status_code == 404


def test_agent_of_another_account_cannot_join_a_group(acme, globex, admin_client):
    group = AgentGroupFactory(account=acme, name="Ours")
    stranger = AgentFactory(account=globex)
    response = admin_client.post(
        f"{SETTINGS}groups/{group.number}/members/", {"agent": stranger.number + 500}, follow=True
    )
    assert "Choose an agent" in response.text
    assert not group.memberships.exists()


def test_settings_changes_are_post_only(acme, acme_agent, admin_client):
    # The deactivation page asks first (it lists the agent's open tickets): GET changes nothing.
    response = admin_client.get(f"{SETTINGS}agents/{acme_agent.number}/deactivate/")
    assert response.status_code == 200
    acme_agent.refresh_from_db()
    assert acme_agent.is_active
