import pytest

from macros.services import macro_create
from tests.factories import AgentGroupFactory, make_ticket


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Refund please", body="Hi"
    )


@pytest.fixture
def private_ticket(private_on, acme_agent, acme_user):
    return make_ticket(
        account=private_on,
        submitter=acme_agent,
        requester=acme_user,
        subject="Quiet prep",
        body="Notes",
        public=False,
    )


@pytest.fixture
def billing(acme, acme_agent):
    group = AgentGroupFactory(account=acme, name="Billing")
    group.memberships.create(account=acme, user=acme_agent)
    return group


@pytest.fixture
def refund_macro(acme, acme_admin):
    return macro_create(
        account=acme,
        actor=acme_admin,
        title="Billing::Refund sent",
        description="Tell the customer the refund is on its way",
        actions=[
            {"field": "status", "value": "pending"},
            {"field": "priority", "value": "high"},
            {"field": "current_tags", "value": "refund billing"},
            {"field": "comment_mode_is_public", "value": True},
            {
                "field": "comment_value",
                "value": "Hi {{ticket.requester.first_name}}, refund for #{{ticket.id}} sent. "
                "{{current_user.name}}",
            },
        ],
    )
