"""Issue 19's people-field scenarios: views filtered on the requester's user field (1u)
and on the ticket organization's field (1o), with a drop-down of six options on every
user and organization of the bench account.

Made once on the bench database (fields through the service, values with one UPDATE of
the account's users and one of its organizations, seconds). The condition is the views'
own (tickets.field_conditions): the people holding the value through the GIN indexes of
accounts/migrations/0021, then their tickets through the requester and organization
indexes; measurements in bench/README.md ("Views on people's fields")."""

from __future__ import annotations

from django.db import connection

USER_VIEW = "Requester plan is option 2 (bench)"
ORGANIZATION_VIEW = "Organization tier is option 2 (bench)"
OPTIONS = [{"name": f"Option {n}", "value": f"option_{n}"} for n in range(6)]


def _field(account, model, title):
    from customfields.services import field_create

    found = model.objects.for_account(account).filter(title=title).first()
    return found or field_create(
        model=model, account=account, kind="tagger", title=title, options=OPTIONS
    )


def _fill(table: str, column: str, account, field) -> None:
    """A value on every row of the account without one, spread over the options by id."""
    options = [o.value for o in field.options.all()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} || jsonb_build_object(%s, "  # noqa: S608  # names only
            f"(%s::text[])[1 + ((id * 7919) %% {len(options)})]) "
            f"WHERE account_id = %s AND NOT {column} ? %s",
            [str(field.number), options, account.pk, str(field.number)],
        )
        cursor.execute(f"ANALYZE {table}")


def _view(account, title: str, name: str, value: str):
    from accounts.models import User
    from tickets.models import View
    from tickets.services.saved_views import view_create

    found = View.objects.for_account(account).filter(title=title).first()
    if found:
        return found
    admin = User.objects.for_account(account).filter(role=User.Role.ADMIN).earliest("pk")
    return view_create(
        account=account,
        actor=admin,
        title=title,
        conditions={
            "all": [
                {"field": "status", "operator": "less_than", "value": "solved"},
                {"field": name, "operator": "is", "value": value},
            ]
        },
    )


def people_field_context(account) -> dict:
    from customfields.models import OrganizationField, UserField

    plan = _field(account, UserField, "Plan (bench)")
    tier = _field(account, OrganizationField, "Tier (bench)")
    _fill("accounts_user", "user_fields", account, plan)
    _fill("accounts_organization", "organization_fields", account, tier)
    user_view = _view(account, USER_VIEW, f"requester.custom_fields.{plan.number}", "option_2")
    org_view = _view(
        account, ORGANIZATION_VIEW, f"organization.custom_fields.{tier.number}", "option_2"
    )
    return {"user_field_view": user_view.number, "organization_field_view": org_view.number}


def people_field_scenarios(ctx: dict) -> list[dict]:
    return [
        {
            "key": "1u",
            "name": "View: requester's field = value",
            "path": f"/agent/views/{ctx['user_field_view']}/",
            "role": "agent",
        },
        {
            "key": "1o",
            "name": "View: organization's field = value",
            "path": f"/agent/views/{ctx['organization_field_view']}/",
            "role": "agent",
        },
    ]
