"""Ticket fields in the API (issue 19): ticket_fields.json in Zendesk's shape, and
custom_fields on tickets and requests: every kind round-trips, bad values are a 422
naming the field, agent-only fields never reach end users."""

from __future__ import annotations

import pytest

from tests.factories import OrganizationFactory, make_ticket


def _create(api, **field):
    response = api.post("/api/v2/ticket_fields.json", {"ticket_field": field})
    assert response.status_code == 201, response.json()
    return response.json()["ticket_field"]


@pytest.fixture
def admin_api(api_for, acme_admin):
    return api_for(acme_admin)


@pytest.fixture
def every_kind(admin_api):
    fields = {
        "text": _create(admin_api, type="text", title="Serial"),
        "textarea": _create(admin_api, type="textarea", title="Steps"),
        "integer": _create(admin_api, type="integer", title="Seats"),
        "decimal": _create(admin_api, type="decimal", title="Refund"),
        "date": _create(admin_api, type="date", title="Purchased"),
        "checkbox": _create(admin_api, type="checkbox", title="Urgent callback"),
        "tagger": _create(
            admin_api,
            type="tagger",
            title="Model",
            custom_field_options=[
                {"name": "Printers::Laser", "value": "laser"},
                {"name": "Printers::Inkjet", "value": "inkjet"},
            ],
        ),
        "multiselect": _create(
            admin_api,
            type="multiselect",
            title="Modules",
            custom_field_options=[{"name": "Billing"}, {"name": "Reports"}],
        ),
        "regexp": _create(
            admin_api, type="regexp", title="Order", regexp_for_validation=r"ORD-\d+"
        ),
        "lookup": _create(
            admin_api, type="lookup", title="Reseller", relationship_target_type="zen:organization"
        ),
    }
    return fields


def test_every_kind_round_trips_through_ticket_create_and_read(
    every_kind, agent_api, acme, acme_user
):
    org = OrganizationFactory(account=acme, name="Reseller Ltd")
    sent = {
        "text": "SN-1",
        "textarea": "one\ntwo",
        "integer": 12,
        "decimal": "9.90",
        "date": "2026-12-01",
        "checkbox": True,
        "tagger": "laser",
        "multiselect": ["billing", "reports"],
        "regexp": "ORD-77",
        "lookup": org.number,
    }
    response = agent_api.post(
        "/api/v2/tickets.json",
        {
            "ticket": {
                "subject": "Printer",
                "comment": {"body": "Jammed"},
                "requester_id": acme_user.number,
                "custom_fields": [{"id": every_kind[k]["id"], "value": v} for k, v in sent.items()],
            }
        },
    )
    assert response.status_code == 201, response.json()
    number = response.json()["ticket"]["id"]
    got = agent_api.get(f"/api/v2/tickets/{number}.json").json()["ticket"]
    values = {f["id"]: f["value"] for f in got["custom_fields"]}
    assert {k: values[every_kind[k]["id"]] for k in sent} == sent
    assert got["fields"] == got["custom_fields"]


def test_update_clears_and_changes_values_with_fields_alias(
    every_kind, agent_api, acme, acme_agent
):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    tagger, checkbox = every_kind["tagger"]["id"], every_kind["checkbox"]["id"]
    url = f"/api/v2/tickets/{ticket.number}.json"
    response = agent_api.put(
        url,
        {
            "ticket": {
                "fields": [{"id": tagger, "value": "inkjet"}, {"id": checkbox, "value": True}]
            }
        },
    )
    assert response.status_code == 200, response.json()
    response = agent_api.put(url, {"ticket": {"custom_fields": [{"id": tagger, "value": None}]}})
    values = {f["id"]: f["value"] for f in response.json()["ticket"]["custom_fields"]}
    assert values[tagger] is None and values[checkbox] is True


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        ("integer", "twelve", "not a whole number"),
        ("date", "31/12/2026", "not a date"),
        ("tagger", "Laser", "not one of its options"),
        ("regexp", "ord-1", "expected format"),
        ("lookup", 999999, "no organization number"),
        ("checkbox", "perhaps", "checkbox"),
        ("multiselect", "billing", None),
    ],
)
def test_bad_values_are_422_naming_the_field(
    every_kind, agent_api, acme, acme_agent, kind, value, words
):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    response = agent_api.put(
        f"/api/v2/tickets/{ticket.number}.json",
        {"ticket": {"custom_fields": [{"id": every_kind[kind]["id"], "value": value}]}},
    )
    if words is None:  # a single value where a list is expected is taken as one option
        assert response.status_code == 200
        return
    assert response.status_code == 422, response.content
    assert words in response.content.decode()
    assert every_kind[kind]["title"] in response.content.decode()


@pytest.mark.parametrize(
    "payload",
    [
        {"custom_fields": "laser"},
        {"custom_fields": [{"value": 1}]},
        {"custom_fields": [{"id": 999, "value": 1}]},
        {"custom_fields": [{"id": [1], "value": 1}]},
    ],
)
def test_malformed_custom_fields_are_422(every_kind, agent_api, acme, acme_agent, payload):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    response = agent_api.put(f"/api/v2/tickets/{ticket.number}.json", {"ticket": payload})
    assert response.status_code == 422, response.content


def test_ticket_fields_json_lists_options_and_renaming_keeps_values(
    every_kind, admin_api, agent_api, acme, acme_agent
):
    field = every_kind["tagger"]
    ticket = make_ticket(account=acme, submitter=acme_agent)
    agent_api.put(
        f"/api/v2/tickets/{ticket.number}.json",
        {"ticket": {"custom_fields": [{"id": field["id"], "value": "laser"}]}},
    )
    listed = agent_api.get("/api/v2/ticket_fields.json").json()["ticket_fields"]
    model = next(f for f in listed if f["id"] == field["id"])
    assert [o["name"] for o in model["custom_field_options"]] == [
        "Printers::Laser",
        "Printers::Inkjet",
    ]
    laser = model["custom_field_options"][0]
    response = admin_api.put(
        f"/api/v2/ticket_fields/{field['id']}.json",
        {
            "ticket_field": {
                "title": "Printer model",
                "custom_field_options": [
                    {"id": laser["id"], "name": "Printers::Laser (colour)", "value": "laser"},
                    {"name": "Printers::Inkjet", "value": "inkjet"},
                ],
            }
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["ticket_field"]["custom_field_options"][0]["id"] == laser["id"]
    got = agent_api.get(f"/api/v2/tickets/{ticket.number}.json").json()["ticket"]
    assert {"id": field["id"], "value": "laser"} in got["custom_fields"]
    # A kept option's value cannot change under the tickets holding it.
    response = admin_api.put(
        f"/api/v2/ticket_fields/{field['id']}.json",
        {
            "ticket_field": {
                "custom_field_options": [{"id": laser["id"], "name": "L", "value": "l"}]
            }
        },
    )
    assert response.status_code == 422


def test_agents_read_fields_but_only_admins_change_them(every_kind, agent_api, admin_api):
    number = every_kind["text"]["id"]
    assert agent_api.get(f"/api/v2/ticket_fields/{number}.json").status_code == 200
    assert (
        agent_api.post(
            "/api/v2/ticket_fields.json", {"ticket_field": {"type": "text", "title": "X"}}
        ).status_code
        == 403
    )
    assert (
        agent_api.put(
            f"/api/v2/ticket_fields/{number}.json", {"ticket_field": {"title": "Y"}}
        ).status_code
        == 403
    )
    assert agent_api.delete(f"/api/v2/ticket_fields/{number}.json").status_code == 403
    assert admin_api.delete(f"/api/v2/ticket_fields/{number}.json").status_code == 204
    assert agent_api.get(f"/api/v2/ticket_fields/{number}.json").status_code == 404


@pytest.mark.parametrize(
    "field",
    [
        {"type": "nope", "title": "X"},
        {"type": "text", "title": ""},
        {"type": "regexp", "title": "X", "regexp_for_validation": "(["},
        {"type": "lookup", "title": "X"},
        {"type": "text", "title": "X", "active": "yes"},
        {"type": "tagger", "title": "X", "custom_field_options": [{"name": "A"}, {"name": "a"}]},
    ],
)
def test_bad_field_definitions_are_422(admin_api, field):
    response = admin_api.post("/api/v2/ticket_fields.json", {"ticket_field": field})
    assert response.status_code == 422, response.content


def test_another_accounts_field_is_404(every_kind, api_for, globex):
    from tests.factories import AdminFactory

    other = api_for(AdminFactory(account=globex))
    number = every_kind["text"]["id"]
    assert other.get(f"/api/v2/ticket_fields/{number}.json").status_code in (200, 404)
    ids = [f["title"] for f in other.get("/api/v2/ticket_fields.json").json()["ticket_fields"]]
    assert "Serial" not in ids


def test_end_users_never_see_or_set_agent_only_fields(
    every_kind, admin_api, api_for, acme, acme_user
):
    visible = _create(
        admin_api, type="text", title="Contract", visible_in_portal=True, editable_in_portal=True
    )
    secret = every_kind["text"]
    user_api = api_for(acme_user)
    response = user_api.post(
        "/api/v2/requests.json",
        {
            "request": {
                "subject": "Hi",
                "comment": {"body": "Help"},
                "custom_fields": [{"id": secret["id"], "value": "x"}],
            }
        },
    )
    assert response.status_code == 422
    response = user_api.post(
        "/api/v2/requests.json",
        {
            "request": {
                "subject": "Hi",
                "comment": {"body": "Help"},
                "custom_fields": [{"id": visible["id"], "value": "C-9"}],
            }
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()["request"]
    assert body["custom_fields"] == [{"id": visible["id"], "value": "C-9"}]
    assert "Serial" not in response.content.decode()


def test_required_to_solve_refused_through_the_api(
    acme,
    acme_agent,
    api_for,
):
    problem = make_ticket(account=acme, submitter=acme_agent, type="problem")
    response = api_for(acme_agent).put(
        f"/api/v2/tickets/{problem.number}.json", {"ticket": {"status": "solved"}}
    )
    assert response.status_code == 422
    assert "Root cause" in response.content.decode()


def test_update_many_sets_a_field_on_every_ticket(
    every_kind, agent_api, acme, acme_agent, django_capture_on_commit_callbacks
):
    first = make_ticket(account=acme, submitter=acme_agent)
    second = make_ticket(account=acme, submitter=acme_agent)
    field = every_kind["tagger"]
    with django_capture_on_commit_callbacks() as callbacks:
        job = agent_api.put(
            f"tickets/update_many.json?ids={first.number},{second.number}",
            {"ticket": {"custom_fields": [{"id": field["id"], "value": "inkjet"}]}},
        ).json()["job_status"]
    for callback in callbacks:
        callback()
    assert agent_api.get(job["url"]).json()["job_status"]["status"] == "completed"
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.custom_fields == {str(field["id"]): "inkjet"}
