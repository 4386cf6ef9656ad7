"""Issue 23's bulk calls, each with Zendesk's own example body where the description has
one and its response schema: tickets/create_many, tickets/destroy_many, users/create_many,
users/create_or_update, organizations/create_many, DELETE organizations/{id}; plus the
access rules (another account's ids are not found, end users are refused)."""

from __future__ import annotations

import pytest

from accounts.models import Organization, User
from tests.api.zendesk import assert_matches, example
from tests.factories import OrganizationFactory, make_ticket
from tickets.models import DeletedTicket, Ticket

pytestmark = pytest.mark.django_db


def _job(api, response) -> dict:
    assert response.status_code == 200, response.json()
    assert_matches(response.json(), "JobStatusResponse")
    polled = api.get(response.json()["job_status"]["url"])
    assert polled.status_code == 200
    assert_matches(polled.json(), "JobStatusResponse")
    return polled.json()["job_status"]


# tickets/create_many ---------------------------------------------------------------------


def test_zendesks_create_many_example_creates_each_ticket(agent_api, acme):
    job = _job(
        agent_api,
        agent_api.post("tickets/create_many.json", example("TicketsCreateRequestExample")),
    )
    assert job["status"] == "completed" and job["total"] == 2 and job["progress"] == 2
    assert [r["index"] for r in job["results"]] == [0, 1]
    tickets = Ticket.objects.for_account(acme).order_by("number")
    assert [(t.number, t.subject, t.priority) for t in tickets] == [
        (job["results"][0]["id"], "My printer is on fire!", "urgent"),
        (job["results"][1]["id"], "Help", "normal"),
    ]
    assert tickets[0].comments.get().body == "The smoke is very colorful."


def test_a_refused_ticket_fails_alone_with_its_index(agent_api, acme):
    body = {
        "tickets": [
            {"subject": "Fine", "comment": {"body": "ok"}},
            {"subject": "Bad", "comment": {"body": "x"}, "status": "bogus"},
            {"subject": "", "comment": {"body": "no subject"}},
        ]
    }
    job = agent_api.post("tickets/create_many.json", body).json()["job_status"]
    assert [(r["index"], r["success"]) for r in job["results"]] == [
        (0, True),
        (1, False),
        (2, False),
    ]
    assert (
        job["results"][1]["error"] == "RecordInvalid" and "status" in job["results"][1]["details"]
    )
    assert list(Ticket.objects.for_account(acme).values_list("subject", flat=True)) == ["Fine"]


@pytest.mark.parametrize(
    "body", [{}, {"tickets": []}, {"tickets": "x"}, {"tickets": [{"subject": "a"}] * 101}]
)
def test_create_many_refuses_what_is_no_list_of_up_to_100(agent_api, acme, body):
    response = agent_api.post("tickets/create_many.json", body)
    assert response.status_code in (400, 422), response.json()
    assert not Ticket.objects.for_account(acme).exists()


def test_create_many_names_only_the_accounts_people(agent_api, acme, globex_user):
    body = {
        "tickets": [
            {"subject": "x", "comment": {"body": "y"}, "requester_id": globex_user.number + 1000}
        ]
    }
    job = agent_api.post("tickets/create_many.json", body).json()["job_status"]
    assert job["results"][0]["success"] is False
    assert not Ticket.objects.for_account(acme).exists()


# tickets/destroy_many --------------------------------------------------------------------


def test_destroy_many_deletes_the_accounts_tickets_and_reports_the_others(
    agent_api, acme, acme_agent, globex, globex_agent
):
    one = make_ticket(account=acme, submitter=acme_agent)
    two = make_ticket(account=acme, submitter=acme_agent)
    theirs = make_ticket(account=globex, submitter=globex_agent)
    assert theirs.number == 1  # the same number in another account: never touched
    job = _job(
        agent_api, agent_api.delete(f"tickets/destroy_many.json?ids={one.number},{two.number},99")
    )
    assert [(r["id"], r["success"]) for r in job["results"]] == [
        (one.number, True),
        (two.number, True),
        (99, False),
    ]
    assert job["results"][2]["error"] == "RecordNotFound"
    assert not Ticket.objects.for_account(acme).exists()
    assert Ticket.objects.for_account(globex).filter(pk=theirs.pk).exists()
    # The incremental export reports them deleted.
    assert DeletedTicket.objects.for_account(acme).count() == 2


def test_destroy_many_wants_ids(agent_api):
    assert agent_api.delete("tickets/destroy_many.json").status_code == 400


# users/create_many, users/create_or_update -------------------------------------------------


def test_zendesks_create_many_users_example_by_an_admin(api_for, acme, acme_admin):
    body = example("UsersCreateManyRequestExample")
    org = OrganizationFactory(account=acme, name="Partners")
    body["users"][0]["organization_id"] = org.number  # the example's id is Zendesk's
    job = _job(api_for(acme_admin), api_for(acme_admin).post("users/create_many.json", body))
    assert [r["success"] for r in job["results"]] == [True, True]
    roger = User.objects.for_account(acme).get(email="roge@example.org")
    woger = User.objects.for_account(acme).get(email="woge@example.org")
    assert (roger.role, roger.organization, roger.number) == ("agent", org, job["results"][0]["id"])
    assert woger.role == "admin"


def test_an_agent_creates_end_users_in_bulk_but_no_agents(agent_api, acme):
    body = example("UsersCreateManyRequestExample")
    body["users"][0].pop("organization_id")
    body["users"].append({"name": "Customer", "email": "customer@example.org"})
    job = agent_api.post("users/create_many.json", body).json()["job_status"]
    assert [(r["success"], r.get("error")) for r in job["results"]] == [
        (False, "PermissionDenied"),
        (False, "PermissionDenied"),
        (True, None),
    ]
    assert list(
        User.objects.for_account(acme)
        .filter(email__endswith="example.org")
        .values_list("role", flat=True)
    ) == ["end_user"]


def test_create_or_update_makes_then_changes_the_same_user(agent_api, acme, acme_org):
    body = {"user": {"name": "Ann", "email": "Ann@Example.org", "phone": "+39 1"}}
    made = agent_api.post("users/create_or_update.json", body)
    assert made.status_code == 201, made.json()
    assert_matches(made.json(), "UserResponse")
    assert made["Location"] == f"/api/v2/users/{made.json()['user']['id']}.json"
    body = {
        "user": {"email": "ann@example.org", "name": "Ann B", "organization_id": acme_org.number}
    }
    changed = agent_api.post("users/create_or_update.json", body)
    assert changed.status_code == 200, changed.json()
    assert_matches(changed.json(), "UserResponse")
    assert changed.json()["user"]["id"] == made.json()["user"]["id"]
    assert changed.json()["user"]["name"] == "Ann B"
    assert changed.json()["user"]["organization_id"] == acme_org.number
    assert User.objects.for_account(acme).filter(email__iexact="ann@example.org").count() == 1


def test_zendesks_create_or_update_example_by_an_admin(api_for, acme_admin):
    response = api_for(acme_admin).post(
        "users/create_or_update.json", example("UserRequestExample")
    )
    assert response.status_code == 201, response.json()
    again = api_for(acme_admin).post("users/create_or_update.json", example("UserRequestExample"))
    assert again.status_code == 200, again.json()
    assert again.json()["user"]["id"] == response.json()["user"]["id"]


def test_create_or_update_never_reaches_another_accounts_user(agent_api, acme, globex_user):
    body = {"user": {"name": "Mine now", "email": globex_user.email}}
    response = agent_api.post("users/create_or_update.json", body)
    assert response.status_code == 201  # a new user of acme's: globex's is another person
    globex_user.refresh_from_db()
    assert globex_user.name != "Mine now"


def test_an_agent_may_not_change_an_admin_through_create_or_update(agent_api, acme_admin):
    body = {"user": {"email": acme_admin.email, "name": "Renamed"}}
    assert agent_api.post("users/create_or_update.json", body).status_code == 403
    acme_admin.refresh_from_db()
    assert acme_admin.name != "Renamed"


# organizations/create_many, DELETE organizations/{id} --------------------------------------


def test_create_many_organizations(agent_api, acme):
    body = example("CreateManyOrganizationsRequestExample")
    job = _job(agent_api, agent_api.post("organizations/create_many.json", body))
    assert [r["success"] for r in job["results"]] == [True, True]
    names = set(Organization.objects.for_account(acme).values_list("name", flat=True))
    assert {"Org Name 1", "Org Name 2"} <= names


def test_an_organization_of_a_taken_name_fails_alone(agent_api, acme):
    # A failed create keeps Zendesk's index beside the failure's fields (no schema of the
    # description fits both: its oneOf has a create's and a failure's results apart).
    body = {"organizations": [{"name": "Same"}, {"name": "same"}, {"name": "Other"}]}
    job = agent_api.post("organizations/create_many.json", body).json()["job_status"]
    assert [(r["index"], r["success"]) for r in job["results"]] == [
        (0, True),
        (1, False),
        (2, True),
    ]
    assert job["results"][1]["error"] == "RecordInvalid"
    assert Organization.objects.for_account(acme).filter(name__iexact="same").count() == 1


def test_an_admin_deletes_an_organization_its_members_stay(
    api_for, acme_admin, acme_org, acme_user
):
    response = api_for(acme_admin).delete(f"organizations/{acme_org.number}.json")
    assert response.status_code == 204
    assert not Organization.objects.for_account(acme_org.account).filter(pk=acme_org.pk).exists()
    acme_user.refresh_from_db()
    assert acme_user.organization_id is None


def test_agents_may_not_delete_organizations(agent_api, acme_org):
    assert agent_api.delete(f"organizations/{acme_org.number}.json").status_code == 403
    assert Organization.objects.for_account(acme_org.account).filter(pk=acme_org.pk).exists()


def test_another_accounts_organization_is_not_found(api_for, acme_admin, globex):
    theirs = OrganizationFactory(account=globex, name="Theirs")
    response = api_for(acme_admin).delete(f"organizations/{theirs.number + 50}.json")
    assert response.status_code == 404
    assert Organization.objects.for_account(globex).filter(pk=theirs.pk).exists()


def _counts(account) -> tuple[int, int, int]:
    return tuple(
        model.objects.for_account(account).count() for model in (Ticket, User, Organization)
    )


# End users are refused every bulk call --------------------------------------------------


@pytest.mark.parametrize(
    "method,path,body",
    [
        (
            "post",
            "tickets/create_many.json",
            {"tickets": [{"subject": "x", "comment": {"body": "y"}}]},
        ),
        ("delete", "tickets/destroy_many.json?ids=1", None),
        ("post", "users/create_many.json", {"users": [{"name": "a", "email": "a@example.org"}]}),
        ("post", "users/create_or_update.json", {"user": {"name": "a", "email": "a@example.org"}}),
        ("post", "organizations/create_many.json", {"organizations": [{"name": "A"}]}),
        ("delete", "organizations/1.json", None),
    ],
)
def test_end_users_are_refused(user_api, acme, acme_agent, acme_org, method, path, body):
    make_ticket(account=acme, submitter=acme_agent)
    before = _counts(acme)
    response = getattr(user_api, method)(path, body) if body else getattr(user_api, method)(path)
    assert response.status_code == 403
    assert _counts(acme) == before
