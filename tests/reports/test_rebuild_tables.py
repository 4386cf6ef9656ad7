"""The rebuild (reports.services.account_rebuild) empties every rollup before it counts
again: the tables it empties are reports.models.Rollup's subclasses, not a list to
remember, so a rollup added later is emptied too; each also needs its INSERT in
reports.rebuild and its key in reports.services.TABLES, and reports 0005's rebuild
(``later=False``) leaves alone every rollup it did not know."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from django.db import models
from django.test.utils import isolate_apps

from reports import rebuild, services
from reports.models import ReportTicket, Rollup
from reports.services import account_rebuild

STALE_DAY = dt.date(2001, 1, 1)


def _required(model) -> dict:
    """A value for each of ``model``'s key fields that has no default."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.has_default() or field.primary_key or field.name in ("account", "day"):
            continue
        values[field.name] = 7 if isinstance(field, models.IntegerField) else "stale"
    return values


@pytest.mark.django_db
def test_a_rebuild_leaves_no_stale_row_in_any_rollup(acme):
    rollups = rebuild.rollup_models()
    for model in rollups:
        model.objects.create(account=acme, day=STALE_DAY, created=5, **_required(model))
    account_rebuild(account=acme)
    for model in rollups:
        assert not model.objects.for_account(acme).filter(day=STALE_DAY).exists(), model


def test_every_rollup_is_written_by_the_rebuild_and_the_refresh():
    keyed = {model for model, _keys in services.TABLES}
    for model in rebuild.rollup_models():
        table = model._meta.db_table
        assert sum(f"INTO {table} " in insert for insert in rebuild._INSERTS) == 1, table
        assert model in keyed, table


def test_reports_0005_leaves_alone_every_rollup_it_did_not_know():
    tables, skipped = rebuild._tables(later=False)
    assert set(tables) == set(rebuild._FIRST)
    assert skipped == {model._meta.db_table for model in services.LATER}
    everything, none = rebuild._tables(later=True)
    assert set(everything) == set(tables) | skipped and not none
    assert ReportTicket._meta.db_table in tables


def _tables_with_a_new_rollup() -> tuple[list[str], set[str]]:
    with isolate_apps("reports"):

        class ReportNewDay(Rollup):
            class Meta:
                app_label = "reports"

        return rebuild._tables(later=True), rebuild._tables(later=False)[1]


def test_a_rollup_added_later_is_emptied_by_a_rebuild_and_not_by_0005s():
    (tables, _none), skipped_by_0005 = _tables_with_a_new_rollup()
    gc.collect()  # the class above leaves Rollup's subclasses with its scope
    assert "reports_reportnewday" in tables
    assert "reports_reportnewday" in skipped_by_0005
    assert "reports_reportnewday" not in {m._meta.db_table for m in rebuild.rollup_models()}


def test_a_rollup_is_monthly_in_the_refresh_exactly_when_the_rebuild_sums_it_per_month():
    # reports.services reads Rollup.monthly (no list of its own); the rebuild's SQL for
    # the same table truncates the day to its month.
    monthly = set()
    for model in rebuild.rollup_models():
        table = model._meta.db_table
        (insert,) = [sql for sql in rebuild._INSERTS if f"INTO {table} " in sql]
        if "date_trunc('month', day)" in insert:
            monthly.add(model)
    assert monthly == {model for model in rebuild.rollup_models() if model.monthly}
    assert len(monthly) == 5
