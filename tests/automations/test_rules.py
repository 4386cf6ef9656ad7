"""What an automation may say, decided when it is saved (automations.rules), and the
defaults every account starts with."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from automations.models import Automation
from automations.runs import automation_run
from automations.services import automation_create
from notifications.models import Delivery
from tests.automations.conftest import age
from tests.factories import AccountFactory, AgentGroupFactory, make_ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.django_db

PENDING_3_DAYS = [
    {"field": "status", "operator": "is", "value": "pending"},
    {"field": "pending_since", "operator": "older_than_hours", "value": 72},
]


def _create(account, conditions, actions, name="Rule"):
    return automation_create(
        account=account, name=name, conditions={"all": conditions}, actions=actions
    )


def test_a_tag_it_adds_and_a_condition_excludes_makes_it_fire_once(acme):
    _create(
        acme,
        [*PENDING_3_DAYS, {"field": "current_tags", "operator": "not_includes", "value": "x y"}],
        [{"action": "add_tag", "value": "y"}],
    )


def test_a_status_it_leaves_makes_it_fire_once(acme):
    _create(acme, PENDING_3_DAYS, [{"action": "set_status", "value": "open"}])
    _create(
        acme,
        [{"field": "status", "operator": "less_than", "value": "solved"}],
        [{"action": "set_status", "value": "solved"}],
        name="Ordered",
    )


def test_a_group_it_sets_makes_it_fire_once(acme):
    billing = AgentGroupFactory(account=acme, name="Billing")
    _create(
        acme,
        [{"field": "group_id", "operator": "is", "value": None}],
        [{"action": "set_group", "value": str(billing.number)}],
    )


@pytest.mark.parametrize(
    "actions",
    [
        [{"action": "set_status", "value": "pending"}],  # stays pending: fires every pass
        [{"action": "add_tag", "value": "reminded"}],  # no condition excludes the tag
        [{"action": "email_requester", "subject": "Hi", "body": "Still there?"}],
    ],
)
def test_an_automation_that_would_fire_at_every_pass_is_refused(acme, actions):
    with pytest.raises(ValidationError, match="at every pass"):
        _create(acme, PENDING_3_DAYS, actions)
    assert not Automation.objects.for_account(acme).filter(name="Rule").exists()


def test_current_user_and_empty_rules_are_refused_with_reasons(acme):
    with pytest.raises(ValidationError, match="current user"):
        _create(
            acme,
            [{"field": "assignee_id", "operator": "is", "value": "current_user"}],
            [{"action": "set_status", "value": "open"}],
        )
    with pytest.raises(ValidationError, match="at least one action"):
        _create(acme, PENDING_3_DAYS, [])
    with pytest.raises(ValidationError, match="at least one condition"):
        _create(acme, [], [{"action": "set_status", "value": "open"}])
    with pytest.raises(ValidationError, match="Unknown condition field"):
        _create(acme, [{"field": "mood", "operator": "is", "value": "x"}], [])


def test_a_new_account_gets_the_defaults_in_its_language(db):
    account = AccountFactory(subdomain="roma", default_locale="it")
    names = list(Automation.objects.for_account(account).values_list("name", "active"))
    assert names == [
        ("Chiudi un ticket 4 giorni dopo la risoluzione", True),
        ("Sollecita il richiedente dopo 3 giorni in attesa", False),
        ("Avvisa il gruppo di una violazione SLA imminente", True),
    ]


def test_an_automation_never_emails_an_end_user_about_a_private_ticket(
    private_on, acme_agent, acme_user
):
    ticket = make_ticket(
        account=private_on, submitter=acme_agent, requester=acme_user, public=False
    )
    ticket_update(ticket=ticket, actor=acme_agent, status="pending")
    age(ticket, status_changed_at=80)
    rule = _create(
        private_on,
        [*PENDING_3_DAYS, {"field": "current_tags", "operator": "not_includes", "value": "n"}],
        [
            {"action": "email_requester", "subject": "Hi", "body": "Still there?"},
            {"action": "add_tag", "value": "n"},
        ],
    )
    assert automation_run(automation=rule) == 1
    assert not Delivery.objects.for_account(private_on).filter(reason=rule.name).exists()
