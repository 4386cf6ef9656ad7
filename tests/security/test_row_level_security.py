"""Row-level security: PostgreSQL keeps each account's rows to that account even when
the application forgets to (raw SQL without WHERE), in requests, in Celery tasks, and
on a connection that served another account before."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, connection, connections, transaction

from accounts import dbsession, rls
from helpdesk.celery import ACCOUNT_HEADER
from helpdesk.celery import app as celery_app
from tests.factories import make_ticket
from tests.security.conftest import current_account_setting, raw_rows
from tickets.models import Comment, Ticket

RAW_TICKET_ACCOUNTS = "SELECT DISTINCT account_id FROM tickets_ticket ORDER BY 1"


TASK_SAW: list[list[int]] = []


@celery_app.task(name="tests.security.raw_ticket_accounts")
def raw_ticket_accounts_task():
    seen = [row[0] for row in raw_rows(RAW_TICKET_ACCOUNTS)]
    TASK_SAW.append(seen)
    return seen


@pytest.fixture
def two_accounts_tickets(acme, globex):
    make_ticket(account=acme, subject="Acme's printer")
    make_ticket(account=globex, subject="Globex's secret plan")
    return acme, globex


def test_every_tenant_table_has_a_forced_policy(db):
    tables = rls.tenant_tables()
    # The discovery finds the tenant models of every app, including new ones.
    assert {"tickets_ticket", "tickets_comment", "tickets_attachment"} <= set(tables)
    assert {"accounts_organization", "notifications_delivery", "api_apitoken"} <= set(tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'", [tables]
        )
        existing = {row[0] for row in cursor.fetchall()}
    assert existing == set(tables), "every tenant model has its table"
    assert rls.tables_missing_policy(connection) == []


def test_a_new_tenant_table_gets_the_policy_on_migrate(db):
    with connection.cursor() as cursor:
        cursor.execute("DROP POLICY tenant_isolation ON tickets_comment")
        cursor.execute("ALTER TABLE tickets_comment NO FORCE ROW LEVEL SECURITY")
    assert rls.tables_missing_policy(connection) == ["tickets_comment"]
    assert rls.ensure_row_level_security() == ["tickets_comment"]
    assert rls.tables_missing_policy(connection) == []


def test_no_account_set_sees_no_tenant_rows(two_accounts_tickets, as_app_role):
    assert raw_rows(RAW_TICKET_ACCOUNTS) == []
    assert raw_rows("SELECT count(*) FROM tickets_comment") == [(0,)]


def test_raw_sql_in_a_request_sees_only_that_accounts_rows(
    two_accounts_tickets, as_app_role, client_for, settings
):
    acme, globex = two_accounts_tickets
    settings.TENANT_URLCONF = "tests.security.urls_probe"
    assert client_for(account=acme).get("/__rls_probe__/").json() == {"accounts": [acme.pk]}
    assert client_for(account=globex).get("/__rls_probe__/").json() == {"accounts": [globex.pk]}
    # The persistent connection does not keep the last request's account.
    assert current_account_setting() == ""
    assert raw_rows(RAW_TICKET_ACCOUNTS) == []


def test_a_streamed_response_reads_only_its_accounts_rows(
    two_accounts_tickets, as_app_role, client_for, settings
):
    acme, globex = two_accounts_tickets
    settings.TENANT_URLCONF = "tests.security.urls_probe"
    for account in (acme, globex):
        response = client_for(account=account).get("/__rls_probe_stream__/")
        assert b"".join(response.streaming_content).decode() == f"[{account.pk}]" * 2
    assert raw_rows(RAW_TICKET_ACCOUNTS) == []


def test_the_base_domain_sees_no_tenant_rows(two_accounts_tickets, as_app_role, client):
    acme, _globex = two_accounts_tickets
    with dbsession.account_context(acme):
        # Even when the connection had an account before, the base domain clears it.
        client.get("/", HTTP_HOST="localhost")
        assert current_account_setting() == str(acme.pk)


def test_a_celery_task_sees_only_the_account_it_was_queued_for(two_accounts_tickets, as_app_role):
    acme, globex = two_accounts_tickets
    result = raw_ticket_accounts_task.apply(headers={ACCOUNT_HEADER: acme.pk})
    assert result.get() == [acme.pk]
    result = raw_ticket_accounts_task.apply(headers={ACCOUNT_HEADER: globex.pk})
    assert result.get() == [globex.pk]
    # A task queued with no account (beat) sees none.
    assert raw_ticket_accounts_task.apply(headers={ACCOUNT_HEADER: None}).get() == []
    # ...and the worker's connection forgets the account after each task.
    assert current_account_setting() == ""


def test_tasks_are_stamped_with_the_account_they_were_queued_for(acme):
    from celery import signals

    headers = {}
    with dbsession.account_context(acme):
        signals.before_task_publish.send(sender="x", headers=headers)
    assert headers == {ACCOUNT_HEADER: acme.pk}
    headers = {}
    signals.before_task_publish.send(sender="x", headers=headers)
    assert headers == {ACCOUNT_HEADER: None}


def test_an_eager_task_keeps_its_callers_account(two_accounts_tickets, as_app_role):
    acme, _globex = two_accounts_tickets
    with dbsession.account_context(acme):
        assert raw_ticket_accounts_task.apply().get() == [acme.pk]
        assert current_account_setting() == str(acme.pk)


def test_nested_contexts_restore_the_outer_account(two_accounts_tickets, as_app_role):
    acme, globex = two_accounts_tickets
    with dbsession.account_context(acme):
        with dbsession.account_context(globex):
            assert [r[0] for r in raw_rows(RAW_TICKET_ACCOUNTS)] == [globex.pk]
        assert [r[0] for r in raw_rows(RAW_TICKET_ACCOUNTS)] == [acme.pk]
    assert raw_rows(RAW_TICKET_ACCOUNTS) == []


def test_a_connection_opened_inside_a_context_gets_the_account(acme):
    # Celery closes connections before each task; the next one must still be scoped.
    fresh = connections.create_connection("default")
    try:
        with dbsession.account_context(acme), fresh.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.account_id', true)")
            assert cursor.fetchone() == (str(acme.pk),)
    finally:
        fresh.close()


def test_the_account_is_never_a_setting_of_the_session(acme):
    """Only transaction-local values: the next transaction on the same server connection
    (a persistent one, or PgBouncer's in either mode) starts with no account."""
    fresh = connections.create_connection("default")
    try:
        with dbsession.account_context(acme), fresh.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.account_id', true)")
            assert cursor.fetchone() == (str(acme.pk),)
            # Straight on the driver, as another client of a pooled connection would be.
            raw = fresh.connection.execute("SELECT current_setting('app.account_id', true)")
            assert raw.fetchone()[0] in (None, "")
    finally:
        fresh.close()


def test_writing_a_row_for_another_account_is_refused(two_accounts_tickets, as_app_role):
    acme, globex = two_accounts_tickets
    with dbsession.account_context(acme):
        ticket = Ticket.objects.for_account(acme).get()
        # Another account's id on a row written while working for acme.
        with (
            pytest.raises(ProgrammingError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE tickets_comment SET account_id = %s WHERE ticket_id = %s",
                [globex.pk, ticket.pk],
            )
        # Nor can acme touch globex's rows: they are simply not there.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM tickets_ticket WHERE account_id = %s", [globex.pk])
            assert cursor.rowcount == 0


def test_the_table_owner_is_bound_too(two_accounts_tickets, app_role):
    acme, _globex = two_accounts_tickets
    quoted = connection.ops.quote_name(app_role.name)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks on the table
        cursor.execute(f"ALTER TABLE tickets_ticket OWNER TO {quoted}")
    app_role.activate()
    try:
        assert raw_rows(RAW_TICKET_ACCOUNTS) == []  # FORCE ROW LEVEL SECURITY
        with dbsession.account_context(acme):
            assert [r[0] for r in raw_rows(RAW_TICKET_ACCOUNTS)] == [acme.pk]
    finally:
        app_role.deactivate()


def test_all_accounts_is_the_explicit_platform_road(two_accounts_tickets, platform_role, app_role):
    acme, globex = two_accounts_tickets
    app_role.activate()
    try:
        assert Ticket.all_accounts.count() == 2
        assert sorted(Ticket.all_accounts.values_list("account_id", flat=True)) == sorted(
            [acme.pk, globex.pk]
        )
        # Only for that query: the role is reset after it.
        assert raw_rows(RAW_TICKET_ACCOUNTS) == []
        assert raw_rows("SELECT current_user")[0][0] == app_role.name
        with dbsession.account_context(acme):
            assert Comment.objects.for_account(globex).count() == 0
    finally:
        app_role.deactivate()


def test_without_a_platform_role_all_accounts_sees_nothing_under_rls(
    two_accounts_tickets, as_app_role
):
    assert Ticket.all_accounts.count() == 0


def test_application_code_works_as_the_app_role(acme, as_app_role, client_for):
    """The product's own paths set the account before touching tenant tables."""
    from accounts.services import account_create

    # Outside any account, a tenant row cannot even be written.
    with (
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO accounts_sequence (account_id, name, value) VALUES (%s, 'x', 1)",
            [acme.pk],
        )
    account, admin = account_create(
        subdomain="initech", name="Initech", admin_email="boss@initech.example"
    )
    with dbsession.account_context(account):
        assert admin.number == 1


def test_platform_commands_work_as_the_app_role(db, as_app_role):
    """create_account and seed_demo write each account's rows while working for it."""
    from io import StringIO

    from django.core.management import call_command

    call_command(
        "create_account",
        "initech",
        "--name",
        "Initech",
        "--admin-email",
        "boss@initech.example",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "demo account" in out.getvalue()
    out = StringIO()
    call_command("create_api_token", "initech", "boss@initech.example", stdout=out, stderr=out)
    assert "created" in out.getvalue()


def test_the_operators_admin_crosses_accounts_through_the_platform_role(
    two_accounts_tickets, platform_role, app_role, client
):
    from accounts.models import Organization, User
    from tests.factories import OrganizationFactory

    acme, _globex = two_accounts_tickets
    organization = OrganizationFactory(account=acme, name="Old name")
    operator = User.objects.create_superuser(email="op@platform.example", password="x" * 20)
    client.force_login(operator)
    app_role.activate()
    try:
        page = client.get("/admin/accounts/organization/", HTTP_HOST="localhost")
        assert page.status_code == 200
        assert "Old name" in page.content.decode()
        response = client.post(
            f"/admin/accounts/organization/{organization.pk}/change/",
            {"name": "New name", "notes": ""},
            HTTP_HOST="localhost",
        )
        assert response.status_code == 302
    finally:
        app_role.deactivate()
    assert Organization.objects.for_account(acme).get(pk=organization.pk).name == "New name"


def test_an_inbound_email_is_routed_then_worked_for_its_account_only(
    two_accounts_tickets, as_app_role
):
    from anymail.inbound import AnymailInboundMessage

    from notifications.inbound import email_receive

    acme, _globex = two_accounts_tickets
    message = AnymailInboundMessage.construct(
        from_email="Carla Customer <carla@customer.example>",
        to="support@acme.localhost",
        subject="Inbound under RLS",
        text="Hello from email.",
    )
    result = email_receive(message=message)
    assert result.outcome == "ticket"
    with dbsession.account_context(acme):
        assert Ticket.objects.for_account(acme).filter(subject="Inbound under RLS").exists()
    assert current_account_setting() in ("", None)


def test_the_outbox_sends_a_row_given_only_its_id(acme, platform_role, app_role, settings):
    """A worker's task (or the sweeper's) has no account: the row's own account is used."""
    from django.core import mail

    from accounts.models import User
    from notifications import outbox
    from notifications.models import Delivery

    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    mail.outbox = []
    requester = User.objects.create_user(
        account=acme, email="carla@customer.example", name="Carla", password=None
    )
    make_ticket(account=acme, requester=requester, subject="Outbox under RLS")
    queued = list(Delivery.objects.for_account(acme).values_list("pk", flat=True))
    assert queued, "the new ticket queued at least one email"
    app_role.activate()
    try:
        for pk in queued:
            assert outbox.delivery_send(delivery_id=pk).state == "sent"
    finally:
        app_role.deactivate()
    assert any("Outbox under RLS" in m.subject + m.body for m in mail.outbox)


def test_no_view_bypasses_row_level_security(db):
    """A view runs with its owner's rights unless security_invoker is set."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            WHERE c.relkind IN ('v', 'm')
              AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)
            """
        )
        assert cursor.fetchall() == []


def test_unique_columns_of_tenant_tables_are_unique_per_account(db):
    """A globally unique column would tell one account what another holds."""
    from django.apps import apps
    from django.db.models import UniqueConstraint

    from accounts.tenancy import TenantModel

    offenders = []
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        for f in model._meta.local_fields:
            # One row per row of another tenant table (a call, a closing, a report row per
            # ticket): unique by that row's identity id, which only its own account names.
            one_per_tenant_row = f.one_to_one and issubclass(f.related_model, TenantModel)
            if f.unique and not f.primary_key and not one_per_tenant_row:
                offenders.append(f"{model._meta.label}.{f.name}")
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and "account" not in constraint.fields:
                offenders.append(f"{model._meta.label}: {constraint.name}")
        for together in model._meta.unique_together:
            if "account" not in together:
                offenders.append(f"{model._meta.label}: unique_together {together}")
    assert offenders == []


def test_through_a_broker_a_task_runs_for_the_account_it_was_queued_for(
    two_accounts_tickets, as_app_role
):
    """Publish to an in-memory broker and execute the message as a worker does: the
    header stamped at publish time selects the account in the worker."""
    from celery.worker.request import Request
    from kombu import Connection

    acme, _globex = two_accounts_tickets
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = "memory://", False
    try:
        with Connection("memory://") as conn:
            queue = conn.SimpleQueue("rls-probe")
            queue.clear()
            with dbsession.account_context(acme):
                raw_ticket_accounts_task.apply_async(
                    connection=conn, queue="rls-probe", routing_key="rls-probe"
                )
            message = queue.get(timeout=5)
            queue.close()
        assert current_account_setting() == ""
        request = Request(message, app=celery_app, task=raw_ticket_accounts_task)
        assert request._request_dict[ACCOUNT_HEADER] == acme.pk
        TASK_SAW.clear()
        request.execute()
        seen = TASK_SAW.pop()
        assert seen == [acme.pk]  # acme's rows only
        assert current_account_setting() == ""  # and the connection forgot the account
    finally:
        conf.broker_url, conf.task_always_eager = saved


def test_leaving_a_context_inside_a_failed_transaction_keeps_the_original_error(
    two_accounts_tickets, as_app_role
):
    from django.db import DataError

    acme, _globex = two_accounts_tickets
    with pytest.raises(DataError), transaction.atomic(), dbsession.account_context(acme):
        raw_rows("SELECT 1 / 0")
    # The savepoint's rollback took the account with it: nothing is left set.
    assert raw_rows(RAW_TICKET_ACCOUNTS) == []


def test_the_account_holds_after_a_savepoint_that_set_it_rolls_back(
    two_accounts_tickets, as_app_role
):
    """The account is set at the first statement that needs it, here inside a savepoint
    (entered there, as Celery's task_prerun enters a task's account); the savepoint's
    rollback takes the value with it, and the next statement sets it again."""
    from contextlib import ExitStack

    acme, _globex = two_accounts_tickets
    with ExitStack() as working_for_acme:
        with transaction.atomic():
            working_for_acme.enter_context(dbsession.account_context(acme))
            assert [r[0] for r in raw_rows(RAW_TICKET_ACCOUNTS)] == [acme.pk]
            transaction.set_rollback(True)
        assert [r[0] for r in raw_rows(RAW_TICKET_ACCOUNTS)] == [acme.pk]
    assert raw_rows(RAW_TICKET_ACCOUNTS) == []


ACCOUNT_SETTING_ROWS = "SELECT current_setting('app.account_id', true) FROM generate_series(1, 3)"


def test_in_autocommit_each_statement_carries_the_account_and_nothing_stays(transactional_db):
    """Outside any transaction every statement is its own: the account travels with it
    (a server-side cursor's and executemany's in a transaction of their own)."""
    with dbsession.account_context(4242):
        assert raw_rows(ACCOUNT_SETTING_ROWS) == [("4242",)] * 3
        cursor = connection.chunked_cursor()  # DECLARE … WITH HOLD, read after its commit
        try:
            cursor.execute(ACCOUNT_SETTING_ROWS)
            assert cursor.fetchall() == [("4242",)] * 3
        finally:
            cursor.close()
        with connection.cursor() as many:
            many.executemany("SELECT set_config('x.probe', %s, false)", [("a",), ("b",)])
    with connection.connection.cursor() as driver:  # beneath the application's wrapper
        driver.execute("SELECT current_setting('app.account_id', true)")
        assert driver.fetchone()[0] in (None, "")
    assert raw_rows(ACCOUNT_SETTING_ROWS) == [("",)] * 3


def test_production_runs_the_app_as_a_role_rls_binds_and_migrates_as_the_owner():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    services = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://sportello_app:"), name
        assert env["DATABASE_PLATFORM_URL"].startswith("postgres://sportello_platform:"), name
        assert "DATABASE_PLATFORM_ROLE" not in env, name  # no role to switch to
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith("postgres://sportello:")
    script = (root / "deploy/postgres/10-app-roles.sh").read_text()
    assert "NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS" in script
    assert "GRANT :" not in script  # no role is granted to another (test_database_roles.py)


def test_the_sweeper_crosses_accounts_through_the_platform_role(
    acme, globex, platform_role, app_role, settings
):
    """Beat's sweeper has no account: it finds every account's due rows, and each email
    is rendered for its own account."""
    from django.core import mail

    from accounts.models import User
    from notifications import outbox
    from notifications.models import Delivery

    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    mail.outbox = []
    for account in (acme, globex):
        requester = User.objects.create_user(
            account=account, email=f"carla@{account.subdomain}.example", name="Carla"
        )
        make_ticket(account=account, requester=requester, subject=f"Swept {account.subdomain}")
    queued = {
        account.pk: Delivery.objects.for_account(account).count() for account in (acme, globex)
    }
    assert all(queued.values())
    app_role.activate()
    try:
        swept = outbox.deliveries_sweep(stale_after=0)
    finally:
        app_role.deactivate()
    assert len(swept) == sum(queued.values())
    subjects = " ".join(m.subject + m.body for m in mail.outbox)
    assert "Swept acme" in subjects and "Swept globex" in subjects
