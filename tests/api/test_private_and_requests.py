"""Private tickets through the API, and what an end user sees: only what the help
center shows them (no private tickets, no internal notes)."""

from __future__ import annotations

import pytest

from tests.factories import EndUserFactory, make_ticket

pytestmark = pytest.mark.django_db


def _create_private(api, requester):
    return api.post(
        "tickets.json",
        {
            "ticket": {
                "subject": "Security incident",
                "requester_id": requester.number,
                "comment": {"body": "Internal first look", "public": False},
            }
        },
    )


def test_private_comment_creates_a_private_ticket_when_enabled(
    agent_api, private_enabled, acme_user
):
    response = _create_private(agent_api, acme_user)

    assert response.status_code == 201
    assert response.json()["ticket"]["is_public"] is False
    comment = next(e for e in response.json()["audit"]["events"] if e["type"] == "Comment")
    assert comment["public"] is False


def test_private_comment_leaves_the_ticket_public_when_disabled(agent_api, acme, acme_user):
    response = _create_private(agent_api, acme_user)

    assert response.json()["ticket"]["is_public"] is True
    # The description stays an internal note all the same.
    assert agent_api.get("tickets/1/comments.json").json()["comments"][0]["public"] is False


def test_public_comment_makes_a_private_ticket_public(
    agent_api, private_enabled, acme_user, api_for
):
    _create_private(agent_api, acme_user)
    user_api = api_for(acme_user)
    assert user_api.get("requests/1.json").status_code == 404

    response = agent_api.put("tickets/1.json", {"ticket": {"comment": {"body": "We're on it"}}})

    assert response.json()["ticket"]["is_public"] is True
    changes = [e for e in response.json()["audit"]["events"] if e.get("field_name") == "is_public"]
    assert changes[0]["value"] is True
    request = user_api.get("requests/1.json")
    assert request.status_code == 200
    comments = user_api.get("requests/1/comments.json").json()["comments"]
    assert [c["body"] for c in comments] == ["We're on it"]


def test_internal_note_keeps_a_private_ticket_private(agent_api, private_enabled, acme_user):
    _create_private(agent_api, acme_user)
    response = agent_api.put(
        "tickets/1.json", {"ticket": {"comment": {"body": "Still looking", "public": False}}}
    )
    assert response.json()["ticket"]["is_public"] is False


def test_end_user_lists_only_their_public_requests(
    api_for, private_enabled, acme, acme_agent, acme_user
):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Mine")
    make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Private", public=False
    )
    make_ticket(account=acme, submitter=acme_agent, subject="Someone else's")

    body = api_for(acme_user).get("requests.json").json()

    assert [r["subject"] for r in body["requests"]] == ["Mine"]


def test_end_user_never_reads_internal_notes(api_for, acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    from tickets.services import comment_add

    comment_add(ticket=ticket, author=acme_agent, body="secret note", public=False)
    comment_add(ticket=ticket, author=acme_agent, body="public answer", public=True)
    api = api_for(acme_user)

    comments = api.get("requests/1/comments.json").json()["comments"]

    assert [c["body"] for c in comments] == ["It is on fire.", "public answer"]
    assert "secret note" not in api.get("requests/1.json").content.decode()


def test_first_comment_as_internal_note_is_not_the_end_users_description(
    api_for, acme, acme_agent, acme_user
):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, public=False)
    api = api_for(acme_user)
    request = api.get("requests/1.json").json()["request"]
    assert request["description"] == ""


def test_end_user_creates_a_request_and_replies(api_for, acme_user):
    api = api_for(acme_user)
    created = api.post(
        "requests.json",
        {"request": {"subject": "Help", "comment": {"body": "My screen is blank"}}},
    )
    assert created.status_code == 201, created.json()
    request = created.json()["request"]
    assert request["requester_id"] == acme_user.number and request["is_public"] is True
    assert request["description"] == "My screen is blank"

    reply = api.put("requests/1.json", {"request": {"comment": {"body": "Still blank"}}})
    assert reply.status_code == 200
    solved = api.put("requests/1.json", {"request": {"solved": True}})
    assert solved.json()["request"]["status"] == "solved"


def test_end_user_cannot_open_a_private_request(api_for, private_enabled, acme_user, acme_agent):
    api = api_for(acme_user)
    api.post(
        "requests.json",
        {"request": {"subject": "Help", "comment": {"body": "x", "public": False}}},
    )
    assert api.get("requests/1.json").json()["request"]["is_public"] is True


def test_cc_and_org_manager_see_shared_requests(api_for, acme, acme_agent, acme_user, acme_manager):
    cc = EndUserFactory(account=acme, email="cc@else.example")
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, ccs=[cc])
    assert [r["id"] for r in api_for(cc).get("requests.json").json()["requests"]] == [1]
    assert [r["id"] for r in api_for(acme_manager).get("requests.json").json()["requests"]] == [1]


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "tickets.json"),
        ("get", "tickets/1.json"),
        ("put", "tickets/1.json"),
        ("delete", "tickets/1.json"),
        ("get", "tickets/1/comments.json"),
        ("get", "tickets/show_many.json?ids=1"),
        ("put", "tickets/update_many.json?ids=1"),
        ("get", "users.json"),
        ("get", "users/1.json"),
        ("get", "users/search.json?query=a"),
        ("get", "organizations.json"),
        ("get", "groups.json"),
        ("get", "search.json?query=fire"),
    ],
)
def test_end_users_are_forbidden_agent_endpoints(
    api_for, acme, acme_agent, acme_user, method, path
):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    response = getattr(api_for(acme_user), method)(path)
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"


def test_end_user_reads_their_own_profile(api_for, acme_user):
    me = api_for(acme_user).get("users/me.json").json()["user"]
    assert me["email"] == "user@customer.example" and me["role"] == "end-user"


def test_end_user_upload_attaches_to_their_reply(api_for, acme, acme_agent, acme_user):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    api = api_for(acme_user)
    upload = api.generic(
        "POST",
        "/api/v2/uploads.json?filename=log.txt",
        b"some log\n",
        content_type="application/binary",
    )
    assert upload.status_code == 201, upload.json()
    token = upload.json()["upload"]["token"]
    api.put("requests/1.json", {"request": {"comment": {"body": "log", "uploads": [token]}}})
    comments = api.get("requests/1/comments.json").json()["comments"]
    assert [a["file_name"] for a in comments[-1]["attachments"]] == ["log.txt"]
