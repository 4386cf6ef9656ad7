"""Users and accounts are under row-level security like every account's rows (issue 15,
item 9): with no account set the application role reads no user and no account; within
an account, that account's users and its own row only. Operators (users of no account)
are reached through the platform's road alone, and sign-in, sessions and the host's
account all still work as the application role."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, connection, transaction

from accounts import dbsession, rls
from accounts.models import User
from accounts.selectors import account_for_subdomain
from tests.conftest import TenantClient
from tests.factories import DEFAULT_PASSWORD
from tests.security.conftest import raw_rows

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's RLS")


@pytest.fixture
def people(acme_agent, acme_user, globex_agent, globex_user):
    operator = User.objects.create_superuser(email="op@platform.example", password="x" * 20)
    return operator


def test_every_table_with_an_account_id_is_under_a_policy(db):
    """Found from the database itself, so a table the models do not describe as a tenant
    table (users were one) cannot slip through."""
    with_account = {
        row[0]
        for row in raw_rows(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'account_id'"
        )
    }
    assert "accounts_user" in with_account
    assert with_account <= set(rls.policy_tables())
    assert "accounts_account" in rls.policy_tables()
    assert rls.tables_missing_policy(connection) == []


def test_with_no_account_set_the_app_role_reads_no_user_and_no_account(people, as_app_role):
    assert raw_rows("SELECT count(*) FROM accounts_user") == [(0,)]
    assert raw_rows("SELECT count(*) FROM accounts_account") == [(0,)]


def test_within_an_account_the_app_role_reads_that_accounts_users_and_row_only(
    acme, people, as_app_role
):
    with dbsession.account_context(acme):
        assert raw_rows("SELECT DISTINCT account_id FROM accounts_user") == [(acme.pk,)]
        assert raw_rows("SELECT id FROM accounts_account") == [(acme.pk,)]
        # Operators belong to no account: never seen from one.
        assert raw_rows("SELECT count(*) FROM accounts_user WHERE account_id IS NULL") == [(0,)]


def test_a_user_cannot_be_written_into_another_account(acme, globex, people, as_app_role):
    with dbsession.account_context(acme):
        agent = raw_rows("SELECT id FROM accounts_user")[0][0]
        with (
            pytest.raises(ProgrammingError, match="row-level security"),
            transaction.atomic(),
        ):
            raw_rows(
                "UPDATE accounts_user SET account_id = %s WHERE id = %s RETURNING id",
                [globex.pk, agent],
            )


def test_the_host_finds_its_account_row_and_nothing_else(acme, globex, as_app_role):
    assert account_for_subdomain("acme") == acme
    assert account_for_subdomain("nosuch") is None
    rows = raw_rows("SELECT subdomain FROM account_by_subdomain('globex')")
    assert rows == [("globex",)]
    assert raw_rows("SELECT count(*) FROM accounts_account") == [(0,)]


def test_sign_in_and_the_session_work_as_the_app_role(acme, acme_agent, as_app_role):
    client = TenantClient(acme)
    response = client.post("/signin/", {"username": acme_agent.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/agent/"
    # Each later request loads request.user by id, within the host's account.
    page = client.get("/agent/")
    assert page.status_code == 200
    assert acme_agent.name in page.text


def test_a_session_of_another_account_is_nobody_here(acme_agent, globex, app_role):
    client = TenantClient(globex)
    client.force_login(acme_agent)
    app_role.activate()
    try:
        assert client.get("/agent/").status_code == 302  # to the sign-in page
    finally:
        app_role.deactivate()


def test_an_operator_signs_in_to_the_admin_through_the_platform_road(
    acme, people, platform_role, app_role
):
    client = TenantClient()  # the base domain
    app_role.activate()
    try:
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": "op@platform.example", "password": "x" * 20, "next": "/admin/"},
        )
        assert response.status_code == 302, response.text
        page = client.get("/admin/accounts/user/")
        assert page.status_code == 200
        assert "agent@acme.example" in page.text and "agent@globex.example" in page.text
        # The operator's session means nothing on an account's subdomain.
        assert client.get("/agent/", HTTP_HOST="acme.localhost").status_code == 302
    finally:
        app_role.deactivate()
    assert User.all_accounts.get(email="op@platform.example").last_login is not None


def test_the_operators_admin_log_is_the_platforms_alone(
    acme, acme_org, people, platform_role, app_role
):
    """It names objects of every account: no row of it for the application role."""
    client = TenantClient()
    client.force_login(people)
    app_role.activate()
    try:
        response = client.post(
            f"/admin/accounts/organization/{acme_org.pk}/change/",
            {"name": "Renamed by an operator", "notes": ""},
        )
        assert response.status_code == 302
        assert raw_rows("SELECT count(*) FROM django_admin_log") == [(0,)]
        with dbsession.account_context(acme):
            assert raw_rows("SELECT count(*) FROM django_admin_log") == [(0,)]
    finally:
        app_role.deactivate()
    assert raw_rows("SELECT object_repr FROM django_admin_log") == [("Renamed by an operator",)]


def test_without_the_platform_road_the_operator_does_not_exist(people, as_app_role):
    client = TenantClient()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "op@platform.example", "password": "x" * 20, "next": "/admin/"},
    )
    assert response.status_code == 200  # the form again: no such user for the app role


def test_a_taken_subdomain_is_refused_as_the_app_role(acme, as_app_role):
    from accounts.services import account_create

    with pytest.raises(ValidationError) as refused:
        account_create(subdomain="acme", name="Other", admin_email="x@other.example")
    assert "subdomain" in refused.value.message_dict


def test_account_by_subdomain_cannot_be_redirected(db):
    """SECURITY DEFINER, a fixed search_path, owned by a role the policy does not bind."""
    rows = raw_rows(
        """
        SELECT p.prosecdef, p.proconfig, r.rolsuper OR r.rolbypassrls
        FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
        WHERE p.proname = 'account_by_subdomain'
        """
    )
    assert rows == [(True, ["search_path=pg_catalog, pg_temp"], True)]
