"""Scenario 1s's view (bench/sla_views.py) is a valid view: made once, then found."""

from bench.sla_views import sla_breached_view


def test_the_bench_sla_view_is_made_once(acme, acme_admin):
    view = sla_breached_view(acme)
    assert view.conditions == {
        "all": [{"field": "sla_next_breach_at", "operator": "breached", "value": None}],
        "any": [],
    }
    assert (view.sort_by, "sla" in view.columns) == ("sla", True)
    assert sla_breached_view(acme).pk == view.pk
