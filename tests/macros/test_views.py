"""Macro pages: the admin list (usage, fixed query count), the editor, the ticket page's
picker and preview (nothing saved), its Submit, and the lists' bulk "Apply macro"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from macros.models import Macro, MacroApplication
from macros.services import macro_create, macro_record_use
from tickets.models import TicketEvent


def test_admin_list_shows_usage_with_a_fixed_query_count(
    client_for, acme, acme_admin, acme_agent, refund_macro, ticket, billing
):
    macro_record_use(macros=[refund_macro], user=acme_agent, ticket=ticket)
    client = client_for(acme_admin)
    client.get("/agent/settings/macros/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        page = client.get("/agent/settings/macros/")
    assert page.status_code == 200
    assert "Billing::Refund sent" in page.content.decode()
    for i in range(8):
        macro_create(account=acme, actor=acme_admin, title=f"M{i}", actions=[], groups=[billing])
    with CaptureQueriesContext(connection) as many:
        client.get("/agent/settings/macros/")
    assert len(many) == len(few)


def test_agents_are_told_the_shared_list_is_for_admins(client_for, acme_agent):
    assert client_for(acme_agent).get("/agent/settings/macros/").status_code == 403
    assert client_for(acme_agent).get("/agent/macros/new/?shared=1").status_code == 403


def test_agent_creates_a_personal_macro_through_the_editor(client_for, acme, acme_agent):
    response = client_for(acme_agent).post(
        "/agent/macros/new/",
        {
            "title": "Mine::Hello",
            "active": "on",
            "status": "pending",
            "priority": "",
            "type": "",
            "assignee": "current_user",
            "add_tags": "hello",
            "comment_type": "internal",
            "comment": "Hello {{ticket.requester.first_name}}",
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.for_account(acme).get(title="Mine::Hello")
    assert macro.owner == acme_agent
    assert {"field": "assignee_id", "value": "current_user"} in macro.actions
    assert {"field": "comment_mode_is_public", "value": False} in macro.actions


def test_editor_refuses_bad_input_with_a_message(client_for, acme_agent):
    response = client_for(acme_agent).post(
        "/agent/macros/new/", {"title": " ", "ccs": "nobody@nowhere.example"}
    )
    assert response.status_code == 400
    assert "No user has these addresses" in response.content.decode()


def test_ticket_page_offers_the_picker_as_a_tree(client_for, acme_agent, refund_macro, ticket):
    html = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "Apply macro" in html
    assert "data-branch>Billing</li>" in html
    assert f'data-macro="{refund_macro.number}"' in html


def test_preview_fills_the_form_and_saves_nothing_with_fixed_queries(
    client_for, acme, acme_agent, refund_macro, ticket
):
    client = client_for(acme_agent)
    url = f"/agent/tickets/{ticket.number}/macros/{refund_macro.number}/apply/"
    before = TicketEvent.objects.for_account(acme).count()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        data = client.get(url).json()
    assert data["fields"] == {"status": "pending", "priority": "high"}
    assert data["comment"] == {
        "body": f"Hi Uma, refund for #{ticket.number} sent. {acme_agent.name}",
        "public": True,
    }
    assert data["tags"] == {"set": None, "add": ["billing", "refund"], "remove": []}
    assert TicketEvent.objects.for_account(acme).count() == before
    assert not MacroApplication.objects.for_account(acme).exists()
    assert len(queries) <= 8, [q["sql"] for q in queries]


def test_preview_on_a_private_ticket_says_the_reply_is_internal(
    client_for, acme_agent, refund_macro, private_ticket
):
    data = (
        client_for(acme_agent)
        .get(f"/agent/tickets/{private_ticket.number}/macros/{refund_macro.number}/apply/")
        .json()
    )
    assert data["comment"]["public"] is False and "private" in data["notice"]


def _sidebar(ticket, **changes):
    values = {
        "requester": ticket.requester.email,
        "ccs": "",
        "assignee": "",
        "group": "",
        "status": ticket.status,
        "type": ticket.type,
        "priority": ticket.priority,
        "tags": ticket.tags,
        "due_date": "",
    }
    data = {f"initial-side-{k}": v for k, v in values.items()}
    data |= {f"side-{k}": v for k, v in (values | changes).items()}
    return data


def test_submit_saves_the_reviewed_form_and_counts_each_macro(
    client_for, acme, acme_agent, refund_macro, ticket
):
    data = {
        "macro": [str(refund_macro.number)],
        "comment_type": "public",
        "body": "Hi Uma, your refund is on its way (edited).",
        "ccs": "",
        "status": "",
    } | _sidebar(ticket, status="pending", priority="high", tags="billing refund")
    response = client_for(acme_agent).post(f"/agent/tickets/{ticket.number}/submit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.tags) == ("pending", "high", "billing refund")
    assert ticket.comments.order_by("-id").first().body.endswith("(edited).")
    assert MacroApplication.objects.for_account(acme).filter(macro=refund_macro).count() == 1


def test_submit_with_a_public_reply_chosen_on_purpose_makes_a_private_ticket_public(
    client_for, acme_agent, refund_macro, private_ticket
):
    data = {
        "macro": [str(refund_macro.number)],
        "comment_type": "public",
        "body": "Chosen on purpose",
        "ccs": "",
        "status": "",
    } | _sidebar(private_ticket)
    client_for(acme_agent).post(f"/agent/tickets/{private_ticket.number}/submit/", data)
    private_ticket.refresh_from_db()
    assert private_ticket.is_public


def test_bulk_apply_reports_refused_tickets_by_number(
    client_for, acme_agent, refund_macro, ticket, private_ticket
):
    response = client_for(acme_agent).post(
        "/agent/tickets/bulk/macro/",
        {"tickets": [ticket.number, private_ticket.number], "macro": refund_macro.number},
        follow=True,
    )
    html = response.content.decode()
    assert "applied to 1 ticket" in html
    assert f"Ticket #{private_ticket.number} was not changed" in html
    ticket.refresh_from_db()
    assert ticket.status == "pending"


def test_list_offers_bulk_apply_macro(client_for, acme_agent, refund_macro, ticket):
    html = client_for(acme_agent).get("/agent/views/3/").content.decode()
    assert 'name="macro"' in html and "/agent/tickets/bulk/macro/" in html


@pytest.mark.parametrize("path", ["/agent/macros/", "/agent/settings/macros/"])
def test_end_users_get_404(client_for, acme_user, path):
    assert client_for(acme_user).get(path).status_code == 404


def test_preview_costs_the_same_whatever_the_conversation_and_the_macros(
    client_for, acme, acme_admin, acme_agent, ticket
):
    from tickets.services import comment_add

    macro = macro_create(
        account=acme,
        actor=acme_admin,
        title="Quote",
        actions=[
            {"field": "assignee_id", "value": "current_user"},
            {"field": "cc", "value": "current_user"},
            {"field": "comment_value", "value": "{{ticket.latest_public_comment}} {{ticket.url}}"},
        ],
    )
    client = client_for(acme_agent)
    url = f"/agent/tickets/{ticket.number}/macros/{macro.number}/apply/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(15):
        comment_add(ticket=ticket, author=acme_agent, body=f"note {i}", public=i % 2 == 0)
        macro_create(account=acme, actor=acme_admin, title=f"Other {i}", actions=[])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).json()["comment"]["body"].startswith("note 14")
    assert len(many) == len(few)
