"""Issue 19's scenarios: 20 ticket fields on the bench account, values on every ticket,
a view filtered on a drop-down (1f) and the ticket page with 20 fields (2f).

Made once on the bench database (fields through the service, values with one UPDATE of
the account's tickets: 12 minutes for 900,000 tickets on this 2-core machine, most of it
the GIN index's upkeep): each field set on ~70% of tickets, drop-downs spread over their
options by the ticket's id.

Measured on a copy of the 1M bench database (commit of this file; warm): 1f's query
(unsolved, drop-down = one option of six: ~11% of the account's 900,000 tickets) walks
ticket_unsolved_upd and filters, 1.0 ms for the first 51 rows (568 read); its capped count
(1,001) 78 ms. A rare value is answered through ticket_custom_fields_gin instead
(customfields/values.py)."""

from __future__ import annotations

from django.db import connection

FIELDS = 20
KINDS = ["tagger", "checkbox", "multiselect", "text", "integer", "date", "decimal"]
FILTERED_VIEW = "Drop-down is option 2 (bench)"


def bench_fields(account) -> list:
    from customfields.models import TicketField
    from customfields.services import ticket_field_create

    fields = list(TicketField.objects.for_account(account).order_by("position", "number"))
    for i in range(len(fields), FIELDS):
        kind = KINDS[i % len(KINDS)]
        options = (
            [{"name": f"Option {n}", "value": f"option_{n}"} for n in range(6)]
            if kind in ("tagger", "multiselect")
            else None
        )
        fields.append(
            ticket_field_create(account=account, kind=kind, title=f"Bench {i}", options=options)
        )
    return fields


def _value_sql(field, salt: int) -> str:
    """A SQL expression of a ticket's value for ``field`` from its id (NULL: unset)."""
    h = f"((id * 7919 + {salt * 104729}) %% 1000)"
    options = [o.value for o in field.options.all()]
    expression = {
        "tagger": f"to_jsonb((ARRAY{options!r})[1 + {h} %% {max(len(options), 1)}])",
        "multiselect": f"jsonb_build_array((ARRAY{options!r})[1 + {h} %% {max(len(options), 1)}])",
        "checkbox": "'true'::jsonb",
        "integer": f"to_jsonb({h})",
        "decimal": f"to_jsonb(({h} / 10.0)::text)",
        "date": "to_jsonb(to_char(created_at, 'YYYY-MM-DD'))",
    }.get(field.kind, f"to_jsonb('Value ' || {h})")
    return f"CASE WHEN {h} %% 10 < 7 THEN {expression} END"


def fill_values(account, fields) -> None:
    """Values on every ticket of the account that has none yet (one UPDATE)."""
    parts = ", ".join(
        f"'{f.number}', {_value_sql(f, i)}" for i, f in enumerate(fields) if f.kind != "lookup"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET custom_fields = "  # noqa: S608  # numbers and kinds only
            f"jsonb_strip_nulls(jsonb_build_object({parts})) "
            "WHERE account_id = %s AND custom_fields = '{}'::jsonb",
            [account.pk],
        )
        cursor.execute("ANALYZE tickets_ticket")


def custom_field_context(account) -> dict:
    from accounts.models import User
    from tickets.models import View
    from tickets.services.saved_views import view_create

    fields = bench_fields(account)
    fill_values(account, fields)
    dropdown = next(f for f in fields if f.kind == "tagger")
    view = View.objects.for_account(account).filter(title=FILTERED_VIEW).first()
    if view is None:
        admin = User.objects.for_account(account).filter(role=User.Role.ADMIN).earliest("pk")
        option = [o.value for o in dropdown.options.all()][1]
        view = view_create(
            account=account,
            actor=admin,
            title=FILTERED_VIEW,
            conditions={
                "all": [
                    {"field": "status", "operator": "less_than", "value": "solved"},
                    {
                        "field": f"custom_fields.{dropdown.number}",
                        "operator": "is",
                        "value": option,
                    },
                ]
            },
        )
    return {"dropdown_view": view.number}


def custom_field_scenarios(ctx: dict) -> list[dict]:
    return [
        {
            "key": "1f",
            "name": "View: drop-down field = value",
            "path": f"/agent/views/{ctx['dropdown_view']}/",
            "role": "agent",
        },
        {
            "key": "2f",
            "name": "Ticket page, 20 fields set",
            "path": f"/agent/tickets/{ctx['long_thread']}/",
            "role": "agent",
        },
    ]
