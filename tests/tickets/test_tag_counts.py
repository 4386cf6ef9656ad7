"""The account's tag counts (tickets_tagcount, kept by the triggers of
tickets/migrations/0023) equal the counts made from the tickets themselves after any
sequence of tag changes, whichever road changed them: the services (create, update, the
API's tag endpoints, bulk update, merge, delete, a retention purge's queryset delete)
and raw SQL (COPY-like multi-row inserts, updates, deletes), in two accounts at once."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from accounts.portability.deletion import account_delete
from api.tags import ticket_tags_change
from tests.factories import AgentFactory, make_ticket
from ticketlinks.merge import ticket_merge
from tickets.models import TagCount, Ticket
from tickets.services import ticket_delete, ticket_update, tickets_bulk_update
from tickets.services.tickets import tickets_delete_recorded

WORDS = ["vip", "billing", "refund", "printer", "urgent", "eu", "x"]

RECOUNT = """
    SELECT x.tag, count(DISTINCT r.id)
    FROM tickets_ticket r, unnest(string_to_array(r.tags, ' ')) AS x(tag)
    WHERE r.account_id = %s AND r.tags <> '' AND x.tag <> ''
    GROUP BY x.tag
"""


def recounted(account) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT, [account.pk])
        return dict(cursor.fetchall())


def kept(account) -> dict[str, int]:
    return dict(TagCount.objects.for_account(account).values_list("tag", "count"))


def _tags(rng: random.Random) -> list[str]:
    return rng.sample(WORDS, rng.randint(0, 3))


def _step(rng: random.Random, account, agent) -> None:  # noqa: C901, PLR0912  # one branch per road
    every = list(Ticket.objects.for_account(account).order_by("id"))
    # The services refuse to change closed tickets (a merge closes its source).
    tickets = [t for t in every if t.status != Ticket.Status.CLOSED]
    op = rng.choice(
        ["create", "update", "api", "bulk", "merge", "delete", "purge", "sql"]
        if len(tickets) > 2
        else ["create", "sql"]
    )
    if op == "create":
        make_ticket(account=account, submitter=agent, tags=" ".join(_tags(rng)))
    elif op == "update":
        ticket_update(ticket=rng.choice(tickets), actor=agent, tags=_tags(rng))
    elif op == "api":
        how = rng.choice(["set", "add", "remove"])
        ticket_tags_change(ticket=rng.choice(tickets), actor=agent, tags=_tags(rng), how=how)
    elif op == "bulk":
        chosen = rng.sample(tickets, rng.randint(1, len(tickets)))
        tickets_bulk_update(account=account, actor=agent, tickets=chosen, add_tags=_tags(rng))
    elif op == "merge":
        target, source = rng.sample(tickets, 2)
        ticket_merge(target=target, sources=[source], actor=agent)
    elif op == "delete":
        ticket_delete(ticket=rng.choice(tickets), actor=agent)
    elif op == "purge":
        chosen = [t.pk for t in rng.sample(tickets, 2)]
        tickets_delete_recorded(Ticket.objects.for_account(account).filter(pk__in=chosen))
    else:
        _raw_sql(rng, account, every)


def _raw_sql(rng: random.Random, account, tickets) -> None:
    """What seed_load and a hand-written fix do: several rows in one statement (copies of
    a ticket, as a COPY would write them), tags with doubled spaces, a tag twice."""
    with connection.cursor() as cursor:
        kind = rng.choice(["insert", "update", "delete"] if tickets else ["insert"])
        if kind == "insert":
            source = tickets[0] if tickets else make_ticket(account=account)
            cursor.execute(
                "SELECT string_agg(quote_ident(column_name), ', ') FROM information_schema.columns"
                " WHERE table_name = 'tickets_ticket' AND is_generated = 'NEVER'"
                " AND column_name NOT IN ('id', 'number', 'tags')"
            )
            columns = cursor.fetchone()[0]
            cursor.execute(
                f"INSERT INTO tickets_ticket (number, tags, {columns}) "  # noqa: S608
                f"SELECT 100000 + %s + g, CASE g WHEN 1 THEN %s ELSE %s END, {columns} "
                "FROM tickets_ticket, generate_series(1, 3) g WHERE id = %s",
                [rng.randint(0, 10**6), "vip  vip refund", " ".join(_tags(rng)), source.pk],
            )
        elif kind == "update":
            ids = [t.pk for t in rng.sample(tickets, min(3, len(tickets)))]
            cursor.execute(
                "UPDATE tickets_ticket SET tags = %s WHERE id = ANY(%s)",
                [" ".join(_tags(rng)), ids],
            )
        else:  # the copies only: they have no comments or events
            cursor.execute(
                "DELETE FROM tickets_ticket WHERE account_id = %s AND number > 100000"
                " AND id IN (SELECT id FROM tickets_ticket WHERE account_id = %s"
                " AND number > 100000 ORDER BY random() LIMIT 2)",
                [account.pk, account.pk],
            )


@pytest.mark.parametrize("seed", range(6))
def test_counts_equal_a_recount_after_random_tag_changes(seed, acme, globex):
    rng = random.Random(seed)
    agents = {acme: AgentFactory(account=acme), globex: AgentFactory(account=globex)}
    for account, agent in agents.items():
        for _ in range(3):
            make_ticket(account=account, submitter=agent, tags=" ".join(_tags(rng)))
    for _step_number in range(25):
        account = rng.choice([acme, globex])
        _step(rng, account, agents[account])
        assert kept(account) == recounted(account)
    for account in agents:
        assert kept(account) == recounted(account)
        assert all(count > 0 for count in kept(account).values())


def test_an_account_deleted_takes_its_counts_with_it(acme, globex):
    make_ticket(account=acme, tags="vip")
    make_ticket(account=globex, tags="vip")
    account_delete(account=acme, operator="test")
    assert kept(globex) == {"vip": 1}
    assert not TagCount.all_accounts.filter(account_id=acme.pk).exists()
