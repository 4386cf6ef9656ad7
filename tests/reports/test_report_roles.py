"""The reports follow the viewer's role (accounts.roles) and report scope (reports.access):
a role that withholds the reports gets neither the page, the closures report nor the link;
the closures report counts only the tickets the viewer's scope holds."""

from __future__ import annotations

from accounts.models import AgentRole
from closing.services import reason_create, ticket_explain_and_close
from tests.factories import AgentFactory, make_ticket
from tickets.services import ticket_update


def _closed(acme, *, closer, assignee, requester, reason, subject):
    ticket = make_ticket(account=acme, submitter=requester, requester=requester, subject=subject)
    ticket_update(ticket=ticket, actor=closer, assignee=assignee)
    ticket_explain_and_close(
        ticket=ticket,
        actor=closer,
        reason=reason,
        root_cause="network",
        explanation="Done.",
    )
    return ticket


def test_a_role_without_reports_gets_neither_the_pages_nor_the_link(acme, client_for):
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    client = client_for(light)
    assert client.get("/agent/reports/").status_code == 403
    assert client.get("/agent/reports/closures/").status_code == 403
    assert 'href="/agent/reports/"' not in client.get("/agent/").text


def test_an_agent_sees_the_nav_link_and_only_their_scopes_closures(
    acme, acme_admin, acme_agent, acme_user, client_for
):
    other = AgentFactory(account=acme, email="other@acme.example")
    reason = reason_create(account=acme, title="Fixed")
    mine = dict(closer=acme_agent, assignee=acme_agent, requester=acme_user, reason=reason)
    _closed(acme, subject="Mine", **mine)
    theirs = dict(closer=other, assignee=other, requester=acme_user, reason=reason)
    _closed(acme, subject="Theirs", **theirs)

    agent = client_for(acme_agent)
    assert 'href="/agent/reports/"' in agent.get("/agent/").text
    page = agent.get("/agent/reports/closures/")
    assert page.status_code == 200
    assert "<td>Fixed</td><td>1</td>" in page.text.replace("\n", "")
    everything = client_for(acme_admin).get("/agent/reports/closures/")
    assert "<td>Fixed</td><td>2</td>" in everything.text.replace("\n", "")


def test_a_failing_refresh_is_logged_and_the_committed_change_stands(
    acme, acme_agent, acme_user, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from reports import services

    def broken(**kwargs):
        raise RuntimeError("rollup table unavailable")

    with django_capture_on_commit_callbacks(execute=True):  # its own transaction's refresh
        ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject="Hi")
    monkeypatch.setattr(services, "ticket_refresh", broken)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=ticket, actor=acme_agent, priority="high")
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert "Could not refresh the reports of ticket" in caplog.text
