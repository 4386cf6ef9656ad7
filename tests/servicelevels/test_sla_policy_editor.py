"""The SLA policy page's conditions: the view editor's rows, "all" and "any", offering
only the fields a policy may test; mistakes come back with a message and the rows kept."""

from servicelevels.models import SlaPolicy
from servicelevels.policies import sla_policy_create
from tests.factories import make_ticket
from tickets.conditions import public_conditions

PAGES = "/agent/settings/sla/"


def test_admin_sets_organization_priority_and_any_conditions_on_the_page(
    acme, acme_admin, acme_org, client_for
):
    client = client_for(acme_admin)
    page = client.get(f"{PAGES}new/").content.decode()
    assert 'value="requester_organization_id"' in page and 'value="priority"' in page
    assert 'value="status"' not in page and 'value="assignee_id"' not in page
    response = client.post(
        f"{PAGES}new/",
        {
            "title": "Key customer",
            "is_active": "on",
            "all-0-field": "requester_organization_id",
            "all-0-operator": "is",
            "all-0-text": str(acme_org.number),
            "any-0-field": "priority",
            "any-0-operator": "is",
            "any-0-value": "priority:urgent",
            "any-1-field": "current_tags",
            "any-1-operator": "includes",
            "any-1-text": "vip gold",
            "target-first_reply_time-urgent": "30",
        },
    )
    assert response.status_code == 302
    policy = SlaPolicy.objects.for_account(acme).get(title="Key customer")
    public = public_conditions(account=acme, conditions=policy.conditions)
    assert public["all"] == [
        {"field": "requester_organization_id", "operator": "is", "value": acme_org.number}
    ]
    assert [c["field"] for c in public["any"]] == ["priority", "current_tags"]
    # The edit page shows the rows back as saved.
    page = client.get(f"{PAGES}{policy.number}/").content.decode()
    assert f'value="{acme_org.number}"' in page
    assert 'value="priority:urgent" selected' in page
    assert public["any"][1]["value"] == "gold vip" and 'value="gold vip"' in page


def test_the_saved_conditions_decide_which_tickets_the_policy_measures(
    acme, acme_admin, acme_agent, acme_user, acme_org, client_for
):
    acme_user.organization = acme_org
    acme_user.save(update_fields=["organization"])
    client_for(acme_admin).post(
        f"{PAGES}new/",
        {
            "title": "Org",
            "is_active": "on",
            "all-0-field": "requester_organization_id",
            "all-0-operator": "is",
            "all-0-text": str(acme_org.number),
            "target-first_reply_time-normal": "60",
        },
    )
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="normal")
    assert ticket.sla.policy.title == "Org"


def test_bad_conditions_are_refused_with_a_message_and_nothing_lost(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    response = client.post(
        f"{PAGES}new/",
        {
            "title": "Gold",
            "all-0-field": "organization_id",
            "all-0-operator": "is",
            "all-0-text": "99999",
            "any-0-field": "type",
            "any-0-operator": "is",
            "any-0-value": "type:incident",
            "target-first_reply_time-urgent": "45",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is no organization number 99999" in page
    assert not SlaPolicy.objects.for_account(acme).exists()
    assert 'value="Gold"' in page and 'value="99999"' in page and 'value="45"' in page
    assert 'value="type:incident" selected' in page
    # A field only views may test (status) is not even on offer: the form says so.
    response = client.post(
        f"{PAGES}new/",
        {"title": "Gold", "all-0-field": "status", "all-0-operator": "is"},
    )
    assert response.status_code == 200
    assert "Select a valid choice. status is not one of the available choices." in (
        response.content.decode()
    )
    assert not SlaPolicy.objects.for_account(acme).exists()


def test_editing_keeps_conditions_the_page_did_not_touch(acme, acme_admin, acme_org, client_for):
    policy = sla_policy_create(
        account=acme,
        title="Mixed",
        conditions={
            "all": [{"field": "organization_id", "operator": "is", "value": acme_org.number}],
            "any": [
                {"field": "priority", "operator": "is", "value": "high"},
                {"field": "via", "operator": "is", "value": "email"},
            ],
        },
        metrics=[{"priority": "high", "metric": "first_reply_time", "target": 60}],
    )
    client = client_for(acme_admin)
    page = client.get(f"{PAGES}{policy.number}/").content.decode()
    assert 'value="priority:high" selected' in page and 'value="via:email" selected' in page
    response = client.post(
        f"{PAGES}{policy.number}/",
        {
            "title": "Mixed, renamed",
            "is_active": "on",
            "all-0-field": "organization_id",
            "all-0-operator": "is",
            "all-0-text": str(acme_org.number),
            "any-0-field": "priority",
            "any-0-operator": "is",
            "any-0-value": "priority:high",
            "any-1-field": "via",
            "any-1-operator": "is",
            "any-1-value": "via:email",
            "target-first_reply_time-high": "60",
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.title == "Mixed, renamed"
    public = public_conditions(account=acme, conditions=policy.conditions)
    assert public["all"][0]["value"] == acme_org.number and len(public["any"]) == 2
