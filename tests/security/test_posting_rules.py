"""Who may post to a ticket is one rule (tickets.selectors.ticket_takes_posts_from), and
every channel gives the same answer: the help center's reply form, an emailed reply
(threaded by the ticket's reply address) and the API's ``PUT /requests/{id}.json``.

A reply that is refused does not land on the ticket: the help center and the API answer
404 (the ticket is not theirs to see), inbound email opens the sender's own new ticket.
Agents have their own road in two channels: the help center sends them to the agent
workspace, and the requests endpoint shows them only what they requested, so their API
road is ``PUT /tickets/{id}.json``."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications import addresses
from tests.api.conftest import ApiClient, basic_header, token_for
from tests.factories import EndUserFactory, OrganizationFactory, make_ticket
from tests.notifications.payloads import (
    MAILGUN_SIGNING_KEY,
    WEBHOOK_SECRET,
    post_postmark,
    postmark_payload,
)
from tickets.models import Comment
from tickets.services import ticket_add_ccs

ROLES = {
    "requester": True,
    "ccd_user": True,
    "organization_manager": True,
    "colleague": False,
    "stranger": False,
    "agent": True,
}


@pytest.fixture(autouse=True)
def _inbound_on(settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
    }
    mail.outbox = []


@pytest.fixture
def people(acme, acme_org, acme_agent, acme_user, acme_manager):
    other_org = OrganizationFactory(account=acme, name="Elsewhere Ltd", domains=[])
    return {
        "requester": acme_user,
        "ccd_user": EndUserFactory(account=acme, email="carl@partner.example", name="Carl"),
        "organization_manager": acme_manager,
        "colleague": EndUserFactory(
            account=acme, email="col@customer.example", name="Colin", organization=acme_org
        ),
        "stranger": EndUserFactory(
            account=acme, email="sam@elsewhere.example", name="Sam", organization=other_org
        ),
        "agent": acme_agent,
    }


@pytest.fixture
def ticket(acme, acme_agent, people):
    ticket = make_ticket(
        account=acme, submitter=people["requester"], subject="Printer on fire", body="Smoke."
    )
    ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[people["ccd_user"]])
    assert ticket.organization_id == people["requester"].organization_id
    return ticket


def _landed(ticket, body: str) -> bool:
    return Comment.objects.for_account(ticket.account).filter(ticket=ticket, body=body).exists()


def reply_in_help_center(client_for, ticket, user, body: str) -> bool:
    client = client_for(user)
    response = client.post(f"/hc/requests/{ticket.number}/", {"body": body})
    if user.is_agent:
        # The help center is not the agents' place: it sends them to the workspace.
        workspace = f"/agent/tickets/{ticket.number}/"
        assert response.status_code == 302 and response.url.endswith(workspace)
        response = client.post(
            f"{workspace}reply/", {"body": body, "comment_type": "public", "status": ""}
        )
        assert response.status_code == 302
    else:
        assert response.status_code in (302, 404)
    return _landed(ticket, body)


def reply_by_email(client_for, ticket, user, body: str) -> bool:
    payload = postmark_payload(
        sender=user.email, to=addresses.reply_address(ticket), text=body, sender_name=user.name
    )
    assert post_postmark(payload).status_code == 200
    return _landed(ticket, body)


def reply_through_the_api(client_for, ticket, user, body: str) -> bool:
    api = ApiClient(ticket.account)
    api.credentials(HTTP_AUTHORIZATION=basic_header(user.email, token_for(user)))
    if user.is_agent:
        response = api.put(f"tickets/{ticket.number}.json", {"ticket": {"comment": {"body": body}}})
    else:
        response = api.put(
            f"requests/{ticket.number}.json", {"request": {"comment": {"body": body}}}
        )
    assert response.status_code in (200, 404)
    return _landed(ticket, body)


CHANNELS = {
    "help_center": reply_in_help_center,
    "inbound_email": reply_by_email,
    "api_requests": reply_through_the_api,
}


@pytest.mark.parametrize("role", ROLES)
def test_every_channel_gives_the_same_answer_on_who_may_post(role, people, ticket, client_for):
    user = people[role]
    answers = {
        channel: post(client_for, ticket, user, f"{channel} reply from {role}")
        for channel, post in CHANNELS.items()
    }
    assert answers == dict.fromkeys(CHANNELS, ROLES[role])


@pytest.mark.parametrize("role", ROLES)
def test_the_rule_itself_answers_as_the_channels_do(role, people, ticket):
    from tickets.selectors import ticket_takes_posts_from

    assert ticket_takes_posts_from(ticket=ticket, author=people[role]) is ROLES[role]


def test_a_refused_email_opens_the_senders_own_ticket(people, ticket):
    colleague = people["colleague"]
    reply_by_email(None, ticket, colleague, "Me too!")
    own = Comment.objects.for_account(ticket.account).get(body="Me too!")
    assert own.ticket != ticket
    assert own.ticket.requester == colleague
