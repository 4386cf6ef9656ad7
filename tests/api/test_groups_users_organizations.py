"""Issue 23, defects 3-5, each against Zendesk's own contract (tests/api/zendesk): groups
carry their times, a user created with ``"organization": {"name": ...}`` joins it, and
organizations are updated with PUT."""

from __future__ import annotations

import pytest

from accounts.models import Organization
from accounts.services import group_add_agent
from tests.api.zendesk import assert_matches, example
from tests.factories import AgentGroupFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


# 3. Groups: created_at and updated_at, never null ---------------------------------------


def test_groups_answer_their_created_and_updated_times(agent_api, acme, acme_agent):
    group = AgentGroupFactory(account=acme, name="Tier 1")
    listed = agent_api.get("groups.json").json()
    shown = agent_api.get(f"groups/{group.number}.json").json()
    assert_matches(listed, "GroupsResponse")
    assert_matches(shown, "GroupResponse")
    for answer in (listed["groups"][0], shown["group"]):
        assert answer["created_at"] and answer["updated_at"]
        assert answer["created_at"] <= answer["updated_at"]


def test_a_groups_updated_at_moves_when_its_agents_change(agent_api, acme, acme_agent):
    group = AgentGroupFactory(account=acme, name="Tier 1")
    type(group).objects.for_account(acme).filter(pk=group.pk).update(
        created_at="2020-01-01T00:00:00Z", updated_at="2020-01-01T00:00:00Z"
    )
    group.refresh_from_db()
    group_add_agent(group=group, agent=acme_agent)
    answer = agent_api.get(f"groups/{group.number}.json").json()["group"]
    assert answer["created_at"] == "2020-01-01T00:00:00Z"
    assert answer["updated_at"] > "2020-01-01T00:00:00Z"


# 4. A user created with "organization": {"name": ...} -----------------------------------


def test_zendesks_create_user_example_creates_and_links_its_organization(api_for, acme_admin):
    body = example("UserRequestExample")  # role agent: an admin's request
    response = api_for(acme_admin).post("users.json", body)
    assert response.status_code == 201, response.json()
    assert_matches(response.json(), "UserResponse")
    user = response.json()["user"]
    org = Organization.objects.for_account(acme_admin.account).get(name="VIP Customers")
    assert user["organization_id"] == org.number
    assert user["role"] == "agent"


def test_an_existing_organization_is_found_by_name_not_made_twice(agent_api, acme, acme_org):
    response = agent_api.post(
        "users.json",
        {
            "user": {
                "name": "Ola",
                "email": "ola@else.example",
                "organization": {"name": "acme customers ltd"},
            }
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["user"]["organization_id"] == acme_org.number
    assert Organization.objects.for_account(acme).count() == 1


def test_organization_by_name_stays_within_the_account(agent_api, acme, globex):
    OrganizationFactory(account=globex, name="Shared Name")
    response = agent_api.post(
        "users.json",
        {
            "user": {
                "name": "Ola",
                "email": "ola@else.example",
                "organization": {"name": "Shared Name"},
            }
        },
    )
    ours = Organization.objects.for_account(acme).get(name="Shared Name")
    assert response.json()["user"]["organization_id"] == ours.number
    assert Organization.objects.for_account(globex).count() == 1


def test_a_refused_user_leaves_no_organization_behind(agent_api, acme, acme_user):
    response = agent_api.post(
        "users.json",
        {"user": {"name": "Dup", "email": acme_user.email, "organization": {"name": "Newco"}}},
    )
    assert response.status_code == 422
    assert not Organization.objects.for_account(acme).filter(name="Newco").exists()


def test_a_user_update_can_name_an_organization_too(agent_api, acme, acme_user):
    response = agent_api.put(
        f"users/{acme_user.number}.json", {"user": {"organization": {"name": "Moved Ltd"}}}
    )
    assert response.status_code == 200, response.json()
    org = Organization.objects.for_account(acme).get(name="Moved Ltd")
    assert response.json()["user"]["organization_id"] == org.number


# 5. PUT /organizations/{id}.json ----------------------------------------------------------


def test_zendesks_update_organization_example_as_an_agent(agent_api, acme_org):
    response = agent_api.put(
        f"organizations/{acme_org.number}.json", example("UpdateOrganizationRequestExample")
    )
    assert response.status_code == 200, response.json()
    assert_matches(response.json(), "OrganizationResponse")
    org = response.json()["organization"]
    assert org["notes"] == "Something interesting"
    assert org["updated_at"] >= org["created_at"]


def test_an_admin_updates_every_field_and_updated_at_moves(api_for, acme, acme_admin, acme_org):
    Organization.objects.for_account(acme).filter(pk=acme_org.pk).update(
        created_at="2020-01-01T00:00:00Z", updated_at="2020-01-01T00:00:00Z"
    )
    body = {
        "organization": {
            "name": "Acme Customers Group",
            "details": "Via Roma 1, Milano",
            "notes": "Renews in May",
            "domain_names": ["customer.example", "acme-customers.example"],
            "tags": [],  # the value Sportello keeps: accepted
            "shared_tickets": False,
        }
    }
    response = api_for(acme_admin).put(f"organizations/{acme_org.number}.json", body)
    assert response.status_code == 200, response.json()
    org = response.json()["organization"]
    assert_matches(response.json(), "OrganizationResponse")
    assert (org["name"], org["details"], org["notes"]) == (
        "Acme Customers Group",
        "Via Roma 1, Milano",
        "Renews in May",
    )
    assert sorted(org["domain_names"]) == ["acme-customers.example", "customer.example"]
    assert org["updated_at"] > "2020-01-01T00:00:00Z" == org["created_at"]
    # domain_names overwrites, as in Zendesk
    response = api_for(acme_admin).put(
        f"organizations/{acme_org.number}.json", {"organization": {"domain_names": []}}
    )
    assert response.json()["organization"]["domain_names"] == []


def test_agents_change_only_notes(agent_api, acme_org):
    response = agent_api.put(
        f"organizations/{acme_org.number}.json", {"organization": {"name": "Renamed"}}
    )
    assert response.status_code == 403
    assert "notes" in response.json()["description"]
    # The record sent back whole, with only the notes changed, is fine.
    record = agent_api.get(f"organizations/{acme_org.number}.json").json()["organization"]
    record["notes"] = "Called on Monday"
    response = agent_api.put(f"organizations/{acme_org.number}.json", {"organization": record})
    assert response.status_code == 200, response.json()
    assert response.json()["organization"]["name"] == acme_org.name


@pytest.mark.parametrize(
    "body",
    [
        {"organization": {"name": ""}},
        {"organization": {"tags": ["vip"]}},  # kept fixed: refused, not dropped
        {"organization": {"external_id": "ABC123"}},
        {"organization": {"domain_names": "customer.example"}},
        {"organization": "Renamed"},
    ],
)
def test_bad_organization_updates_are_record_invalid(api_for, acme_admin, acme_org, body):
    response = api_for(acme_admin).put(f"organizations/{acme_org.number}.json", body)
    assert response.status_code == 422, response.json()
    assert Organization.objects.for_account(acme_org.account).get().name == acme_org.name


def test_a_domain_of_another_organization_or_a_taken_name_is_refused(
    api_for, acme, acme_admin, acme_org
):
    other = OrganizationFactory(account=acme, name="Other", domains=["other.example"])
    api = api_for(acme_admin)
    taken_domain = api.put(
        f"organizations/{acme_org.number}.json",
        {"organization": {"domain_names": ["other.example"]}},
    )
    assert taken_domain.status_code == 422
    assert "domain_names" in taken_domain.json()["details"]
    taken_name = api.put(
        f"organizations/{acme_org.number}.json", {"organization": {"name": "Other"}}
    )
    assert taken_name.status_code == 422
    assert list(other.domains.values_list("domain", flat=True)) == ["other.example"]


def test_organization_update_is_refused_across_accounts_and_to_end_users(
    api_for, acme_user, acme_org, globex_agent
):
    body = {"organization": {"notes": "x"}}
    assert (
        api_for(globex_agent).put(f"organizations/{acme_org.number}.json", body).status_code == 404
    )
    assert api_for(acme_user).put(f"organizations/{acme_org.number}.json", body).status_code == 403
    acme_org.refresh_from_db()
    assert acme_org.notes == ""
