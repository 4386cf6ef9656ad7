"""Writing help's changes: the settings, and a request from the reply box, written as a
row and answered after commit by a Celery task (assist.tasks). The provider's answer
only ever fills the row: the agent puts it into the box, edits it and sends it."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import field_crypto
from accounts.dbsession import account_context
from accounts.models import Account, User
from assist import offline, prompts, remote, selectors
from assist.models import AGENT_FEATURES, AssistRequest, AssistSettings, Feature, Provider
from helpdesk.celery import task_enqueue
from tickets.models import Comment, Ticket
from tickets.services.common import NotAllowed
from webhooks.targets import endpoint_clean

logger = logging.getLogger(__name__)

RUN_TASK = "assist.tasks.assist_request_run_task"
MAX_TEXT = 20_000
MAX_CONVERSATION = 12_000
# Past the task's soft time limit (assist.tasks: 90 s): a claim this old lost its worker.
CLAIM_LEASE = dt.timedelta(minutes=3)


def settings_update(
    *,
    account: Account,
    provider: str,
    base_url: str = "",
    model: str = "",
    api_key: str | None = None,
    monthly_budget: int = 1000,
    send_internal_notes: bool = False,
) -> AssistSettings:
    """Save the account's choice; ``api_key`` None keeps the stored key, "" removes it."""
    if provider == Provider.OPENAI:
        if not base_url or not model:
            raise ValidationError(
                {"base_url": _("An OpenAI-compatible server needs its base URL and a model.")}
            )
        try:
            endpoint_clean(base_url.rstrip("/") + "/chat/completions")
        except ValidationError as exc:
            raise ValidationError({"base_url": exc.messages}) from exc
    current = selectors.assist_settings(account)
    current.provider, current.base_url, current.model = provider, base_url.strip(), model.strip()
    current.monthly_budget, current.send_internal_notes = monthly_budget, send_internal_notes
    if api_key is not None:
        current.api_key_encrypted = field_crypto.encrypt(api_key.strip())
    current.updated_at = timezone.now()
    current.save()
    return current


def request_create(*, ticket: Ticket, actor: User, feature: str, text: str) -> AssistRequest:
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents use writing help."))
    if feature not in AGENT_FEATURES:
        raise ValidationError(_("Unknown writing help."))
    settings = selectors.assist_settings(ticket.account)
    if not dict(selectors.features_for(settings))[Feature(feature)]:
        raise ValidationError(
            _("“%(feature)s” needs an AI server: an admin can set one in Settings → Writing help.")
            % {"feature": Feature(feature).label}
        )
    text = text.replace("\x00", "").strip()
    if feature in prompts.ON_TEXT and not text:
        raise ValidationError(_("Type a reply first: this works on the reply box's text."))
    if len(text) > MAX_TEXT:
        raise ValidationError(_("The reply is too long for writing help (20,000 characters)."))
    provider = Provider.OPENAI if settings.provider == Provider.OPENAI else Provider.OFFLINE
    request = AssistRequest.objects.create(
        account=ticket.account,
        ticket=ticket,
        agent=actor,
        feature=feature,
        provider=provider,
        text=text,
    )
    pk, account_id = request.pk, ticket.account_id
    transaction.on_commit(lambda: _enqueue(account_id, pk))
    return request


def _enqueue(account_id: int, pk: int) -> None:
    try:
        task_enqueue(RUN_TASK, (account_id, pk))
    except Exception:  # noqa: BLE001 - a broker outage: the agent is told, nothing is lost
        logger.warning("assist: could not queue request %s", pk, exc_info=True)
        with account_context(account_id):
            AssistRequest.all_accounts.filter(pk=pk, state=AssistRequest.State.PENDING).update(
                state=AssistRequest.State.FAILED,
                error=_("Writing help is unavailable right now; try again in a moment."),
                finished_at=timezone.now(),
            )


def _conversation(ticket: Ticket, *, internal: bool) -> str:
    comments = (
        Comment.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .select_related("author")
        .order_by("created_at", "id")
    )
    lines = []
    for comment in comments:
        if not comment.public and not internal:
            continue
        role = "Agent" if comment.author.is_agent else "Customer"
        note = "" if comment.public else " (internal note)"
        lines.append(f"{role} {comment.author.name}{note}:\n{comment.body.strip()}")
    text = "\n\n".join(lines)
    return text[-MAX_CONVERSATION:]


def _remote(request: AssistRequest, agent: User, settings: AssistSettings) -> tuple[str, str]:
    if selectors.remote_requests_this_month(request.account) > settings.monthly_budget:
        return "", _("This month's writing-help budget is used up; an admin can raise it.")
    feature = Feature(request.feature)
    if feature in prompts.ON_TEXT:
        user = request.text
    else:
        user = f"Subject: {request.ticket.subject}\n\n" + _conversation(
            request.ticket, internal=settings.send_internal_notes
        )
        if feature == Feature.GENERATE:
            draft = offline.generate(ticket=request.ticket, agent=agent)
            if draft.found:
                user += "\n\nReference texts of this helpdesk:\n" + draft.text
    request.sent = prompts.SYSTEM[feature] + "\n\n" + user
    answer = remote.chat(
        base_url=settings.base_url,
        model=settings.model,
        api_key=field_crypto.decrypt(settings.api_key_encrypted),
        system=prompts.SYSTEM[feature],
        user=user,
    )
    return answer.text, answer.error


def _offline(request: AssistRequest, agent: User) -> tuple[str, str]:
    if request.feature == Feature.SPELLING:
        locale = request.ticket.requester.effective_locale
        fixed, changed = offline.fix_spelling(request.text, locale=locale)
        if not changed:
            return "", _("No spelling mistakes found.")
        return fixed, ""
    draft = offline.generate(ticket=request.ticket, agent=agent)
    if not draft.found:
        return "", _("No macro or article matches this conversation.")
    return draft.text, ""


def _claim(pk: int) -> dt.datetime | None:
    """Mark the request running, in its own short transaction; the claim's time, or None
    when another worker has it or it is answered. A conditional UPDATE, so two workers
    given the same request cannot both run it, and no lock outlives the statement: the
    provider may take its 30 s (ASSIST_READ_TIMEOUT) with nothing held in the database.
    A claim older than CLAIM_LEASE (past the task's time limit: its worker died) may be
    taken again; the stale worker's answer is then refused (_store)."""
    now = timezone.now()
    claimable = Q(state=AssistRequest.State.PENDING) | Q(
        state=AssistRequest.State.RUNNING, started_at__lt=now - CLAIM_LEASE
    )
    claimed = AssistRequest.all_accounts.filter(claimable, pk=pk).update(
        state=AssistRequest.State.RUNNING, started_at=now
    )
    return now if claimed else None


def _store(request: AssistRequest, *, claimed_at: dt.datetime, text: str, error: str) -> str:
    """The answer, kept only by the worker whose claim still stands."""
    state = AssistRequest.State.FAILED if error else AssistRequest.State.DONE
    stored = AssistRequest.all_accounts.filter(
        pk=request.pk, state=AssistRequest.State.RUNNING, started_at=claimed_at
    ).update(
        result=text,
        error=error[:300],
        state=state,
        sent=request.sent,
        finished_at=timezone.now(),
    )
    return str(state) if stored else "skipped"


def request_run(*, account_id: int, pk: int) -> str:
    """Answer one pending request (idempotent: a request claimed or answered already is
    left). Three steps, none holding a transaction across the provider's call: claim,
    ask, store."""
    with account_context(account_id):
        claimed_at = _claim(pk)
        if claimed_at is None:
            return "skipped"
        request = AssistRequest.all_accounts.select_related(
            "account", "ticket__requester", "ticket__account", "agent"
        ).get(pk=pk)
        if request.agent is None:
            text, error = "", _("The agent who asked is gone.")
        elif request.provider == Provider.OPENAI:
            settings = selectors.assist_settings(request.account)
            text, error = _remote(request, request.agent, settings)
        else:
            text, error = _offline(request, request.agent)
        return _store(request, claimed_at=claimed_at, text=text, error=error)
