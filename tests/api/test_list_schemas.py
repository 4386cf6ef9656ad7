"""The configuration lists integrations read at start-up (issue 23: every endpoint in
Zendesk's shape, checked against its description): each answer validated against
Zendesk's own response schema (tests/api/zendesk/oas-extract.json)."""

from __future__ import annotations

import pytest

from tests.api.zendesk import assert_matches

pytestmark = pytest.mark.django_db

LISTS = [
    ("custom_statuses.json", "CustomStatusesResponse"),
    ("ticket_fields.json", "TicketFieldsResponse"),
    ("ticket_forms.json", "TicketFormsResponse"),
    ("user_fields.json", "UserFieldsResponse"),
    ("organization_fields.json", "OrganizationFieldsResponse"),
    ("views.json", "ViewsResponse"),
    ("views/1/count.json", "ViewCountResponse"),
    ("macros.json", "MacrosResponse"),
    ("slas/policies.json", "SLAPoliciesResponse"),
    ("tags.json", "TagsResponse"),
    ("groups.json", "GroupsResponse"),
]


@pytest.mark.parametrize(("path", "schema"), LISTS)
def test_configuration_lists_match_zendesks_schemas(api_for, acme, acme_admin, path, schema):
    response = api_for(acme_admin).get(path)
    assert response.status_code == 200, (path, response.json())
    assert_matches(response.json(), schema)
