"""The help center's search filtered on ticket fields (issue 19): an end user narrows
their search results by the drop-down, checkbox and multi-select fields made visible to
them (Zendesk's help-center search filters); an agent-only field is never offered, and a
crafted parameter for one is ignored, so its values cannot be probed through the results;
a bad value is no filter, not an error."""

from __future__ import annotations

SEARCH = "/hc/search/"


def found(client, **params) -> list[str]:
    response = client.get(SEARCH, {"q": "printer", **params})
    assert response.status_code == 200
    return sorted(hit.ticket.subject for hit in response.context["hits"])


def test_end_user_narrows_search_results_by_visible_fields(
    acme_user, client_for, field_filters, filtered_tickets
):
    client = client_for(acme_user)
    text = client.get(SEARCH, {"q": "printer"}).content.decode()
    for name in ("model", "warranty", "rooms"):
        assert f'name="cf-{field_filters[name].number}"' in text
    assert "Your printer" in text and "Lobby" in text
    assert found(client) == ["Printer jam", "Printer noise", "Printer smear"]
    param = {name: f"cf-{field.number}" for name, field in field_filters.items()}
    assert found(client, **{param["model"]: "laser"}) == ["Printer jam"]
    assert found(client, **{param["warranty"]: "true"}) == ["Printer smear"]
    assert found(client, **{param["warranty"]: "false"}) == ["Printer jam", "Printer noise"]
    assert found(client, **{param["rooms"]: "lobby"}) == ["Printer noise", "Printer smear"]
    assert found(client, **{param["rooms"]: "attic"}) == ["Printer noise"]
    assert found(client, **{param["rooms"]: "lobby", param["model"]: "inkjet"}) == ["Printer smear"]
    # The filters form keeps the words; an empty result says the filters narrowed it.
    narrowed = client.get(
        SEARCH, {"q": "printer", param["rooms"]: "attic", param["model"]: "laser"}
    )
    page = narrowed.content.decode()
    assert 'name="q" value="printer"' in page
    assert "No requests match your search and filters." in page


def test_agent_only_field_is_never_offered_nor_applied_in_search(
    acme_user, client_for, field_filters, filtered_tickets
):
    client = client_for(acme_user)
    text = client.get(SEARCH, {"q": "printer"}).content.decode()
    assert "Churn risk" not in text and "Very high" not in text
    assert f"cf-{field_filters['secret'].number}" not in text
    # A crafted filter on it answers as if it were absent: nothing to learn from it.
    crafted = found(client, **{f"cf-{field_filters['secret'].number}": "high"})
    assert crafted == ["Printer jam", "Printer noise", "Printer smear"]


def test_bad_search_filter_value_is_no_filter(
    acme_user, client_for, field_filters, filtered_tickets
):
    client = client_for(acme_user)
    everything = ["Printer jam", "Printer noise", "Printer smear"]
    assert found(client, **{f"cf-{field_filters['model'].number}": "toaster"}) == everything
    assert found(client, **{f"cf-{field_filters['rooms'].number}": "cellar"}) == everything
    assert found(client, **{"cf-abc": "x", "cf-99999": "y"}) == everything
