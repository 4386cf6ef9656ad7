"""Custom statuses' backfill (issue 19): migration 0016 no longer rewrites the tickets
table; tickets without a custom status read as their category until
``manage.py backfill_custom_statuses`` gives them their category's default, a batch per
transaction, without touching their updated_at; re-running finds nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from tests.factories import make_ticket
from tickets.models import CustomStatus, Ticket
from tickets.services import ticket_update


def test_backfill_gives_each_ticket_its_categorys_default_in_batches(
    acme, acme_agent, acme_user, globex, client_for
):
    made = {
        status: make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
        for status in ("new", "pending", "solved", "closed")
    }
    for status, ticket in made.items():
        if status != "new":
            ticket_update(ticket=ticket, actor=acme_agent, status=status)
    tickets = Ticket.objects.for_account(acme)
    before = dict(tickets.values_list("pk", "updated_at"))
    tickets.update(custom_status=None)  # as migration 0016 now leaves them
    # Meanwhile a ticket without one reads as its category.
    page = client_for(acme_user).get(f"/hc/requests/{made['pending'].number}/").content.decode()
    assert "Awaiting your reply" in page

    out = StringIO()
    call_command("backfill_custom_statuses", "--batch", "1", stdout=out)
    assert f"{acme.subdomain}: 4 tickets filled" in out.getvalue()
    defaults = {
        s.category: s.pk for s in CustomStatus.objects.for_account(acme).filter(is_default=True)
    }
    filled = dict(tickets.values_list("status", "custom_status"))
    assert filled == {
        "new": defaults["new"],
        "pending": defaults["pending"],
        "solved": defaults["solved"],
        "closed": defaults["solved"],
    }
    assert dict(tickets.values_list("pk", "updated_at")) == before

    again = StringIO()
    call_command("backfill_custom_statuses", stdout=again)
    assert f"{acme.subdomain}: 0 tickets filled" in again.getvalue()


def test_before_the_backfill_views_and_the_api_read_unfilled_tickets_as_their_default(
    acme, acme_admin, acme_agent, acme_user
):
    """Tickets the backfill has not reached yet: a view on a category's default status
    finds them (Closed under Solved's default), one on another status of the category
    does not, "is not" leaves them out; the API answers the default's number, not null."""
    from tests.api.conftest import ApiClient, basic_header, token_for
    from tickets.selectors import view_matching
    from tickets.services.saved_views import view_create

    pending = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_update(ticket=pending, actor=acme_agent, status="pending")
    closed = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_update(ticket=closed, actor=acme_agent, status="closed")
    opened = make_ticket(account=acme, submitter=acme_agent, assignee=acme_agent)
    Ticket.objects.for_account(acme).update(custom_status=None)  # as migration 0016 leaves them
    statuses = CustomStatus.objects.for_account(acme)
    default = {s.category: s for s in statuses.filter(is_default=True)}
    other_pending = statuses.filter(category="pending", is_default=False).first() or (
        CustomStatus.objects.create(
            account=acme, number=900, category="pending", agent_label="Awaiting parts"
        )
    )

    def matching(status, operator="is"):
        view = view_create(
            account=acme,
            actor=acme_admin,
            title=f"{status.agent_label} {operator}",
            conditions={
                "all": [{"field": "custom_status_id", "operator": operator, "value": status.number}]
            },
        )
        return set(view_matching(view=view, viewer=acme_agent))

    assert matching(default["pending"]) == {pending}
    assert matching(default["solved"]) == {closed}
    assert matching(default["open"]) == {opened}
    assert matching(other_pending) == set()
    assert matching(default["pending"], "is_not") == {closed, opened}

    api = ApiClient(acme)
    api.credentials(HTTP_AUTHORIZATION=basic_header(acme_agent.email, token_for(acme_agent)))
    rows = {t["id"]: t for t in api.get("/api/v2/tickets.json").json()["tickets"]}
    assert rows[pending.number]["custom_status_id"] == default["pending"].number
    assert rows[closed.number]["custom_status_id"] == default["solved"].number
    shown = api.get(f"/api/v2/tickets/{opened.number}.json").json()["ticket"]
    assert shown["custom_status_id"] == default["open"].number
