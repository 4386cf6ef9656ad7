"""Links in emails and command output point at the account's own site, port included
when the server runs on one (``make run`` sets SITE_PORT)."""

from notifications.rendering import ticket_url
from tests.factories import make_ticket


def test_email_links_carry_the_port_the_site_runs_on(settings, acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    settings.SITE_SCHEME, settings.SITE_PORT = "http", "8000"
    assert ticket_url(ticket, for_agent=False) == (
        f"http://acme.localhost:8000/hc/requests/{ticket.number}/"
    )
    settings.SITE_SCHEME, settings.SITE_PORT = "https", ""
    assert ticket_url(ticket, for_agent=True) == (
        f"https://acme.localhost/agent/tickets/{ticket.number}/"
    )
