"""automations 0003: existing accounts' untouched copy of the SLA warning default is
switched on (it now ships on); a copy an admin edited or switched keeps the admin's choice."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import F

from automations.models import Automation

pytestmark = pytest.mark.django_db

migration = importlib.import_module("automations.migrations.0003_sla_warning_default_on")


def test_untouched_copies_are_switched_on_edited_ones_kept(acme, globex):
    untouched = Automation.objects.for_account(acme).filter(default_key="sla_breach_warning")
    untouched.update(active=False, updated_at=F("created_at"))
    edited = Automation.objects.for_account(globex).filter(default_key="sla_breach_warning")
    edited.update(active=False, updated_at=F("created_at") + dt.timedelta(days=1))

    with connection.schema_editor() as editor:
        migration.switch_on(apps, editor)

    assert untouched.get().active
    assert not edited.get().active
