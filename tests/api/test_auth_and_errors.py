"""Tokens, the account boundary, rate limits and Zendesk's error shapes."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api.models import ApiToken
from api.tokens import api_token_create, api_token_revoke
from tests.api.conftest import ApiClient, basic_header, token_for
from tests.factories import AgentFactory, EndUserFactory, make_ticket

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_in_zendesks_shape(api_for, acme):
    response = api_for(account=acme).get("tickets.json")
    assert response.status_code == 401
    assert response.json() == {"error": "Couldn't authenticate you"}
    assert response["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "header",
    [
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"agent@acme.example:password").decode(),
        "Basic " + base64.b64encode(b"agent@acme.example/token:wrong").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe/token:x").decode(),
        "Bearer wrong",
        "Bearer a b",
    ],
)
def test_bad_credentials_are_401(acme, acme_agent, header):
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("tickets.json").status_code == 401


def test_bearer_token_acts_as_its_user(api_for, acme_agent):
    me = api_for(acme_agent, bearer=True).get("users/me.json").json()["user"]
    assert me["email"] == "agent@acme.example"


def test_stored_hashed_and_shown_once(acme, acme_admin):
    token, secret = api_token_create(account=acme, name="Zapier", created_by=acme_admin)
    stored = ApiToken.objects.for_account(acme).get(pk=token.pk)
    assert secret not in (stored.digest, stored.hint, stored.name)
    assert len(stored.digest) == 64 and secret.endswith(stored.hint)


def test_account_wide_token_works_with_any_active_users_email(acme, acme_admin, acme_user):
    _token, secret = api_token_create(account=acme, name="Integration", created_by=acme_admin)
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=basic_header(acme_user.email, secret))
    assert client.get("users/me.json").json()["user"]["id"] == acme_user.number


def test_token_bound_to_a_user_refuses_another_email(acme, acme_agent, acme_admin):
    secret = token_for(acme_agent)
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=basic_header(acme_admin.email, secret))
    assert client.get("users/me.json").status_code == 401


def test_revoked_token_stops_working(acme, acme_agent):
    token, secret = api_token_create(account=acme, name="Old", user=acme_agent)
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=basic_header(acme_agent.email, secret))
    assert client.get("users/me.json").status_code == 200
    api_token_revoke(token=token)
    assert client.get("users/me.json").status_code == 401


def test_deactivated_agent_cannot_use_the_api(acme, acme_admin):
    agent = AgentFactory(account=acme)
    secret = token_for(agent)
    agent.is_active = False
    agent.save()
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=basic_header(agent.email, secret))
    assert client.get("users/me.json").status_code == 401


def test_token_of_another_account_is_refused(acme, globex, globex_agent):
    secret = token_for(globex_agent)
    AgentFactory(account=acme, email=globex_agent.email)  # same address, other account
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=basic_header(globex_agent.email, secret))
    assert client.get("tickets.json").status_code == 401


def test_session_cookie_is_not_accepted(client_for, acme_agent):
    response = client_for(acme_agent).get("/api/v2/tickets.json")
    assert response.status_code == 401


def test_session_cookie_cannot_write_without_csrf(client_for, acme_agent):
    response = client_for(acme_agent).post(
        "/api/v2/tickets.json",
        {"ticket": {"subject": "x", "comment": {"body": "y"}}},
        content_type="application/json",
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "tickets/1.json",
        "tickets/1/comments.json",
        "users/{user}.json",
        "users/{user}/tickets/requested.json",
        "organizations/1.json",
        "organizations/1/tickets.json",
        "groups/1.json",
    ],
)
def test_another_accounts_records_are_not_found(
    api_for, acme_agent, globex, globex_agent, globex_user, path
):
    from tests.factories import AgentGroupFactory, OrganizationFactory

    make_ticket(account=globex, submitter=globex_agent, requester=globex_user)
    OrganizationFactory(account=globex)
    AgentGroupFactory(account=globex)
    response = api_for(acme_agent).get(path.format(user=globex_user.number + 100))
    assert response.status_code == 404
    assert response.json() == {"error": "RecordNotFound", "description": "Not found"}


def test_another_accounts_ticket_is_404_for_writes_too(api_for, acme_agent, globex, globex_agent):
    make_ticket(account=globex, submitter=globex_agent)
    api = api_for(acme_agent)
    assert api.put("tickets/1.json", {"ticket": {"status": "open"}}).status_code == 404
    assert api.delete("tickets/1.json").status_code == 404
    assert api.get("tickets/show_many.json?ids=1").json()["tickets"] == []


def test_another_accounts_ids_in_a_payload_are_record_invalid(
    api_for, acme_agent, globex, globex_user, globex_agent
):
    # Numbers are per account: globex's user 7 is not acme's user 7.
    response = api_for(acme_agent).post(
        "tickets.json",
        {"ticket": {"subject": "x", "comment": {"body": "y"}, "requester_id": 999}},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "RecordInvalid"
    assert "requester_id" in response.json()["details"]


def test_end_user_gets_404_for_someone_elses_request(api_for, acme, acme_agent, acme_user):
    other = EndUserFactory(account=acme)
    make_ticket(account=acme, submitter=acme_agent, requester=other)
    api = api_for(acme_user)
    assert api.get("requests/1.json").status_code == 404
    assert api.get("requests/1/comments.json").status_code == 404
    assert api.put("requests/1.json", {"request": {"comment": {"body": "hi"}}}).status_code == 404


def test_validation_errors_are_record_invalid_with_details(agent_api):
    response = agent_api.post(
        "tickets.json", {"ticket": {"subject": "", "status": "bogus", "comment": {"body": "x"}}}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "RecordInvalid"
    assert body["description"] == "Record validation errors"
    assert body["details"]["status"][0]["description"]


def test_missing_subject_is_record_invalid(agent_api):
    response = agent_api.post("tickets.json", {"ticket": {"comment": {"body": "x"}}})
    assert response.status_code == 422
    assert "subject" in response.json()["details"]


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"ticket": NaN}', b"[" * 5000 + b"]" * 5000, b'"just a string"', b"\xff\xfe"],
)
def test_malformed_json_is_a_clean_4xx(agent_api, body):
    response = agent_api.generic(
        "POST", "/api/v2/tickets.json", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_oversized_body_is_refused(agent_api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = {"ticket": {"subject": "x", "comment": {"body": "y" * 2000}}}
    response = agent_api.post("tickets.json", body)
    assert response.status_code == 413
    assert response.json()["error"] == "PayloadTooLarge"


def test_rate_limit_is_per_account_with_retry_after(
    api_for, settings, acme_agent, acme_admin, globex_agent
):
    settings.API_RATE_LIMIT = "3/min"
    agent, admin = api_for(acme_agent), api_for(acme_admin)
    assert agent.get("users/me.json").status_code == 200
    assert admin.get("users/me.json").status_code == 200
    assert agent.get("users/me.json").status_code == 200

    limited = admin.get("users/me.json")

    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["error"] == "TooManyRequests"
    # Another account keeps its own budget.
    assert api_for(globex_agent).get("users/me.json").status_code == 200


def test_huge_ids_are_not_found_not_500(agent_api):
    assert agent_api.get("tickets/99999999999999999999.json").status_code == 404
    assert agent_api.get("tickets/999999999999999999.json").status_code == 404


def test_nul_characters_are_refused_cleanly(agent_api):
    assert agent_api.get("search.json", {"query": "a\x00b"}).status_code == 400
    response = agent_api.post(
        "tickets.json", {"ticket": {"subject": "a\x00b", "comment": {"body": "x"}}}
    )
    assert 400 <= response.status_code < 500


def test_create_api_token_command_prints_a_working_secret(acme, acme_agent, capsys):
    call_command("create_api_token", "acme", "Agent@Acme.example", "--name", "CI")
    secret = capsys.readouterr().out.strip()
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=basic_header(acme_agent.email, secret))
    assert client.get("users/me.json").json()["user"]["id"] == acme_agent.number
    assert ApiToken.objects.for_account(acme).get().name == "CI"


def test_create_api_token_command_bearer(acme, acme_agent, capsys):
    call_command("create_api_token", "acme", acme_agent.email, "--bearer")
    secret = capsys.readouterr().out.strip()
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("users/me.json").status_code == 200


@pytest.mark.parametrize(
    "args", [("nope", "agent@acme.example"), ("acme", "user@customer.example")]
)
def test_create_api_token_command_refuses_unknown_account_or_non_agent(
    acme, acme_agent, acme_user, args
):
    with pytest.raises(CommandError):
        call_command("create_api_token", *args)
