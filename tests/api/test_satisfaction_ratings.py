"""Satisfaction ratings through the API (issue 26), in Zendesk's shape: admins list,
filter, count and show them; the requester rates their solved ticket; agents and other
accounts are refused."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema_rs
import pytest

from satisfaction.models import SatisfactionReason
from satisfaction.services import rate
from tests.api.zendesk import _as_json_schema
from tests.factories import EndUserFactory, make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.django_db

EXTRACT = Path(__file__).parent / "zendesk" / "oas-satisfaction.json"


@cache
def _validator(name: str):
    schemas = json.loads(EXTRACT.read_text())["schemas"]
    defs = {k: _as_json_schema(v) for k, v in schemas.items()}
    return jsonschema_rs.Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})


def assert_matches(body: dict, schema: str) -> None:
    errors = [f"{e.instance_path}: {e.message}" for e in _validator(schema).iter_errors(body)]
    assert not errors, f"not Zendesk's {schema}: {errors[:5]}"


@pytest.fixture
def admin_api(api_for, acme_admin):
    return api_for(acme_admin)


def solved(account, agent, requester, subject="Paper jam"):
    ticket = make_ticket(account=account, submitter=agent, requester=requester, subject=subject)
    ticket_update(ticket=ticket, actor=agent, status=Ticket.Status.SOLVED)
    ticket.refresh_from_db()
    return ticket


def test_the_requester_rates_with_zendesks_body(api_for, acme, acme_agent, acme_user):
    ticket = solved(acme, acme_agent, acme_user)
    reason = SatisfactionReason.objects.for_account(acme).get(key="not_resolved")
    response = api_for(acme_user).post(
        f"tickets/{ticket.number}/satisfaction_rating.json",
        {
            "satisfaction_rating": {
                "score": "bad",
                "comment": "Still jammed",
                "reason_id": reason.number,
            }
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()["satisfaction_rating"]
    assert_matches(body, "SatisfactionRatingObject")
    assert (body["score"], body["comment"], body["reason_id"]) == (
        "bad",
        "Still jammed",
        reason.number,
    )
    assert (body["ticket_id"], body["requester_id"]) == (ticket.number, acme_user.number)
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == "bad"


def test_only_the_requester_of_a_solved_ticket_rates(api_for, acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    body = {"satisfaction_rating": {"score": "good"}}
    unsolved = api_for(acme_user).post(f"tickets/{ticket.number}/satisfaction_rating.json", body)
    assert unsolved.status_code == 422
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
    stranger = EndUserFactory(account=acme)
    assert (
        api_for(stranger)
        .post(f"tickets/{ticket.number}/satisfaction_rating.json", body)
        .status_code
        == 404
    )
    bad = api_for(acme_user).post(
        f"tickets/{ticket.number}/satisfaction_rating.json",
        {"satisfaction_rating": {"score": "meh"}},
    )
    assert bad.status_code == 422
    assert "good or bad" in json.dumps(bad.json())


def test_admins_list_filter_count_and_show(admin_api, acme, acme_agent, acme_user):
    one = solved(acme, acme_agent, acme_user, "One")
    two = solved(acme, acme_agent, acme_user, "Two")
    rate(ticket=one, user=acme_user, score="good", comment="")
    rate(ticket=two, user=acme_user, score="bad", comment="Slow")
    listed = admin_api.get("satisfaction_ratings.json")
    assert listed.status_code == 200
    assert_matches(listed.json(), "SatisfactionRatingsResponse")
    assert [r["ticket_id"] for r in listed.json()["satisfaction_ratings"]] == [
        one.number,
        two.number,
    ]
    bad = admin_api.get("satisfaction_ratings.json", {"score": "bad_with_comment"}).json()
    assert [r["ticket_id"] for r in bad["satisfaction_ratings"]] == [two.number]
    good = admin_api.get("satisfaction_ratings.json", {"score": "good_with_comment"}).json()
    assert good["satisfaction_ratings"] == []
    count = admin_api.get("satisfaction_ratings/count.json").json()
    assert_matches(count, "SatisfactionRatingsCountResponse")
    assert count["count"]["value"] == 2
    first = listed.json()["satisfaction_ratings"][0]
    shown = admin_api.get(f"satisfaction_ratings/{first['id']}.json").json()["satisfaction_rating"]
    assert shown == first
    cursor = admin_api.get("satisfaction_ratings.json", {"page[size]": 1}).json()
    assert cursor["meta"]["has_more"] is True


def test_bad_filters_are_a_clear_400(admin_api):
    response = admin_api.get("satisfaction_ratings.json", {"score": "great"})
    assert response.status_code in (400, 422)
    response = admin_api.get("satisfaction_ratings.json", {"start_time": "yesterday"})
    assert response.status_code in (400, 422)


def test_agents_and_end_users_may_not_list(agent_api, user_api):
    assert agent_api.get("satisfaction_ratings.json").status_code == 403
    assert user_api.get("satisfaction_ratings.json").status_code == 403


def test_another_accounts_rating_is_not_found(api_for, acme, globex, acme_agent, acme_user):
    ticket = solved(acme, acme_agent, acme_user)
    rating = rate(ticket=ticket, user=acme_user, score="good")
    from tests.factories import AdminFactory

    globex_admin = api_for(AdminFactory(account=globex))
    assert globex_admin.get(f"satisfaction_ratings/{rating.number}.json").status_code == 404
    assert globex_admin.get("satisfaction_ratings.json").json()["satisfaction_ratings"] == []


def test_a_survey_emailed_lists_as_offered_until_answered(admin_api, acme, acme_agent, acme_user):
    ticket = solved(acme, acme_agent, acme_user)  # the solved email offers the survey

    def listed(score):
        body = admin_api.get("satisfaction_ratings.json", {"score": score}).json()
        assert_matches(body, "SatisfactionRatingsResponse")
        return [(r["id"], r["ticket_id"], r["score"]) for r in body["satisfaction_ratings"]]

    [(rating_id, ticket_id, score)] = listed("offered")
    assert (ticket_id, score) == (ticket.number, "offered")
    assert listed("received") == [] and listed("unoffered") == []
    rate(ticket=ticket, user=acme_user, score="bad", comment="")
    assert listed("offered") == []
    assert listed("received") == [(rating_id, ticket.number, "bad")]  # the same id
    assert listed("received_without_comment") == [(rating_id, ticket.number, "bad")]
