"""My activities filtered on ticket fields (issue 19): end users filter on the drop-down
and checkbox fields made visible to them, never on an agent-only field (not offered, and
a crafted parameter is ignored, so its values cannot be probed); a bad value is no
filter, not an error."""

from __future__ import annotations

HOME = "/hc/"


def subjects(response) -> list[str]:
    return sorted(t.subject for t in response.context["page"].object_list)


def test_end_user_filters_on_visible_dropdown_and_checkbox(
    acme_user, client_for, field_filters, filtered_tickets
):
    client = client_for(acme_user)
    page = client.get(HOME)
    text = page.content.decode()
    assert f'name="cf-{field_filters["model"].number}"' in text and "Your printer" in text
    assert subjects(page) == ["Printer jam", "Printer noise", "Printer smear"]
    assert subjects(client.get(HOME, {f"cf-{field_filters['model'].number}": "laser"})) == [
        "Printer jam"
    ]
    warranty = f"cf-{field_filters['warranty'].number}"
    assert subjects(client.get(HOME, {warranty: "true"})) == ["Printer smear"]
    assert subjects(client.get(HOME, {warranty: "false"})) == ["Printer jam", "Printer noise"]


def test_agent_only_field_is_never_offered_nor_applied(
    acme_user, client_for, field_filters, filtered_tickets
):
    client = client_for(acme_user)
    text = client.get(HOME).content.decode()
    assert "Churn risk" not in text and f"cf-{field_filters['secret'].number}" not in text
    # A crafted filter on it answers as if it were absent: nothing to learn from it.
    crafted = client.get(HOME, {f"cf-{field_filters['secret'].number}": "high"})
    assert subjects(crafted) == ["Printer jam", "Printer noise", "Printer smear"]


def test_bad_filter_value_is_no_filter(acme_user, client_for, field_filters, filtered_tickets):
    response = client_for(acme_user).get(HOME, {f"cf-{field_filters['model'].number}": "toaster"})
    assert response.status_code == 200
    assert subjects(response) == ["Printer jam", "Printer noise", "Printer smear"]
