"""User fields and organization fields (issue 19): admins define them (settings pages,
API), agents see and edit their values on the profile pages and through the API; end
users never get them; bad values come back with a message."""

from __future__ import annotations

from customfields.models import OrganizationField, UserField
from customfields.services import field_create
from tests.factories import AdminFactory, OrganizationFactory


def test_admin_defines_a_user_field_and_sets_it_on_a_profile(
    acme, acme_admin, acme_user, client_for
):
    client = client_for(acme_admin)
    response = client.post(
        "/agent/settings/fields/user/new/",
        {
            "kind": "tagger",
            "title": "Plan",
            "title_it": "Piano",
            "active": "on",
            "options_text": "basic: Basic\npro: Pro",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    field = UserField.objects.for_account(acme).get(title="Plan")
    assert field.translations == {"it": "Piano"}
    edit = client.get(f"/agent/settings/fields/user/{field.number}/").content.decode()
    assert "basic: Basic" in edit and 'value="Piano"' in edit
    assert "Plan" in client.get("/agent/settings/fields/user/").content.decode()
    page = client.get(f"/agent/settings/users/{acme_user.number}/").content.decode()
    assert f'name="pf-{field.number}"' in page and "Pro" in page
    url = f"/agent/settings/fields/user/values/{acme_user.number}/"
    response = client.post(url, {f"pf-{field.number}": "pro", f"initial-pf-{field.number}": ""})
    assert response.status_code == 302
    acme_user.refresh_from_db()
    assert acme_user.user_fields == {field.key: "pro"}
    seats = field_create(model=UserField, account=acme, kind="integer", title="Seats")
    response = client.post(
        url, {f"pf-{seats.number}": "many", f"initial-pf-{seats.number}": ""}, follow=True
    )
    assert (
        "Seats" in response.content.decode() and "not a whole number" in response.content.decode()
    )
    acme_user.refresh_from_db()
    assert acme_user.user_fields == {field.key: "pro"}  # nothing lost, nothing half-saved


def test_organization_fields_on_the_organization_page(acme, acme_admin, client_for):
    org = OrganizationFactory(account=acme)
    field = field_create(model=OrganizationField, account=acme, kind="date", title="Renewal")
    client = client_for(acme_admin)
    page = client.get(f"/agent/settings/organizations/{org.number}/").content.decode()
    assert "Organization fields" in page and f'name="pf-{field.number}"' in page
    client.post(
        f"/agent/settings/fields/organization/values/{org.number}/",
        {f"pf-{field.number}": "2027-01-31", f"initial-pf-{field.number}": ""},
    )
    org.refresh_from_db()
    assert org.organization_fields == {field.key: "2027-01-31"}


def test_people_field_pages_are_admins_only_and_per_account(
    acme, acme_agent, acme_user, acme_admin, globex, client_for
):
    field = field_create(model=UserField, account=acme, kind="text", title="Badge")
    assert client_for(acme_agent).get("/agent/settings/fields/user/").status_code == 403
    assert client_for(acme_user).get("/agent/settings/fields/organization/").status_code == 404
    other = client_for(AdminFactory(account=globex))
    assert other.get(f"/agent/settings/fields/user/{field.number + 50}/").status_code == 404
    assert client_for(acme_admin).get("/agent/settings/fields/nonsense/").status_code == 404
    assert (
        client_for(acme_agent)
        .post(f"/agent/settings/fields/user/values/{acme_user.number}/", {})
        .status_code
        == 403
    )
