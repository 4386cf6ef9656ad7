"""/api/v2/tickets…: Zendesk's envelopes, fields and status codes, on the domain rules."""

from __future__ import annotations

import pytest

from notifications.services import trigger_create
from tests.factories import AgentGroupFactory, EndUserFactory, make_ticket
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

pytestmark = pytest.mark.django_db


def _create(api, **ticket):
    ticket.setdefault("subject", "Printer on fire")
    ticket.setdefault("comment", {"body": "It is on fire."})
    return api.post("tickets.json", {"ticket": ticket})


def test_create_answers_ticket_and_audit_with_zendesk_fields(agent_api, acme_agent, acme_user):
    response = _create(agent_api, requester_id=acme_user.number, type="question", tags=["vip"])

    assert response.status_code == 201
    body = response.json()
    ticket = body["ticket"]
    assert ticket["id"] == 1
    assert ticket["url"] == "http://acme.localhost/api/v2/tickets/1.json"
    assert ticket["subject"] == "Printer on fire"
    assert ticket["description"] == "It is on fire."
    assert ticket["status"] == "new"
    assert ticket["type"] == "question"
    assert ticket["requester_id"] == acme_user.number
    assert ticket["submitter_id"] == acme_agent.number
    assert ticket["organization_id"] == acme_user.organization.number
    assert ticket["tags"] == ["vip"]
    assert ticket["is_public"] is True
    assert ticket["via"]["channel"] == "api"
    for field in (
        "assignee_id",
        "group_id",
        "collaborator_ids",
        "email_cc_ids",
        "due_at",
        "priority",
        "created_at",
        "updated_at",
    ):
        assert field in ticket
    audit = body["audit"]
    assert audit["ticket_id"] == 1
    comment = next(e for e in audit["events"] if e["type"] == "Comment")
    assert comment["body"] == "It is on fire."
    assert comment["public"] is True
    # Stored as our own type: question ↔ request.
    stored = tickets_visible_to(viewer=acme_agent).get(number=1)
    assert stored.type == Ticket.Type.REQUEST and stored.channel == "api"


def test_create_with_new_requester_finds_or_creates_the_user(agent_api, acme):
    first = _create(agent_api, requester={"name": "Nina New", "email": "Nina@New.example"})
    second = _create(agent_api, requester={"email": "nina@new.example"})

    assert first.status_code == second.status_code == 201
    requester_id = first.json()["ticket"]["requester_id"]
    assert second.json()["ticket"]["requester_id"] == requester_id
    user = agent_api.get(f"users/{requester_id}.json").json()["user"]
    assert user["name"] == "Nina New" and user["role"] == "end-user"


def test_task_type_maps_to_change_and_back(agent_api, acme_agent):
    response = _create(agent_api, type="task")
    assert response.json()["ticket"]["type"] == "task"
    assert tickets_visible_to(viewer=acme_agent).get(number=1).type == Ticket.Type.CHANGE


def test_html_body_and_email_ccs(agent_api, acme_user):
    response = _create(
        agent_api,
        comment={"html_body": "<p>Hello <b>there</b><script>x()</script></p>"},
        email_ccs=[{"user_email": "cc@customer.example", "user_name": "Cee"}],
    )
    assert response.status_code == 201, response.json()
    ticket = response.json()["ticket"]
    assert len(ticket["email_cc_ids"]) == 1 and ticket["collaborator_ids"] == ticket["email_cc_ids"]
    comments = agent_api.get("tickets/1/comments.json").json()["comments"]
    assert "script" not in comments[0]["html_body"]
    assert comments[0]["body"].startswith("Hello there")


def test_create_answers_the_ticket_as_its_triggers_left_it(agent_api, acme, acme_user):
    # The answer is built from the objects in hand, not re-read: a trigger's field
    # actions on the new ticket (through ticket_update, on a row of its own) show in it.
    trigger_create(
        account=acme,
        name="Urgent on arrival",
        conditions=[{"field": "update_type", "operator": "is", "value": "created"}],
        actions=[
            {"action": "set_priority", "value": "urgent"},
            {"action": "add_tag", "value": "triaged"},
        ],
    )
    second, first = EndUserFactory(account=acme), EndUserFactory(account=acme)

    response = _create(
        agent_api, tags=["vip"], collaborator_ids=[second.number, first.number, second.number]
    )

    assert response.status_code == 201, response.json()
    answered = response.json()["ticket"]
    assert answered["priority"] == "urgent"
    assert answered["tags"] == ["triaged", "vip"]
    assert answered["collaborator_ids"] == [second.number, first.number]
    shown = agent_api.get(f"tickets/{answered['id']}.json").json()["ticket"]
    assert answered == shown


def test_get_show_and_list(agent_api, acme, acme_agent):
    make_ticket(account=acme, submitter=acme_agent, subject="One")
    make_ticket(account=acme, submitter=acme_agent, subject="Two")

    listing = agent_api.get("tickets.json").json()
    assert [t["subject"] for t in listing["tickets"]] == ["One", "Two"]
    assert listing["count"] == 2 and listing["next_page"] is None
    assert agent_api.get("tickets/2.json").json()["ticket"]["subject"] == "Two"
    # Without the .json suffix too, as Zendesk accepts.
    assert agent_api.get("tickets/2").json()["ticket"]["subject"] == "Two"


def test_show_many(agent_api, acme, acme_agent):
    for subject in ("A", "B", "C"):
        make_ticket(account=acme, submitter=acme_agent, subject=subject)
    body = agent_api.get("tickets/show_many.json", {"ids": "1,3,99,x"}).json()
    assert [t["id"] for t in body["tickets"]] == [1, 3]


def test_update_fields_and_audit_lists_changes(agent_api, acme, acme_agent):
    group = AgentGroupFactory(account=acme, name="Tier 2")
    group.memberships.create(account=acme, user=acme_agent)
    make_ticket(account=acme, submitter=acme_agent)

    response = agent_api.put(
        "tickets/1.json",
        {
            "ticket": {
                "status": "pending",
                "priority": "high",
                "assignee_id": acme_agent.number,
                "group_id": group.number,
                "additional_tags": ["billing"],
                "due_at": "2026-12-24T10:00:00Z",
            }
        },
    )

    assert response.status_code == 200, response.json()
    ticket = response.json()["ticket"]
    assert ticket["status"] == "pending" and ticket["priority"] == "high"
    assert ticket["assignee_id"] == acme_agent.number and ticket["group_id"] == group.number
    assert ticket["tags"] == ["billing"]
    assert ticket["due_at"] == "2026-12-24T10:00:00Z"
    changed = {e["field_name"] for e in response.json()["audit"]["events"] if e["type"] == "Change"}
    # Zendesk's names, as the ticket's audits read from the history give them.
    assert {"status", "priority", "assignee_id", "group_id", "tags"} <= changed
    events = {e["field_name"]: e for e in response.json()["audit"]["events"]}
    assert events["assignee_id"]["value"] == acme_agent.number
    assert events["group_id"]["value"] == group.number
    number = response.json()["ticket"]["id"]
    history = agent_api.get(f"tickets/{number}/audits.json").json()["audits"][-1]
    assert {e["field_name"] for e in history["events"] if e["type"] == "Change"} >= {
        "assignee_id",
        "group_id",
    }


def test_audit_ids_are_unique_and_grow(agent_api, acme, acme_agent):
    """An audit's id names that change set: not shared by two tickets' first audits (as
    a count of the ticket's events was), and later for a later change."""
    create = {"ticket": {"subject": "One", "comment": {"body": "First"}}}
    first = agent_api.post("tickets.json", create).json()["audit"]["id"]
    second = agent_api.post("tickets.json", create).json()["audit"]["id"]
    update = agent_api.put("tickets/1.json", {"ticket": {"priority": "high"}})
    assert update.status_code == 200
    assert len({first, second, update.json()["audit"]["id"]}) == 3
    assert first < second < update.json()["audit"]["id"]


def test_update_adds_comment_and_internal_note(agent_api, acme, acme_agent):
    make_ticket(account=acme, submitter=acme_agent)
    agent_api.put("tickets/1.json", {"ticket": {"comment": {"body": "Public reply"}}})
    agent_api.put("tickets/1.json", {"ticket": {"comment": {"body": "Note", "public": False}}})

    comments = agent_api.get("tickets/1/comments.json").json()["comments"]
    assert [(c["body"], c["public"]) for c in comments] == [
        ("It is on fire.", True),
        ("Public reply", True),
        ("Note", False),
    ]


def test_closed_ticket_refuses_changes_with_record_invalid(agent_api, acme, acme_agent):
    make_ticket(account=acme, submitter=acme_agent, status="closed")
    response = agent_api.put("tickets/1.json", {"ticket": {"priority": "low"}})
    assert response.status_code == 422
    assert response.json()["error"] == "RecordInvalid"
    assert response.json()["details"]["base"][0]["description"]


def test_delete(agent_api, acme, acme_agent):
    make_ticket(account=acme, submitter=acme_agent)
    assert agent_api.delete("tickets/1.json").status_code == 204
    assert agent_api.get("tickets/1.json").status_code == 404


def test_update_many_queues_a_job_that_completes_with_a_result_per_ticket(
    agent_api, acme, acme_agent, django_capture_on_commit_callbacks
):
    for _ in range(3):
        make_ticket(account=acme, submitter=acme_agent)
    with django_capture_on_commit_callbacks() as callbacks:
        response = agent_api.put(
            "tickets/update_many.json?ids=1,2,77",
            {"ticket": {"status": "open", "additional_tags": ["bulk"]}},
        )
    assert response.status_code == 200, response.json()
    job = response.json()["job_status"]
    assert (job["status"], job["total"], job["progress"], job["results"]) == ("queued", 3, 0, None)
    assert job["url"].startswith("http://acme.localhost/api/v2/job_statuses/")
    # Queued: nothing changed yet, and polling says so.
    assert agent_api.get(job["url"]).json()["job_status"]["status"] == "queued"
    assert {t["status"] for t in agent_api.get("tickets.json").json()["tickets"]} == {"new"}

    for callback in callbacks:  # the commit: the Celery task runs (eager, no broker)
        callback()

    final = agent_api.get(job["url"]).json()["job_status"]
    assert (final["id"], final["status"], final["progress"]) == (job["id"], "completed", 3)
    assert [(r["id"], r["success"], r["status"]) for r in final["results"]] == [
        (1, True, "Updated"),
        (2, True, "Updated"),
        (77, False, "Failed"),
    ]
    assert final["results"][2]["error"] == "RecordNotFound"
    tickets = agent_api.get("tickets.json").json()["tickets"]
    assert [(t["status"], t["tags"]) for t in tickets] == [
        ("open", ["bulk"]),
        ("open", ["bulk"]),
        ("new", []),
    ]


def test_comments_of_a_ticket_with_side_loaded_authors(agent_api, acme, acme_agent, acme_user):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    body = agent_api.get("tickets/1/comments.json", {"include": "users"}).json()
    assert body["comments"][0]["author_id"] == acme_agent.number
    assert [u["id"] for u in body["users"]] == [acme_agent.number]


def test_side_loading_users_groups_organizations(agent_api, acme, acme_agent, acme_user):
    group = AgentGroupFactory(account=acme, name="Tier 1")
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, group=group)
    body = agent_api.get("tickets.json", {"include": "users,groups,organizations"}).json()
    assert {u["id"] for u in body["users"]} == {acme_agent.number, acme_user.number}
    assert [g["name"] for g in body["groups"]] == ["Tier 1"]
    assert [o["name"] for o in body["organizations"]] == ["Acme Customers Ltd"]


def test_list_is_a_fixed_number_of_queries(
    agent_api, acme, acme_agent, django_assert_max_num_queries
):
    for _ in range(5):
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=EndUserFactory(account=acme)
        )
    del ticket
    with django_assert_max_num_queries(12):
        response = agent_api.get("tickets.json", {"include": "users,groups,organizations"})
    assert len(response.json()["tickets"]) == 5


def test_none_and_unknown_query_parameters_are_tolerated(agent_api, acme, acme_agent):
    make_ticket(account=acme, submitter=acme_agent)
    response = agent_api.get(
        "tickets.json",
        {"include": "None", "per_page": "None", "page": "None", "sort_by": "None", "whatever": "1"},
    )
    assert response.status_code == 200
    assert len(response.json()["tickets"]) == 1
