"""An organization deleted empties its tickets' organization in one UPDATE; the rollups
follow after commit (reports.services.tickets_refresh), equal to a rebuild."""

from accounts.organization_services import organization_delete
from reports.models import ReportOrganizationDay
from reports.services import account_rebuild
from tests.factories import OrganizationFactory, make_ticket
from tests.reports.test_rollups import _coarse_tables, _counted, _table
from tickets.services import ticket_update


def test_deleting_an_organization_moves_its_counts_to_none(
    acme, acme_admin, acme_agent, acme_user, run
):
    gone, kept = OrganizationFactory(account=acme), OrganizationFactory(account=acme)
    for organization in (gone, gone, kept):
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(ticket_update, ticket=ticket, actor=acme_agent, organization=organization)
    run(ticket_update, ticket=ticket, actor=acme_agent, status="solved")

    run(organization_delete, organization=gone, actor=acme_admin)

    by_organization = {
        row.organization_pk: row.created
        for row in ReportOrganizationDay.objects.for_account(acme)
        if row.created
    }
    assert by_organization == {0: 2, kept.pk: 1}
    incremental, counted, coarse = _table(acme), _counted(acme), _coarse_tables(acme)
    account_rebuild(account=acme)
    assert (incremental, counted, coarse) == (_table(acme), _counted(acme), _coarse_tables(acme))


def test_a_bulk_refresh_twice_adds_nothing(acme, acme_admin, acme_agent, acme_user, run):
    from reports.services import tickets_refresh

    gone = OrganizationFactory(account=acme)
    ids = []
    for _ in range(3):
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(ticket_update, ticket=ticket, actor=acme_agent, organization=gone)
        ids.append(ticket.pk)
    run(organization_delete, organization=gone, actor=acme_admin)
    before = _table(acme)
    tickets_refresh(account_id=acme.pk, ticket_ids=ids)
    assert _table(acme) == before
