"""SLA policies where people meet them: the admin pages, the API, the ticket page, the
lists' column and sort, and the views' conditions."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tokens import api_token_create
from servicelevels.models import SlaPolicy
from servicelevels.policies import sla_policy_create
from tests.api.conftest import basic_header
from tests.factories import make_ticket
from tickets.services import comment_add
from tickets.services.saved_views import view_create

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PAGES = "/agent/settings/sla/"
URGENT_FRT = {"priority": "urgent", "metric": "first_reply_time", "target": 60}


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def policy(acme):
    return sla_policy_create(
        account=acme, title="Urgent first reply", conditions={}, metrics=[URGENT_FRT]
    )


def urgent(acme, agent, user, **kw):
    return make_ticket(account=acme, submitter=agent, requester=user, priority="urgent", **kw)


# --- Admin pages --------------------------------------------------------------------


def test_admin_creates_a_policy_with_targets_from_the_grid(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    response = client.post(
        f"{PAGES}new/",
        {
            "title": "Gold",
            "is_active": "on",
            "all-0-field": "type",
            "all-0-operator": "is",
            "all-0-value": "type:incident",
            "target-first_reply_time-urgent": "30",
            "target-resolution_time-urgent": "480",
            "business-resolution_time": "on",
        },
    )
    assert response.status_code == 302
    policy = SlaPolicy.objects.for_account(acme).get(title="Gold")
    assert policy.conditions["all"] == [{"field": "type", "operator": "is", "value": "incident"}]
    assert {(m["metric"], m["target"], m["business_hours"]) for m in policy.metrics} == {
        ("first_reply_time", 30, False),
        ("resolution_time", 480, True),
    }
    page = client.get(PAGES).content.decode()
    assert "Gold" in page


def test_bad_targets_are_refused_with_a_message_and_nothing_lost(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    response = client.post(
        f"{PAGES}new/", {"title": "Gold", "target-first_reply_time-urgent": "-5"}
    )
    assert response.status_code == 200
    assert not SlaPolicy.objects.for_account(acme).exists()
    assert 'value="-5"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(f"{PAGES}new/", {"title": ""})
    assert "This field is required" in response.content.decode()


def test_admin_reorders_and_deactivates(acme, acme_admin, client_for, policy):
    second = sla_policy_create(account=acme, title="Second", conditions={}, metrics=[])
    client = client_for(acme_admin)
    client.post(f"{PAGES}{second.number}/move/", {"direction": "up"})
    titles = [p.title for p in SlaPolicy.objects.for_account(acme).order_by("position")]
    assert titles == ["Second", "Urgent first reply"]
    client.post(f"{PAGES}{policy.number}/active/", {"active": "0"})
    policy.refresh_from_db()
    assert not policy.is_active
    client.post(f"{PAGES}{policy.number}/delete/")
    assert not SlaPolicy.objects.for_account(acme).filter(pk=policy.pk).exists()


def test_agents_are_refused_and_other_accounts_policies_are_404(
    acme, globex, acme_agent, acme_admin, client_for
):
    theirs = sla_policy_create(account=globex, title="Theirs", conditions={}, metrics=[])
    assert client_for(acme_agent).get(PAGES).status_code == 403
    assert client_for(acme_admin).get(f"{PAGES}{theirs.number + 100}/").status_code == 404


# --- API ----------------------------------------------------------------------------


@pytest.fixture
def api(acme, acme_admin, client_for):
    _token, secret = api_token_create(account=acme, name="t", created_by=acme_admin)
    client = client_for(account=acme)
    auth = {"Authorization": basic_header(acme_admin.email, secret)}

    def call(method, path, body=None):
        kwargs = {"headers": auth}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(path, **kwargs)

    return call


def test_api_creates_shows_updates_and_deletes_policies_in_zendesks_shape(acme, api, acme_org):
    body = {
        "sla_policy": {
            "title": "Incidents",
            "filter": {
                "all": [
                    {"field": "type", "operator": "is", "value": "incident"},
                    {"field": "organization_id", "operator": "is", "value": acme_org.number},
                ],
                "any": [],
            },
            "policy_metrics": [
                {
                    "priority": "urgent",
                    "metric": "first_reply_time",
                    "target": 10,
                    "business_hours": False,
                }
            ],
        }
    }
    created = api("post", "/api/v2/slas/policies.json", body)
    assert created.status_code == 201, created.content
    policy = created.json()["sla_policy"]
    assert policy["filter"]["all"][1]["value"] == acme_org.number
    assert policy["policy_metrics"][0]["target"] == 10
    number = policy["id"]
    assert api("get", "/api/v2/slas/policies.json").json()["count"] == 1
    updated = api(
        "put", f"/api/v2/slas/policies/{number}.json", {"sla_policy": {"title": "Urgent incidents"}}
    )
    assert updated.json()["sla_policy"]["title"] == "Urgent incidents"
    assert updated.json()["sla_policy"]["filter"]["all"][1]["value"] == acme_org.number
    assert api("delete", f"/api/v2/slas/policies/{number}.json").status_code == 204
    assert api("get", f"/api/v2/slas/policies/{number}.json").status_code == 404


def test_api_refuses_bad_policies_with_422(api):
    bad = {
        "sla_policy": {
            "title": "X",
            "filter": {"all": [{"field": "assignee_id", "operator": "is", "value": 1}]},
            "policy_metrics": [{"priority": "urgent", "metric": "nope", "target": 1}],
        }
    }
    response = api("post", "/api/v2/slas/policies.json", bad)
    assert response.status_code == 422
    text = json.dumps(response.json())
    assert "nope" in text and "assignee_id" in text
    assert api("post", "/api/v2/slas/policies.json", {"oops": 1}).status_code == 422


def test_api_policies_are_admin_only(acme, acme_agent, client_for):
    _token, secret = api_token_create(account=acme, name="t", created_by=acme_agent)
    response = client_for(account=acme).get(
        "/api/v2/slas/policies.json",
        headers={"Authorization": basic_header(acme_agent.email, secret)},
    )
    assert response.status_code == 403


def test_ticket_slas_side_load(clock, acme, acme_agent, acme_user, api, policy):
    ticket = urgent(acme, acme_agent, acme_user)
    clock.shift(timedelta(minutes=15))
    body = api("get", f"/api/v2/tickets/{ticket.number}.json?include=slas").json()
    item = body["ticket"]["slas"]["policy_metrics"][0]
    assert item == {
        "breach_at": "2026-03-02T10:00:00Z",
        "stage": "active",
        "metric": "first_reply_time",
        "business_hours": False,
        "days": 0,
        "hours": 0,
        "minutes": 45,
    }
    listed = api("get", "/api/v2/tickets.json?include=slas").json()["tickets"]
    assert listed[0]["slas"]["policy_metrics"][0]["metric"] == "first_reply_time"
    assert "slas" not in api("get", f"/api/v2/tickets/{ticket.number}.json").json()["ticket"]


# --- Ticket page, lists, conditions ---------------------------------------------------


def test_ticket_page_shows_time_left_then_fulfilled(
    clock, acme, acme_agent, acme_user, client_for, policy
):
    ticket = urgent(acme, acme_agent, acme_user)
    client = client_for(acme_agent)
    clock.shift(timedelta(minutes=20))
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "First reply time" in page and "40\xa0minutes left" in page and "sla-at-risk" in page
    # The live countdown's hooks: the breach time and the page's words for it.
    assert 'data-sla-breach="2026-03-02T10:00:00' in page and "js/sla.js" in page
    assert 'data-sla-left="%(time)s left"' in page
    clock.shift(timedelta(minutes=50))
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "Breached 10\xa0minutes ago" in page and "sla-breached" in page
    comment_add(ticket=ticket, author=acme_agent, body="On it", public=True)
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "Fulfilled late" in page
    assert "data-sla-breach" not in page  # nothing left to count down


def _view(acme, admin, conditions, columns=("number", "subject", "sla"), sort_by="sla"):
    return view_create(
        account=acme,
        actor=admin,
        title="SLA",
        conditions=conditions,
        columns=list(columns),
        sort_by=sort_by,
        sort_order="asc",
    )


def test_breached_and_breaches_within_view_conditions(
    clock, acme, acme_admin, acme_agent, acme_user, client_for, policy
):
    early = urgent(acme, acme_agent, acme_user, subject="Early one")
    clock.shift(timedelta(minutes=50))
    late = urgent(acme, acme_agent, acme_user, subject="Late one")
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="No target")
    clock.shift(timedelta(minutes=20))  # early breached 10 minutes ago; late due in 40
    breached = _view(
        acme, acme_admin, {"all": [{"field": "sla_next_breach_at", "operator": "breached"}]}
    )
    within = _view(
        acme,
        acme_admin,
        {"all": [{"field": "sla_next_breach_at", "operator": "breaches_within_hours", "value": 1}]},
    )
    client = client_for(acme_admin)
    page = client.get(f"/agent/views/{breached.number}/").content.decode()
    assert early.subject in page and late.subject not in page and "No target" not in page
    assert "sla-breached" in page
    page = client.get(f"/agent/views/{within.number}/").content.decode()
    assert late.subject in page and early.subject not in page
    assert "in 40\xa0minutes" in page


def test_next_breach_column_and_sort_add_no_query_per_row(
    clock, acme, acme_admin, acme_agent, acme_user, client_for, policy
):
    view = _view(
        acme, acme_admin, {"all": [{"field": "status", "operator": "less_than", "value": "solved"}]}
    )
    client = client_for(acme_admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/agent/views/{view.number}/?sort=sla")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    urgent(acme, acme_agent, acme_user, subject="First due")
    before, _page = count()
    for i in range(4):
        clock.shift(timedelta(minutes=1))
        urgent(acme, acme_agent, acme_user, subject=f"Due {i}")
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Without SLA")
    after, page = count()
    assert before == after
    # Soonest breach first, tickets without a target last.
    assert (
        page.index("First due")
        < page.index("Due 0")
        < page.index("Due 3")
        < page.index("Without SLA")
    )


def test_end_users_never_see_sla_state(clock, acme, acme_agent, acme_user, client_for, policy):
    """Targets are the team's business: the help center and the end user's API show none."""
    from tests.api.conftest import token_for

    ticket = urgent(acme, acme_agent, acme_user, subject="Payments down")
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").content.decode()
    assert "Payments down" in page
    assert "First reply time" not in page and "sla-" not in page
    auth = {"Authorization": basic_header(acme_user.email, token_for(acme_user))}
    api = client_for(account=acme)
    body = api.get(f"/api/v2/requests/{ticket.number}.json?include=slas", headers=auth).json()
    assert "slas" not in json.dumps(body)
    assert (
        api.get(f"/api/v2/tickets/{ticket.number}.json?include=slas", headers=auth).status_code
        == 403
    )
