"""Users, organizations, groups, uploads, search and both pagination styles."""

from __future__ import annotations

import pytest

from tests.factories import AgentGroupFactory, EndUserFactory, make_ticket

pytestmark = pytest.mark.django_db


def test_create_and_update_an_end_user(agent_api, acme_org):
    created = agent_api.post(
        "users.json", {"user": {"name": "Carla Client", "email": "carla@customer.example"}}
    )
    assert created.status_code == 201, created.json()
    user = created.json()["user"]
    assert user["role"] == "end-user"
    # Joined the organization that owns the email domain (the domain rule).
    assert user["organization_id"] == acme_org.number

    updated = agent_api.put(f"users/{user['id']}.json", {"user": {"phone": "+39 06 1234"}})
    assert updated.json()["user"]["phone"] == "+39 06 1234"


def test_duplicate_email_is_record_invalid(agent_api, acme_user):
    response = agent_api.post("users.json", {"user": {"name": "X", "email": acme_user.email}})
    assert response.status_code == 422
    assert "email" in response.json()["details"]


def test_only_admins_add_agents(api_for, acme_agent, acme_admin):
    payload = {"user": {"name": "New Agent", "email": "new@acme.example", "role": "agent"}}
    assert api_for(acme_agent).post("users.json", payload).status_code == 403
    response = api_for(acme_admin).post("users.json", payload)
    assert response.status_code == 201 and response.json()["user"]["role"] == "agent"


def test_agents_cannot_edit_other_agents(api_for, acme_agent, acme_admin):
    response = api_for(acme_agent).put(f"users/{acme_admin.number}.json", {"user": {"name": "X"}})
    assert response.status_code == 403


def test_list_show_me_and_search_users(agent_api, acme_agent, acme_user):
    users = agent_api.get("users.json", {"role": "end-user"}).json()["users"]
    assert [u["email"] for u in users] == [acme_user.email]
    assert agent_api.get(f"users/{acme_user.number}.json").json()["user"]["name"] == "Uma User"
    assert agent_api.get("users/me.json").json()["user"]["role"] == "agent"
    found = agent_api.get("users/search.json", {"query": "customer.example"}).json()
    assert [u["id"] for u in found["users"]] == [acme_user.number]


def test_requested_tickets_of_a_user(agent_api, acme, acme_agent, acme_user):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Hers")
    make_ticket(account=acme, submitter=acme_agent, subject="Other")
    body = agent_api.get(f"users/{acme_user.number}/tickets/requested.json").json()
    assert [t["subject"] for t in body["tickets"]] == ["Hers"]


def test_organizations(agent_api, acme, acme_agent, acme_user, acme_org):
    created = agent_api.post(
        "organizations.json",
        {"organization": {"name": "Initech", "domain_names": ["initech.example"]}},
    )
    assert created.status_code == 201
    assert created.json()["organization"]["domain_names"] == ["initech.example"]
    names = [o["name"] for o in agent_api.get("organizations.json").json()["organizations"]]
    assert names == ["Acme Customers Ltd", "Initech"]
    org = agent_api.get(f"organizations/{acme_org.number}.json").json()["organization"]
    assert org["domain_names"] == ["customer.example"]
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    tickets = agent_api.get(f"organizations/{acme_org.number}/tickets.json").json()["tickets"]
    assert [t["id"] for t in tickets] == [1]


def test_duplicate_organization_or_domain_is_record_invalid(agent_api, acme_org):
    same_name = agent_api.post("organizations.json", {"organization": {"name": acme_org.name}})
    assert same_name.status_code == 422
    same_domain = agent_api.post(
        "organizations.json",
        {"organization": {"name": "Other", "domain_names": ["customer.example"]}},
    )
    assert same_domain.status_code == 422


def test_groups(agent_api, acme):
    AgentGroupFactory(account=acme, name="Billing")
    AgentGroupFactory(account=acme, name="Support")
    assert [g["name"] for g in agent_api.get("groups.json").json()["groups"]] == [
        "Billing",
        "Support",
    ]


def test_upload_then_attach_to_a_new_ticket(agent_api):
    upload = agent_api.generic(
        "POST", "/api/v2/uploads.json?filename=notes.txt", b"hello", content_type="text/plain"
    )
    assert upload.status_code == 201
    token = upload.json()["upload"]["token"]
    created = agent_api.post(
        "tickets.json",
        {"ticket": {"subject": "With file", "comment": {"body": "see", "uploads": [token]}}},
    )
    assert created.status_code == 201
    attachments = created.json()["audit"]["events"][0]["attachments"]
    assert [a["file_name"] for a in attachments] == ["notes.txt"]
    # A token is used once.
    again = agent_api.post(
        "tickets.json",
        {"ticket": {"subject": "Again", "comment": {"body": "see", "uploads": [token]}}},
    )
    assert again.status_code == 422


def test_upload_respects_the_accounts_limits(agent_api, acme):
    acme.max_attachment_size_kb = 1
    acme.save()
    too_big = agent_api.generic(
        "POST", "/api/v2/uploads.json?filename=big.txt", b"x" * 2000, content_type="text/plain"
    )
    assert too_big.status_code == 413
    wrong_type = agent_api.generic(
        "POST", "/api/v2/uploads.json?filename=evil.exe", b"MZ", content_type="text/plain"
    )
    assert wrong_type.status_code == 422


def test_more_uploads_than_the_account_allows_is_refused(agent_api, acme):
    acme.max_attachments_per_message = 1
    acme.save()
    tokens = [
        agent_api.generic(
            "POST", f"/api/v2/uploads.json?filename=f{i}.txt", b"x", content_type="text/plain"
        ).json()["upload"]["token"]
        for i in range(2)
    ]
    response = agent_api.post(
        "tickets.json",
        {"ticket": {"subject": "Files", "comment": {"body": "x", "uploads": tokens}}},
    )
    assert response.status_code == 422


def test_another_users_upload_token_cannot_be_claimed(api_for, acme_agent, acme_admin):
    token = (
        api_for(acme_admin)
        .generic("POST", "/api/v2/uploads.json?filename=a.txt", b"x", content_type="text/plain")
        .json()["upload"]["token"]
    )
    response = api_for(acme_agent).post(
        "tickets.json", {"ticket": {"subject": "x", "comment": {"body": "x", "uploads": [token]}}}
    )
    assert response.status_code == 422


@pytest.fixture
def searchable(acme, acme_agent, acme_user, private_enabled):
    from tickets.services import comment_add, ticket_update

    first = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Printer jam", tags=["vip"]
    )
    second = make_ticket(account=acme, submitter=acme_agent, subject="Login broken", public=False)
    comment_add(ticket=second, author=acme_agent, body="the printer again", public=False)
    ticket_update(ticket=first, actor=acme_agent, status="solved")
    return first, second


@pytest.mark.parametrize(
    "query, expected",
    [
        ("printer", [1, 2]),
        ("type:ticket printer", [1, 2]),
        ("status:solved", [1]),
        ("status<solved", [2]),
        ("requester:user@customer.example", [1]),
        ("tags:vip", [1]),
        ("is_public:false", [2]),
        ("created>2020-01-01", [1, 2]),
        ("created<2020-01-01", []),
        ("assignee:none", [1, 2]),
        ("printer -jam", [2]),
        ('"printer jam"', [1]),
        ("status:bogus", []),
        ("created>not-a-date", []),
    ],
)
def test_search_syntax(agent_api, searchable, query, expected):
    body = agent_api.get("search.json", {"query": query, "sort_by": "id", "sort_order": "asc"})
    assert body.status_code == 200
    results = body.json()["results"]
    assert [r["id"] for r in results] == expected
    assert all(r["result_type"] == "ticket" for r in results)
    assert body.json()["count"] == len(expected)


def test_search_users(agent_api, acme_user):
    body = agent_api.get("search.json", {"query": "type:user uma"}).json()
    assert [(r["id"], r["result_type"]) for r in body["results"]] == [(acme_user.number, "user")]


def test_search_never_reaches_another_account(api_for, acme_agent, globex, globex_agent):
    make_ticket(account=globex, submitter=globex_agent, subject="Globex printer")
    assert api_for(acme_agent).get("search.json", {"query": "printer"}).json()["results"] == []


@pytest.fixture
def seven_tickets(acme, acme_agent):
    requester = EndUserFactory(account=acme)
    for n in range(7):
        make_ticket(account=acme, submitter=acme_agent, requester=requester, subject=f"T{n + 1}")


def test_offset_pagination_with_absolute_next_page(agent_api, seven_tickets):
    first = agent_api.get("tickets.json", {"per_page": 3}).json()
    assert [t["id"] for t in first["tickets"]] == [1, 2, 3]
    assert first["count"] == 7 and first["previous_page"] is None
    assert first["next_page"].startswith("http://acme.localhost/api/v2/tickets.json?")
    ids, url = [], first["next_page"]
    while url:
        page = agent_api.get(url).json()
        ids += [t["id"] for t in page["tickets"]]
        url = page["next_page"]
    assert ids == [4, 5, 6, 7]


def test_cursor_pagination_with_meta_and_links(agent_api, seven_tickets):
    first = agent_api.get("tickets.json", {"page[size]": 3}).json()
    assert [t["id"] for t in first["tickets"]] == [1, 2, 3]
    assert first["meta"]["has_more"] is True
    assert first["links"]["next"].startswith("http://acme.localhost/api/v2/tickets.json?")
    ids, url = [], first["links"]["next"]
    while url:
        page = agent_api.get(url).json()
        ids += [t["id"] for t in page["tickets"]]
        url = page["links"]["next"] if page["meta"]["has_more"] else None
    assert ids == [4, 5, 6, 7]
    back = agent_api.get(
        "tickets.json", {"page[size]": 3, "page[before]": page["meta"]["before_cursor"]}
    )
    assert [t["id"] for t in back.json()["tickets"]] == [4, 5, 6]


def test_bad_cursor_is_a_clean_400(agent_api, seven_tickets):
    response = agent_api.get("tickets.json", {"page[size]": 3, "page[after]": "%%%"})
    assert response.status_code == 400


def test_links_use_the_requests_own_host(api_for, acme_agent, seven_tickets):
    api = api_for(acme_agent)
    response = api.get("tickets.json", {"per_page": 2}, HTTP_HOST="acme.localhost:8123")
    assert response.json()["next_page"].startswith("http://acme.localhost:8123/api/v2/")
    assert (
        response.json()["tickets"][0]["url"] == "http://acme.localhost:8123/api/v2/tickets/1.json"
    )
