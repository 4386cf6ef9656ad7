"""Composing a ticket email for one recipient, and turning an outbox row into a message.

Text and HTML are rendered from our own templates (templates/emails/ticket/); the
admin-written parts arrive as plain strings (see rendering.py) and are escaped in HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.language import time_zone_named
from accounts.models import User
from helpdesk.request_id import HEADER as REQUEST_ID_HEADER
from helpdesk.request_id import current_request_id
from notifications.defaults import text_for_recipient
from notifications.models import Delivery
from notifications.recipients import Recipient
from notifications.rendering import placeholder_values, render_placeholders, ticket_url
from tickets.models import Comment, Ticket, TicketEvent
from tickets.selectors import comments_readable_by, comments_visible_to
from tickets.text import clean_subject

REPLY_MARKER = "##- Please type your reply above this line -##"
CONVERSATION_LIMIT = 25


@dataclass(frozen=True)
class ComposedEmail:
    subject: str
    text: str
    html: str
    # The message carries the satisfaction survey's links (issue 26: the survey offered).
    offers_survey: bool = False


def conversation_for(
    ticket: Ticket, recipient: Recipient, comments: Sequence[Comment] | None = None
) -> list[Comment]:
    """The comments this recipient may read, oldest first. A user sees what the one
    visibility rule allows them; a bare address is treated as an end user.
    ``comments``: every comment of the ticket, oldest first, when the caller read them
    once for all its recipients (a change set); narrowed here by the selector's rule
    (agents every comment, anyone else public replies only)."""
    if comments is not None:
        return comments_readable_by(comments, recipient.user)
    if recipient.user is not None:
        qs = comments_visible_to(ticket=ticket, viewer=recipient.user)
    else:
        qs = ticket.comments.filter(public=True).select_related("author")
    # An email lists no attachments: the selector's prefetch of them would go unread.
    return list(qs.prefetch_related(None).order_by("created_at", "id"))


def history_for(ticket: Ticket, recipient: Recipient) -> list[TicketEvent]:
    qs = ticket.events.select_related("actor", "comment").order_by("created_at", "id")
    if not recipient.is_agent:
        # What an end user may not see: internal notes and the private/public switches.
        qs = qs.exclude(comment__public=False).exclude(field="is_public")
    return list(qs[:200])


def locale_for(recipient: Recipient, ticket: Ticket) -> str:
    if recipient.user is not None:
        return recipient.user.effective_locale
    return ticket.account.default_locale


def time_zone_for(recipient: Recipient, ticket: Ticket) -> str:
    if recipient.user is not None:
        return recipient.user.effective_time_zone
    return ticket.account.time_zone


def compose(
    *,
    ticket: Ticket,
    recipient: Recipient,
    actor: User | None,
    subject_template: str,
    body_template: str,
    include_conversation: bool = True,
    include_history: bool = False,
    allow_internal: bool = True,
    comments: Sequence[Comment] | None = None,
) -> ComposedEmail:
    """One email for one recipient, in their language and time zone, with what they may see.
    ``allow_internal=False`` narrows an agent's view to public comments (forwards to a
    mixed audience). ``comments``: see conversation_for."""
    conversation = conversation_for(ticket, recipient, comments)
    if not allow_internal or not recipient.is_agent:
        conversation = [c for c in conversation if c.public]
    with (
        translation.override(locale_for(recipient, ticket)),
        timezone.override(time_zone_named(time_zone_for(recipient, ticket))),
    ):
        # A default trigger text nobody edited speaks the recipient's language.
        subject_template = str(text_for_recipient(subject_template))
        body_template = str(text_for_recipient(body_template))
        values = placeholder_values(
            ticket=ticket, actor=actor, conversation=conversation, for_agent=recipient.is_agent
        )
        subject = clean_subject(render_placeholders(subject_template, values), max_length=255)
        message = render_placeholders(body_template, values).strip()
        survey = (values.get("satisfaction.good_url"), values.get("satisfaction.rating_url"))
        offers_survey = any(url and url in message for url in survey)
        history = history_for(ticket, recipient) if include_history else []
        if not (allow_internal and recipient.is_agent):
            history = [e for e in history if e.comment_id is None or e.comment.public]  # type: ignore[union-attr]  # the comment_id is checked
        context = {
            "ticket": ticket,
            "message": message,
            "conversation": list(reversed(conversation[-CONVERSATION_LIMIT:]))
            if include_conversation
            else [],
            "history": history,
            "url": values["ticket.url"],
            "reply_marker": REPLY_MARKER,
            "recipient_is_agent": recipient.is_agent,
            "account": ticket.account,
        }
        text = render_to_string("emails/ticket/body.txt", context)
        html = render_to_string("emails/ticket/body.html", context)
    return ComposedEmail(
        subject=subject or ticket.subject, text=text, html=html, offers_survey=offers_survey
    )


def ticket_link(ticket: Ticket, recipient: Recipient) -> str:
    return ticket_url(ticket, for_agent=recipient.is_agent)


def message_for(delivery: Delivery) -> EmailMultiAlternatives:
    """The email of an outbox row: multipart, threaded, marked as automatic."""
    headers = {
        "Message-ID": delivery.message_id,
        # RFC 3834: automatic mail, so auto-responders stay quiet and loops break.
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if delivery.in_reply_to:
        headers["In-Reply-To"] = delivery.in_reply_to
    if delivery.references:
        headers["References"] = delivery.references
    # The request (or task) that sent it, to find its log lines from a bounce or a
    # complaint (helpdesk/request_id.py).
    if request_id := current_request_id():
        headers[REQUEST_ID_HEADER] = request_id
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body_text,
        from_email=delivery.from_email,
        to=[delivery.to_email],
        reply_to=[delivery.reply_to] if delivery.reply_to else None,
        headers=headers,
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    return message
