"""The only road from a URL's ticket number (or attachment token) to an object.

Each function answers 404 alike for another account's object, one that does not exist
and one the viewer may not see: a URL never tells which of these it was."""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from tickets.models import Attachment, CustomStatus, Ticket, View
from tickets.selectors import attachments_visible_to, tickets_visible_to
from tickets.view_selectors import views_for_agent


def ticket_for_agent(*, viewer: User, number: int) -> Ticket:
    """Any ticket of the agent's account."""
    if not viewer.is_agent:
        raise Http404
    ticket = get_object_or_404(
        tickets_visible_to(viewer=viewer).select_related(
            "requester", "submitter", "assignee", "group", "organization", "custom_status"
        ),
        number=number,
    )
    # The viewer's account is the ticket's (tickets_visible_to): ``ticket.account`` reads
    # no row again (the ticket page's time worked asked for it, a query of its own).
    ticket.account = viewer.account  # type: ignore[assignment]  # an agent has an account
    return ticket


def ticket_ref_for_agent(*, viewer: User, number: int) -> Ticket:
    """ticket_for_agent's rule (any ticket of the agent's account; 404 otherwise, alike
    for another account's and a missing one), reading only the ticket's identity: for
    the presence heartbeat, where the joined read was two thirds of a beat's CPU."""
    if not viewer.is_agent:
        raise Http404
    return get_object_or_404(
        tickets_visible_to(viewer=viewer).only("id", "account_id", "number"), number=number
    )


# The presence heartbeat's proof that ticket_ref_for_agent already answered for this
# agent, account and ticket: the fragment carries it, each beat sends it back, and a
# beat with a valid one needs no ticket query (a quarter of a steady beat's CPU,
# bench/README.md "Presence heartbeat"). Fresh with every fragment rendered; past its
# age the beat looks the ticket up again and renders (a new proof), once per five minutes.
BEAT_REF_SALT = "tickets.access.beat_ref"
BEAT_REF_SECONDS = 300


def beat_ref(*, viewer: User, ticket: Ticket) -> str:
    """A signed, dated proof that ``viewer`` may beat on ``ticket`` (of their account)."""
    return signing.dumps(
        [viewer.account_id, viewer.pk, ticket.pk, ticket.number], salt=BEAT_REF_SALT
    )


def ticket_ref_for_beat(*, viewer: User, number: int, ref: str) -> Ticket | None:
    """ticket_ref_for_agent's answer without a query, when ``ref`` is a proof
    (beat_ref) issued less than BEAT_REF_SECONDS ago to this same agent of this same
    account, for the ticket this URL names; None for anything else (a forged, expired or
    replayed one: another user's, account's or ticket's), and the caller asks
    ticket_ref_for_agent, whose 404 stands. Only the identity (id, account, number)."""
    if not viewer.is_agent or not ref:
        return None
    try:
        account_id, user_id, ticket_id, ref_number = signing.loads(
            ref, salt=BEAT_REF_SALT, max_age=BEAT_REF_SECONDS
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if [account_id, user_id, ref_number] != [viewer.account_id, viewer.pk, number]:
        return None
    return Ticket(pk=ticket_id, account_id=account_id, number=number)


def ticket_for_end_user(*, viewer: User, number: int) -> Ticket:
    """A request the end user may see (requester, CC, organization manager), and never a
    private ticket: the same 404 as a ticket that does not exist."""
    return get_object_or_404(
        tickets_visible_to(viewer=viewer).select_related("requester", "assignee", "custom_status"),
        number=number,
    )


def attachment_for_viewer(*, viewer: User, number: int, token: str) -> Attachment:
    """An attachment on a comment the viewer may read, of the ticket in the URL."""
    return get_object_or_404(
        attachments_visible_to(viewer=viewer).select_related("comment__ticket"),
        comment__ticket__number=number,
        token=token,
    )


def view_for_agent(*, viewer: User, number: int) -> View:
    """A view the agent works from (views_for_agent, inactive ones included, so a
    bookmark of a paused view still opens), or, for an admin, any shared view. Another
    agent's personal view is the same 404 as a view that does not exist."""
    if not viewer.is_agent:
        raise Http404
    if viewer.is_admin:
        return view_for_editing(viewer=viewer, number=number)
    return get_object_or_404(views_for_agent(viewer=viewer, active=None), number=number)


def view_for_editing(*, viewer: User, number: int) -> View:
    """A view the viewer may change: shared views for admins, one's own personal views
    for every agent; anything else (another agent's personal view, a shared view for a
    plain agent) the same 404 as a view that does not exist."""
    if not viewer.is_agent:
        raise Http404
    qs = View.objects.for_account(viewer.account).filter(
        visibility=View.Visibility.PERSONAL, owner=viewer
    )
    if viewer.is_admin:
        qs = qs | View.objects.for_account(viewer.account).exclude(
            visibility=View.Visibility.PERSONAL
        )
    return get_object_or_404(qs, number=number)


def custom_status_for_admin(*, viewer: User, number: int) -> CustomStatus:
    """A custom status of the admin's account, to change; 404 for anyone else's number
    and for non-admins alike."""
    if not viewer.is_admin:
        raise Http404
    return get_object_or_404(CustomStatus.objects.for_account(viewer.account), number=number)


def custom_status_for_agent(*, viewer: User, number: int) -> CustomStatus:
    """A custom status of the agent's account, to read (its labels are the agents'
    vocabulary); 404 for another account's number and for end users alike."""
    if not viewer.is_agent:
        raise Http404
    return get_object_or_404(CustomStatus.objects.for_account(viewer.account), number=number)
