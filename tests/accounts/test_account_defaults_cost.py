"""A new account's default rows (views, statuses, roles, fields, triggers, stages,
reasons…) are made in few statements: every test makes one or two accounts, so their
cost is paid ~3,000 times a suite run. Rows made in bulk are numbered, positioned and
ordered as one save() each made them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customfields.models import TicketField
from escalations.models import DEFAULT_STAGE_NAMES, EscalationStage
from notifications.defaults import default_triggers_in
from notifications.models import Trigger
from satisfaction.models import DEFAULT_REASON_TITLES, SatisfactionReason
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

# 194 before the defaults were made in bulk (options, triggers, stages, reasons); 103
# before the default fields and forms were (customfields' bulk paths).
ACCOUNT_CREATION_QUERIES = 73


def test_a_new_account_and_its_defaults_take_a_fixed_number_of_queries():
    with CaptureQueriesContext(connection) as queries:
        AccountFactory(subdomain="counted")
    assert len(queries) == ACCOUNT_CREATION_QUERIES


def test_bulk_made_defaults_are_numbered_and_ordered_as_before():
    account = AccountFactory(subdomain="numbered")
    stages = EscalationStage.objects.for_account(account).order_by("number")
    assert [(s.number, s.key, s.position) for s in stages] == [
        (i + 1, key, i) for i, key in enumerate(DEFAULT_STAGE_NAMES)
    ]
    reasons = SatisfactionReason.objects.for_account(account).order_by("number")
    assert [(r.number, r.key, r.position) for r in reasons] == [
        (i + 1, key, i) for i, key in enumerate(DEFAULT_REASON_TITLES)
    ]
    triggers = Trigger.objects.for_account(account).order_by("number")
    assert [(t.number, t.default_key, t.position) for t in triggers] == [
        (i + 1, spec["key"], i + 1) for i, spec in enumerate(default_triggers_in("en"))
    ]
    option_numbers = [
        o.number
        for field in TicketField.objects.for_account(account).order_by("number")
        for o in field.options.order_by("position")
    ]
    assert option_numbers == list(range(1, len(option_numbers) + 1))


def test_making_the_defaults_again_adds_nothing():
    from escalations.services import stages_install_defaults
    from notifications.services import triggers_install_defaults
    from satisfaction.services import reasons_install_defaults

    account = AccountFactory(subdomain="again")
    assert triggers_install_defaults(account=account) == []
    assert stages_install_defaults(account=account) == []
    reasons_install_defaults(account=account)
    assert SatisfactionReason.objects.for_account(account).count() == len(DEFAULT_REASON_TITLES)
