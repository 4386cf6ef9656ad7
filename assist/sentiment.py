"""Sentiment through the account's remote provider (issue 28: providers are pluggable,
sentiment is one of their features). The lexicon (tickets.sentiment) stays the default
and scores every end user's comment as it is written, so triggers and views never wait
for a network; when the account uses an OpenAI-compatible server, a Celery task then
asks it for the same comment and replaces the lexicon's word with its answer. Like
writing help: the monthly budget, the timeouts of assist.remote, a log row per call
(feature "sentiment", no agent); a failure or an unreadable answer leaves the lexicon's."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import field_crypto
from accounts.dbsession import account_context
from assist import remote, selectors
from assist.models import AssistRequest, Feature, Provider
from helpdesk.celery import task_enqueue
from tickets.events import TicketChange
from tickets.models import Comment, Ticket
from tickets.sentiment import NEGATIVE, NEUTRAL, POSITIVE

logger = logging.getLogger(__name__)

TASK = "assist.tasks.assist_sentiment_task"
MAX_TEXT = 4_000
SYSTEM = (
    "Classify the sentiment of this customer's message to a support team. Answer with "
    "exactly one word: positive, neutral or negative."
)
LABELS = frozenset({POSITIVE, NEUTRAL, NEGATIVE})


def on_ticket_changed(sender: object, *, change: TicketChange, **kwargs: object) -> None:
    """An end user's comment (the lexicon scored it: it has a sentiment): after commit,
    ask for it again if the account uses a remote provider. The settings are read
    after commit too, so the comment's own transaction costs nothing more."""
    comment = change.comment
    if comment is None or not comment.sentiment:
        return
    account_id, pk = comment.account_id, comment.pk
    transaction.on_commit(lambda: _enqueue(account_id, pk))


def _enqueue(account_id: int, pk: int) -> None:
    with account_context(account_id):
        settings = selectors.assist_settings_by_id(account_id)
        if settings is None or not selectors.is_remote(settings):
            return
    try:
        task_enqueue(TASK, (account_id, pk))
    except Exception:  # noqa: BLE001 - a broker outage: the lexicon's word stays
        logger.warning("assist: could not queue sentiment of comment %s", pk, exc_info=True)


def _label(text: str) -> str | None:
    word = text.strip().strip(".!\"'").casefold()
    return word if word in LABELS else None


def comment_rescore(*, account_id: int, comment_pk: int) -> str:
    """Ask the remote provider; no transaction is open while it answers."""
    with account_context(account_id):
        comment = (
            Comment.all_accounts.select_related("account", "author")
            .filter(pk=comment_pk)
            .exclude(sentiment="")
            .first()
        )
        if comment is None:
            return "skipped"
        settings = selectors.assist_settings(comment.account)
        if not selectors.is_remote(settings):
            return "skipped"
        if selectors.remote_requests_this_month(comment.account) >= settings.monthly_budget:
            return "budget"
        text = comment.body[:MAX_TEXT]
        logged = AssistRequest.objects.create(
            account=comment.account,
            ticket_id=comment.ticket_id,
            agent=None,
            feature=Feature.SENTIMENT,
            provider=Provider.OPENAI,
            state=AssistRequest.State.RUNNING,
            started_at=timezone.now(),
            text=text,
            sent=SYSTEM + "\n\n" + text,
        )
        answer = remote.chat(
            base_url=settings.base_url,
            model=settings.model,
            api_key=field_crypto.decrypt(settings.api_key_encrypted),
            system=SYSTEM,
            user=text,
        )
        label = _label(answer.text) if not answer.error else None
        error = answer.error or ("" if label else _("The AI server's answer could not be read."))
        with transaction.atomic():
            AssistRequest.all_accounts.filter(pk=logged.pk).update(
                state=AssistRequest.State.FAILED if error else AssistRequest.State.DONE,
                result=label or "",
                error=error[:300],
                finished_at=timezone.now(),
            )
            if label is None:
                return "failed"  # the lexicon's word stays
            _store(comment, label)
        return label


def _store(comment: Comment, label: str) -> None:
    """The comment's sentiment, and the ticket's while this is still its latest scored
    comment (a newer one's lexicon word, or answer, is not overwritten)."""
    comments = Comment.objects.for_account(comment.account)
    comments.filter(pk=comment.pk).update(sentiment=label)
    latest = (
        comments.filter(ticket_id=comment.ticket_id)
        .exclude(sentiment="")
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if latest == comment.pk:
        Ticket.objects.for_account(comment.account).filter(pk=comment.ticket_id).update(
            sentiment=label
        )
