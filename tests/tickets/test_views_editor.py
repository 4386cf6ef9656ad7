"""The view pages: an admin's shared views (Settings › Views), an agent's personal views,
the editor, and a view's list with its own columns and sort."""

from __future__ import annotations

import pytest

from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from tickets.models import View
from tickets.services.saved_views import view_create


def editor_post(**overrides) -> dict:
    data = {
        "title": "Urgent billing",
        "description": "",
        "is_active": "on",
        "visibility": "everyone",
        "columns": ["number", "subject", "priority", "group"],
        "sort_by": "priority",
        "sort_order": "desc",
    }
    data.update(overrides)
    return data


@pytest.fixture
def billing(acme, acme_agent):
    group = AgentGroupFactory(account=acme, name="Billing")
    group.memberships.create(account=acme, user=acme_agent)
    return group


def test_admin_builds_a_shared_view_that_agents_then_work_from(
    acme, acme_admin, acme_agent, billing, client_for
):
    make_ticket(
        account=acme,
        submitter=acme_agent,
        subject="Card declined",
        group=billing,
        priority="urgent",
    )
    make_ticket(
        account=acme, submitter=acme_agent, subject="Refund please", group=billing, priority="high"
    )
    make_ticket(
        account=acme, submitter=acme_agent, subject="Typo on invoice", group=billing, priority="low"
    )
    make_ticket(account=acme, submitter=acme_agent, subject="Printer", priority="urgent")
    admin = client_for(acme_admin)
    assert admin.get("/agent/settings/views/").status_code == 200
    assert admin.get("/agent/views/new/?shared=1").status_code == 200
    response = admin.post(
        "/agent/views/new/",
        editor_post(
            **{
                "all-0-field": "group_id",
                "all-0-operator": "is",
                "all-0-value": f"group:{billing.number}",
                "all-1-field": "status",
                "all-1-operator": "less_than",
                "all-1-value": "status:solved",
                "any-0-field": "priority",
                "any-0-operator": "is",
                "any-0-value": "priority:urgent",
                "any-1-field": "priority",
                "any-1-operator": "is",
                "any-1-value": "priority:high",
            }
        ),
    )
    view = View.objects.for_account(acme).get(title="Urgent billing")
    assert response.status_code == 302 and response["Location"] == f"/agent/views/{view.number}/"
    html = client_for(acme_agent).get(f"/agent/views/{view.number}/").text
    assert "Card declined" in html and "Refund please" in html
    assert "Typo on invoice" not in html and "Printer" not in html
    # Its own columns (no requester, no assignee) and its own sort (priority, highest first).
    assert "sort=requester" not in html and "sort=assignee" not in html
    assert "sort=priority" in html and "sort=group" in html
    assert html.index("Card declined") < html.index("Refund please")
    # The sidebar names it, with its count.
    link = f'href="/agent/views/{view.number}/" aria-current="page">'
    assert f'{link}Urgent billing <span class="count">2</span>' in html


def test_a_wrong_condition_is_shown_on_the_form_never_a_500(acme, acme_admin, client_for):
    response = client_for(acme_admin).post(
        "/agent/views/new/",
        editor_post(
            **{
                "all-0-field": "created_at",
                "all-0-operator": "is",  # dates take before/after/within…
                "all-0-text": "2026-01-01",
            }
        ),
    )
    assert response.status_code == 400
    assert "takes no operator" in response.text
    assert not View.objects.for_account(acme).filter(title="Urgent billing").exists()


def test_editor_shows_a_views_conditions_as_saved(acme, acme_admin, billing, client_for):
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Tagged",
        conditions={
            "all": [
                {"field": "group_id", "operator": "is", "value": billing.number},
                {"field": "current_tags", "operator": "includes", "value": "vip gold"},
            ],
            "any": [],
        },
    )
    html = client_for(acme_admin).get(f"/agent/views/{view.number}/edit/").text
    assert f'<option value="group:{billing.number}" selected>' in html
    assert 'value="gold vip"' in html


def test_agents_keep_personal_views_nobody_else_sees(acme, acme_agent, client_for):
    other = AgentFactory(account=acme)
    agent = client_for(acme_agent)
    assert agent.get("/agent/views/new/").status_code == 200
    # An agent's attempt to share is refused on the form (only "Only me" is offered).
    refused = agent.post("/agent/views/new/", editor_post(title="Shared?"))
    assert refused.status_code == 400
    response = agent.post("/agent/views/new/", editor_post(title="My queue", visibility="personal"))
    view = View.objects.for_account(acme).get(title="My queue")
    assert response.status_code == 302 and view.owner == acme_agent
    assert "My queue" in agent.get("/agent/views/personal/").text
    stranger = client_for(other)
    assert "My queue" not in stranger.get("/agent/").text
    for path in ("", "edit/"):
        assert stranger.get(f"/agent/views/{view.number}/{path}").status_code == 404
    for action in ("toggle", "move", "delete"):
        assert stranger.post(f"/agent/views/{view.number}/{action}/").status_code == 404
    assert View.objects.for_account(acme).filter(pk=view.pk, is_active=True).exists()


def test_plain_agents_cannot_edit_shared_views_but_may_clone_them(acme, acme_agent, client_for):
    unsolved = View.objects.for_account(acme).get(key="unsolved")
    agent = client_for(acme_agent)
    assert agent.get(f"/agent/views/{unsolved.number}/edit/").status_code == 404
    assert agent.post(f"/agent/views/{unsolved.number}/toggle/").status_code == 404
    assert agent.get("/agent/settings/views/").status_code == 403
    response = agent.post(f"/agent/views/{unsolved.number}/clone/")
    copy = View.objects.for_account(acme).get(title="Copy of All unsolved tickets")
    assert response["Location"] == f"/agent/views/{copy.number}/edit/"
    assert copy.is_personal and copy.owner == acme_agent


def test_admin_reorders_deactivates_and_deletes_shared_views(
    acme, acme_admin, acme_agent, client_for
):
    admin = client_for(acme_admin)
    recent = View.objects.for_account(acme).get(key="recent")
    admin.post(f"/agent/views/{recent.number}/move/", {"direction": "up"})
    keys = list(View.objects.for_account(acme).order_by("position").values_list("key", flat=True))
    assert keys[:4] == ["mine", "unassigned", "recent", "unsolved"]
    admin.post(f"/agent/views/{recent.number}/toggle/")
    sidebar = client_for(acme_agent).get("/agent/").text
    assert "Recently updated" not in sidebar and "All unsolved tickets" in sidebar
    admin.post(f"/agent/views/{recent.number}/delete/")
    assert not View.objects.for_account(acme).filter(key="recent").exists()
    assert client_for(acme_agent).get("/agent/views/recent/").status_code == 404


def test_view_pages_speak_italian(acme, acme_admin, client_for):
    acme_admin.locale = "it"
    acme_admin.save()
    html = client_for(acme_admin).get("/agent/settings/views/").text
    assert "Tutti i ticket non risolti" in html or "non risolti" in html
    assert "Aggiungi vista" in html
