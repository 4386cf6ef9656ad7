"""Several organizations per user (issue 21): memberships with one default (the user's
organization), what end users see follows every membership, a requester with several
picks one on a new request, and the API's organization_memberships in Zendesk's shape."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts.memberships import membership_add, membership_remove, organizations_of
from accounts.models import OrganizationMembership
from tests.api.conftest import ApiClient, basic_header, token_for
from tests.factories import EndUserFactory, OrganizationFactory, make_ticket
from tickets.selectors import tickets_visible_to


def api_for(user) -> ApiClient:
    client = ApiClient(user.account)
    client.credentials(HTTP_AUTHORIZATION=basic_header(user.email, token_for(user)))
    return client


@pytest.fixture
def shared_org(acme):
    return OrganizationFactory(account=acme, name="Beta Partners", shared_tickets=True)


def test_the_default_organization_is_a_membership_and_more_can_be_added(
    acme, acme_user, acme_org, shared_org, acme_agent
):
    assert organizations_of(user=acme_user) == [acme_org]
    membership_add(user=acme_user, organization=shared_org, actor=acme_agent)
    acme_user.refresh_from_db()
    assert acme_user.organization == acme_org  # the default stays
    assert organizations_of(user=acme_user) == [acme_org, shared_org]
    again = membership_add(user=acme_user, organization=shared_org, actor=acme_agent)
    assert OrganizationMembership.objects.for_account(acme).filter(user=acme_user).count() == 2
    # Removing the default makes the other one the default.
    default = OrganizationMembership.objects.for_account(acme).get(
        user=acme_user, organization=acme_org
    )
    membership_remove(membership=default, actor=acme_agent)
    acme_user.refresh_from_db()
    assert acme_user.organization == shared_org
    membership_remove(membership=again, actor=acme_agent)
    acme_user.refresh_from_db()
    assert acme_user.organization is None and organizations_of(user=acme_user) == []


def test_end_users_and_other_accounts_cannot_add_memberships(acme, acme_user, shared_org, globex):
    from tests.factories import AgentFactory

    with pytest.raises(PermissionDenied):
        membership_add(user=acme_user, organization=shared_org, actor=acme_user)
    with pytest.raises(PermissionDenied):
        membership_add(user=acme_user, organization=shared_org, actor=AgentFactory(account=globex))


def test_end_users_see_the_requests_of_each_of_their_organizations_that_shares_them(
    acme, acme_user, acme_org, shared_org, acme_agent
):
    """Uma's default organization shares nothing; Beta Partners shares its tickets: once
    she is a member she sees Beta's requests (not Acme Customers' of others), and stops
    when she leaves."""
    colleague = EndUserFactory(account=acme, organization=shared_org)
    neighbour = EndUserFactory(account=acme, organization=acme_org)
    betas = make_ticket(account=acme, submitter=colleague)
    acmes = make_ticket(account=acme, submitter=neighbour)
    assert betas.organization == shared_org and acmes.organization == acme_org
    assert set(tickets_visible_to(viewer=acme_user)) == set()
    membership = membership_add(user=acme_user, organization=shared_org, actor=acme_agent)
    acme_user.refresh_from_db()
    assert set(tickets_visible_to(viewer=acme_user)) == {betas}
    membership_remove(membership=membership, actor=acme_agent)
    acme_user.refresh_from_db()
    assert set(tickets_visible_to(viewer=acme_user)) == set()


def test_a_requester_with_several_organizations_picks_one_on_a_new_request(
    acme, acme_user, acme_org, shared_org, acme_agent, client_for
):
    client = client_for(acme_user)
    page = client.get("/hc/requests/new/").text
    assert 'name="organization"' not in page  # one organization: nothing to pick
    membership_add(user=acme_user, organization=shared_org, actor=acme_agent)
    page = client.get("/hc/requests/new/").text
    assert 'name="organization"' in page and "Beta Partners" in page
    form = {"subject": "Which org", "body": "For Beta, please."}
    response = client.post("/hc/requests/new/", {**form, "organization": shared_org.number})
    assert response.status_code == 302
    ticket = tickets_visible_to(viewer=acme_user).get(subject="Which org")
    assert ticket.organization == shared_org
    # An organization that is not theirs: a clear message, what was typed kept.
    stranger = OrganizationFactory(account=acme, name="Not Mine")
    response = client.post("/hc/requests/new/", {**form, "organization": stranger.number})
    assert response.status_code == 200
    assert "For Beta, please." in response.text
    assert tickets_visible_to(viewer=acme_user).filter(subject="Which org").count() == 1


def test_the_api_lists_creates_shows_makes_default_and_deletes_memberships(
    acme, acme_user, acme_org, shared_org, acme_agent
):
    api = api_for(acme_agent)
    listed = api.get("/api/v2/organization_memberships.json").json()
    assert [
        (m["user_id"], m["organization_id"], m["default"])
        for m in listed["organization_memberships"]
    ] == [(acme_user.number, acme_org.number, True)]
    created = api.post(
        "/api/v2/organization_memberships.json",
        {
            "organization_membership": {
                "user_id": acme_user.number,
                "organization_id": shared_org.number,
            }
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()["organization_membership"]
    assert body["default"] is None and body["organization_name"] == "Beta Partners"
    assert body["view_tickets"] is True
    number = body["id"]
    shown = api.get(f"/api/v2/organization_memberships/{number}.json").json()
    assert shown["organization_membership"]["user_id"] == acme_user.number
    mine = api.get(f"/api/v2/users/{acme_user.number}/organization_memberships.json").json()
    assert len(mine["organization_memberships"]) == 2
    made = api.put(
        f"/api/v2/users/{acme_user.number}/organization_memberships/{number}/make_default.json"
    )
    assert made.status_code == 200
    acme_user.refresh_from_db()
    assert acme_user.organization == shared_org
    user_json = api.get(f"/api/v2/users/{acme_user.number}.json").json()["user"]
    assert user_json["organization_id"] == shared_org.number
    assert api.delete(f"/api/v2/organization_memberships/{number}.json").status_code == 204
    acme_user.refresh_from_db()
    assert acme_user.organization == acme_org


def test_the_api_refuses_bad_input_end_users_and_other_accounts(
    acme, acme_user, shared_org, acme_agent, globex
):
    from tests.factories import AgentFactory

    api = api_for(acme_agent)
    bad = api.post("/api/v2/organization_memberships.json", {"organization_membership": {}})
    assert bad.status_code in (400, 422)
    bad = api.post("/api/v2/organization_memberships.json", {"nothing": 1})
    assert bad.status_code in (400, 422)
    number = OrganizationMembership.objects.for_account(acme).get(user=acme_user).number
    stranger = api_for(AgentFactory(account=globex))
    assert stranger.get(f"/api/v2/organization_memberships/{number}.json").status_code == 404
    assert stranger.delete(f"/api/v2/organization_memberships/{number}.json").status_code == 404
    assert api_for(acme_user).get("/api/v2/organization_memberships.json").status_code == 403
    missing = api.post(
        "/api/v2/organization_memberships.json",
        {"organization_membership": {"user_id": acme_user.number, "organization_id": 99999}},
    )
    assert missing.status_code == 404


def test_deleting_an_organization_moves_its_members_default_to_another_membership(
    acme, acme_admin, acme_org, shared_org, client_for
):
    """Issue 21: a member whose default organization goes gets their oldest other
    membership as the default; one with no other has none; nobody manages anything."""
    both = EndUserFactory(account=acme, organization=acme_org, is_org_manager=True)
    third = OrganizationFactory(account=acme, name="Gamma")
    membership_add(user=both, organization=shared_org, actor=acme_admin)
    membership_add(user=both, organization=third, actor=acme_admin)
    only = EndUserFactory(account=acme, organization=acme_org)
    elsewhere = EndUserFactory(account=acme, organization=shared_org)
    membership_add(user=elsewhere, organization=acme_org, actor=acme_admin)

    response = client_for(acme_admin).post(
        f"/agent/settings/organizations/{acme_org.number}/delete/"
    )
    assert response.status_code == 302
    for user in (both, only, elsewhere):
        user.refresh_from_db()
    assert (both.organization, both.is_org_manager) == (shared_org, False)
    assert organizations_of(user=both) == [shared_org, third]
    assert only.organization is None and organizations_of(user=only) == []
    assert elsewhere.organization == shared_org  # not their default: untouched
    assert organizations_of(user=elsewhere) == [shared_org]


def test_an_admin_adds_removes_and_sets_the_default_organization_on_the_profile(
    acme, acme_admin, acme_agent, acme_user, acme_org, shared_org, client_for
):
    admin = client_for(acme_admin)
    url = f"/agent/settings/users/{acme_user.number}/organizations/"
    page = admin.get(f"/agent/settings/users/{acme_user.number}/")
    assert b"Add to an organization" in page.content and b"Beta Partners" in page.content

    assert admin.post(url, {"action": "add", "organization": shared_org.number}).status_code == 302
    assert organizations_of(user=acme_user) == [acme_org, shared_org]
    admin.post(url, {"action": "default", "organization": shared_org.number})
    acme_user.refresh_from_db()
    assert acme_user.organization == shared_org
    admin.post(url, {"action": "remove", "organization": shared_org.number})
    acme_user.refresh_from_db()
    assert acme_user.organization == acme_org  # the other one became the default
    assert organizations_of(user=acme_user) == [acme_org]

    # Bad input: a clear message, no change, never a 500.
    for data in (
        {"action": "add", "organization": "x"},
        {"action": "add", "organization": 999999},
        {"action": "remove", "organization": shared_org.number},
        {"action": "steal", "organization": shared_org.number},
    ):
        response = admin.post(url, data, follow=True)
        assert response.status_code == 200
        assert b"alert" in response.content or b"error" in response.content
    assert organizations_of(user=acme_user) == [acme_org]
    # A plain agent is refused.
    client_for(acme_agent).post(url, {"action": "add", "organization": shared_org.number})
    assert organizations_of(user=acme_user) == [acme_org]
