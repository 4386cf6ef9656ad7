"""The activity status (seed 002: "Stato attività … Non letto, Letto, In attesa di risposta
del contatto, In attesa di risposta del tecnico"): where a ticket's conversation stands.

It is derived from two kinds of event and kept on the ticket (``Ticket.activity_status``)
as they happen, never recomputed by scanning comments:

- a **public comment** (ticket_open, comment_add): the contact's side (the requester, or
  any end user, e.g. a CC) makes it **Unread**: no agent has opened it since the
  requester's last comment. An agent's public reply makes it **Awaiting contact**: the
  last public comment is an agent's. Internal notes change nothing.
- an **agent opening the ticket page** (ticket_mark_read) of an Unread ticket: it becomes
  **Awaiting technician** when the contact was answering an agent (the last public comment
  is the requester's and an agent had replied publicly before), **Read** otherwise (a new
  request seen, that no agent has answered yet).

A ticket with no public comment (an agent's internal-only ticket) is Read: nothing awaits
anyone. Only agents' openings count; an end user's page in the help center is another
surface and never reaches here.
"""

from __future__ import annotations

from django.db import connection, transaction

from accounts.dbsession import account_context
from accounts.models import Account, User
from tickets.models import Comment, Ticket

Status = Ticket.ActivityStatus
BACKFILL_BATCH = 5_000
AGENT_ROLES = (User.Role.AGENT, User.Role.ADMIN)  # User.is_agent's


def is_contact_side(*, ticket: Ticket, author: User) -> bool:
    """The requester (agent or not: someone who is both writes on their own ticket as its
    requester) and any end user write on the contact's side; every other agent on the
    technicians'."""
    return author.pk == ticket.requester_id or not author.is_agent


def activity_after_comment(*, ticket: Ticket, author: User, public: bool) -> None:
    """Set (not save) the status a new comment gives; the caller saves the ticket. A new
    ticket whose first comment is internal starts Read."""
    if not public:
        if ticket.activity_status is None and ticket.pk is None:
            ticket.activity_status = Status.READ
        return
    if is_contact_side(ticket=ticket, author=author):
        ticket.activity_status = Status.UNREAD
    else:
        ticket.activity_status = Status.AWAITING_CONTACT


def ticket_mark_read(*, ticket: Ticket, viewer: User) -> None:
    """An agent opened the ticket page: an Unread ticket becomes Read or Awaiting
    technician. A conditional UPDATE that leaves ``updated_at`` alone (opening a ticket is
    no change of it: the versions the forms carry stay valid), and no query at all for a
    ticket that is not Unread or a viewer who is the requester."""
    if ticket.activity_status != Status.UNREAD or not viewer.is_agent:
        return
    if viewer.pk == ticket.requester_id:
        return  # their own request: reading it is not a technician's reading
    answered = (
        Comment.objects.for_account(ticket.account)
        .filter(ticket=ticket, public=True, author__role__in=AGENT_ROLES)
        .exclude(author_id=ticket.requester_id)
        .exists()
    )
    new = Status.AWAITING_TECHNICIAN if answered else Status.READ
    Ticket.objects.for_account(ticket.account).filter(
        pk=ticket.pk, activity_status=Status.UNREAD
    ).update(activity_status=new)
    ticket.activity_status = new


# The backfill of tickets older than the column, from their last public comment (no
# opening was recorded before it: a ticket whose contact spoke last reads as Awaiting
# technician when an agent had answered before, else Unread).
BACKFILL_SQL = """
WITH batch AS (
    SELECT t.id, t.requester_id FROM tickets_ticket t
    WHERE t.account_id = %(account)s AND t.id > %(after)s AND t.activity_status IS NULL
    ORDER BY t.id LIMIT %(limit)s
), last AS (
    SELECT b.id,
        (SELECT c.author_id = b.requester_id OR u.role <> ALL(%(agents)s)
           FROM tickets_comment c JOIN accounts_user u ON u.id = c.author_id
          WHERE c.account_id = %(account)s AND c.ticket_id = b.id AND c.public
          ORDER BY c.created_at DESC, c.id DESC LIMIT 1) AS contact_last,
        EXISTS (SELECT 1 FROM tickets_comment c JOIN accounts_user u ON u.id = c.author_id
                 WHERE c.account_id = %(account)s AND c.ticket_id = b.id AND c.public
                   AND c.author_id <> b.requester_id AND u.role = ANY(%(agents)s)) AS answered
    FROM batch b
)
UPDATE tickets_ticket t SET activity_status = CASE
    WHEN last.contact_last IS NULL THEN 'read'
    WHEN NOT last.contact_last THEN 'awaiting_contact'
    WHEN last.answered THEN 'awaiting_technician'
    ELSE 'unread' END
FROM last WHERE t.id = last.id
RETURNING t.id
"""


def activity_backfill(*, account: Account, batch: int = BACKFILL_BATCH) -> int:
    """Fill the activity status of the account's tickets that have none, ``batch`` tickets
    per transaction (short locks, resumable: a rerun starts where it stopped). Returns
    how many it filled."""
    done, after = 0, 0
    with account_context(account):
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    BACKFILL_SQL,
                    {
                        "account": account.pk,
                        "after": after,
                        "limit": batch,
                        "agents": [role.value for role in AGENT_ROLES],
                    },
                )
                ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return done
            done += len(ids)
            after = max(ids)
