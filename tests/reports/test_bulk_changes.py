"""Services that change many tickets with one UPDATE (a user merge, a person's erasure)
send no change set per ticket: they announce the tickets with
tickets.events.tickets_changed_in_bulk and the rollups recount them after commit
(reports.receivers), as an organization's deletion does (test_organization_deleted.py).

Today neither changes a number the rollups count (the requester is no dimension and
both people are end users before and after), so what the tests hold is the
announcement and its effect: a ticket whose rollups were left behind before the
merge is recounted by it, equal to a rebuild after."""

import pytest

from reports.models import ReportTicket
from reports.services import account_rebuild
from tests.factories import EndUserFactory, make_ticket
from tests.reports.test_rollups import _coarse_tables, _counted, _table
from tickets.events import tickets_changed_in_bulk
from tickets.models import Ticket
from tickets.services import comment_add, ticket_update
from tickets.services.privacy import person_erase
from tickets.services.user_merge import users_merge


@pytest.fixture
def announced():
    seen: list[tuple[int, list[int]]] = []

    def receiver(sender, account_id, ticket_ids, **kwargs):
        seen.append((account_id, sorted(ticket_ids)))

    tickets_changed_in_bulk.connect(receiver, dispatch_uid="tests.reports.bulk")
    yield seen
    tickets_changed_in_bulk.disconnect(dispatch_uid="tests.reports.bulk")


def _history(acme, agent, person, run, n):
    tickets = []
    for _ in range(n):
        ticket = run(make_ticket, account=acme, submitter=person, requester=person)
        run(comment_add, ticket=ticket, author=agent, body="On it", public=True)
        run(ticket_update, ticket=ticket, actor=agent, status="solved")
        tickets.append(ticket)
    return tickets


def _stale(acme, ticket):
    """Leave the ticket's rollups behind it, as a missed refresh would: its priority
    changed by an UPDATE that announced nothing."""
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(priority="urgent")


def _equal_to_a_rebuild(acme):
    incremental, counted, coarse = _table(acme), _counted(acme), _coarse_tables(acme)
    account_rebuild(account=acme)
    return (incremental, counted, coarse) == (_table(acme), _counted(acme), _coarse_tables(acme))


def test_a_user_merge_recounts_the_tickets_it_moved(acme, acme_admin, acme_agent, run, announced):
    source, target = EndUserFactory(account=acme), EndUserFactory(account=acme)
    moved = _history(acme, acme_agent, source, run, 2)
    _history(acme, acme_agent, target, run, 1)
    _stale(acme, moved[0])

    run(users_merge, source=source, target=target, actor=acme_admin)

    assert announced == [(acme.pk, sorted(t.pk for t in moved))]
    stored = ReportTicket.objects.for_account(acme).get(ticket_id=moved[0].pk)
    assert "urgent" in str(stored.counted)  # recounted after commit
    assert _equal_to_a_rebuild(acme)


def test_erasing_a_person_recounts_their_tickets(acme, acme_admin, acme_agent, run, announced):
    person = EndUserFactory(account=acme)
    theirs = _history(acme, acme_agent, person, run, 2)
    _stale(acme, theirs[1])

    run(person_erase, person=person, actor=acme_admin)

    assert announced == [(acme.pk, sorted(t.pk for t in theirs))]
    assert "urgent" in str(
        ReportTicket.objects.for_account(acme).get(ticket_id=theirs[1].pk).counted
    )
    assert _equal_to_a_rebuild(acme)


def test_a_person_leaving_the_team_stops_counting_as_an_agent(
    acme, acme_admin, acme_user, run, announced
):
    """The reports count agents' public replies and the tickets agents opened by the
    author's role now: an agent made an end user takes their replies out of the counts
    (and a ticket they opened gets a first reply to wait for), after commit."""
    from accounts.user_services import user_update
    from reports.models import ReportGroupDay
    from tests.factories import AgentFactory

    leaver = AgentFactory(account=acme)
    ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(comment_add, ticket=ticket, author=leaver, body="On it", public=True)
    opened = run(make_ticket, account=acme, submitter=leaver, requester=acme_user)

    def replies():
        return sum(row.replies for row in ReportGroupDay.objects.for_account(acme))

    assert replies() == 1
    run(user_update, user=leaver, actor=acme_admin, role="end_user")

    assert announced == [(acme.pk, sorted([ticket.pk, opened.pk]))]
    assert replies() == 0
    assert _equal_to_a_rebuild(acme)
