"""The agents' chat workspace (/agent/chats/), its polling endpoints and its buttons.

Agents only (end users get the 404 of every agent page); a chat is found by its number
through agent_selectors.chat_for_agent (404 alike for another account's, a missing one
and one the agent may not see). Every button works as a plain POST (back to the
workspace with a message); the page's script sends the same POSTs with
``Accept: application/json`` and gets the outcome as JSON instead, so a reply does not
reload the other chats' half-written answers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from chat import access
from chat.agent_selectors import (
    agent_by_number,
    chat_for_accept,
    chat_for_agent,
    chat_update,
    chats_of_agent,
    file_for_agent,
    queue_count,
    queue_for_agent,
    role_on,
    workspace_panes,
)
from chat.models import Chat
from chat.selectors import file_json, message_time
from chat.services import agents
from tickets.access import ticket_for_agent
from tickets.attachments import attachment_response
from tickets.views.common import agent_view, safe_next


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _number(value: str | None) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return 0
    return number if number > 0 else 0


def _done(request: HttpRequest, chat: Chat | None, text: str = "") -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": text})
    if text:
        messages.success(request, text)
    url = reverse("chatdesk:workspace")
    return redirect(f"{url}#chat-{chat.number}" if chat is not None else url)


def _refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    text = " ".join(error.messages)
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": text}, status=400)
    messages.error(request, text)
    return redirect("chatdesk:workspace")


@agent_view
@require_GET
def workspace(request):
    agent = request.user
    no_chats = agents.no_chats_message(agent, you=True)
    return render(
        request,
        "chat/agent/workspace.html",
        {
            "queue": queue_for_agent(agent=agent),
            "panes": workspace_panes(agent=agent),
            "available": agents.is_available(agent),
            "no_chats": no_chats,
            "chat_agent": no_chats is None,
            "queue_topic": "chat-queue",
        },
    )


@agent_view
@require_GET
def queue_poll(request):
    """The queue's fragment, and (as JSON) the numbers of the agent's own chats, so the
    page knows when one was handed to them."""
    agent = request.user
    if _wants_json(request):
        return JsonResponse(
            {
                "waiting": queue_count(agent=agent),
                "mine": [chat.number for chat in chats_of_agent(agent=agent)],
            }
        )
    return render(
        request,
        "chat/agent/_queue.html",
        {
            "queue": queue_for_agent(agent=agent),
            "no_chats": agents.no_chats_message(agent, you=True),
        },
    )


@agent_view
def availability(request):
    """GET: the top bar's toggle (loaded after the page: no query on every agent page);
    POST: set it."""
    agent = request.user
    if request.method == "POST":
        try:
            agents.availability_set(agent=agent, available=request.POST.get("available") == "1")
        except ValidationError as error:
            return _refused(request, error)
        if not request.htmx:
            return redirect(safe_next(request, reverse("chatdesk:workspace")))
    chat_agent = access.is_chat_agent(agent)
    return render(
        request,
        "chat/agent/_availability.html",
        {
            "chat_agent": chat_agent,
            "available": chat_agent and agents.is_available(agent),
            "waiting": queue_count(agent=agent) if chat_agent else 0,
        },
    )


def _message_json(message, chat: Chat) -> dict:
    return {
        "seq": message.seq,
        "kind": message.kind,
        "author": message.author.name if message.author else "",
        "body": message.body,
        "created_at": message.created_at.isoformat(),
        "time": message_time(message.created_at),
        "files": [file_json(row, "chatdesk:file", chat) for row in message.attachments.all()],
    }


@agent_view
@require_GET
def chat_poll(request, number: int):
    """A chat's news after ``?after=<seq>``: its messages, markers, state and who is
    typing (JSON), or the pane's messages as a fragment."""
    agent = request.user
    chat = chat_for_agent(agent=agent, number=number)
    update = chat_update(agent=agent, chat=chat, after=_number(request.GET.get("after")))
    if not _wants_json(request):
        return render(request, "chat/agent/_messages.html", {"update": update})
    return JsonResponse(
        {
            "number": chat.number,
            "state": chat.state,
            "state_label": chat.get_state_display(),
            "last_seq": chat.last_seq,
            "visitor_delivered": chat.visitor_delivered_seq,
            "visitor_read": chat.visitor_read_seq,
            "typing": update.visitor_typing,
            "others_typing": update.others_typing,
            "role": role_on(agent=agent, chat=chat),
            "ticket": reverse("tickets:ticket_detail", args=[chat.ticket.number])
            if chat.ticket
            else "",
            "ticket_number": chat.ticket.number if chat.ticket else None,
            "messages": [_message_json(m, chat) for m in update.messages],
        }
    )


def _act(request, number: int, act, text: str = "", find=chat_for_agent) -> HttpResponse:
    chat = find(agent=request.user, number=number)
    try:
        act(chat)
    except ValidationError as error:
        return _refused(request, error)
    return _done(request, chat, text)


@agent_view
@require_POST
def accept(request, number: int):
    return _act(
        request,
        number,
        lambda chat: agents.chat_accept(agent=request.user, chat=chat),
        find=chat_for_accept,
    )


@agent_view
@require_POST
def post(request, number: int):
    return _act(
        request,
        number,
        lambda chat: agents.agent_post(
            agent=request.user,
            chat=chat,
            body=request.POST.get("body", ""),
            uploads=request.FILES.getlist("files"),
        ),
    )


@agent_view
@require_GET
def file(request, number: int, file_number: int):
    """A file sent in a chat the agent may see (chat.access), as every download."""
    row = file_for_agent(agent=request.user, number=number, file_number=file_number)
    return attachment_response(row)


@agent_view
@require_POST
def typing(request, number: int):
    return _act(request, number, lambda chat: agents.agent_typing(agent=request.user, chat=chat))


@agent_view
@require_POST
def seen(request, number: int):
    return _act(
        request,
        number,
        lambda chat: agents.agent_seen_upto(
            agent=request.user,
            chat=chat,
            delivered=_number(request.POST.get("delivered")),
            read=_number(request.POST.get("read")),
        ),
    )


def _colleague(request) -> User:
    """The agent named by the form's ``agent`` (a user number) in this account."""
    number = _number(request.POST.get("agent"))
    found = agent_by_number(account=request.user.account, number=number)
    if found is None:
        raise ValidationError(_("Choose an available agent."))
    return found


@agent_view
@require_POST
def invite(request, number: int):
    return _act(
        request,
        number,
        lambda chat: agents.chat_invite(agent=request.user, chat=chat, other=_colleague(request)),
        _("Agent invited."),
    )


@agent_view
@require_POST
def transfer(request, number: int):
    return _act(
        request,
        number,
        lambda chat: agents.chat_transfer(agent=request.user, chat=chat, other=_colleague(request)),
        _("Chat transferred."),
    )


@agent_view
@require_POST
def leave(request, number: int):
    return _act(
        request,
        number,
        lambda chat: agents.chat_leave(agent=request.user, chat=chat),
        _("You left the chat."),
    )


@agent_view
@require_POST
def end(request, number: int):
    return _act(
        request,
        number,
        lambda chat: agents.agent_end(agent=request.user, chat=chat),
        _("Chat ended; its transcript is in the ticket."),
    )


@agent_view
@require_POST
def start_from_ticket(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    try:
        chat = agents.chat_start_from_ticket(agent=request.user, ticket=ticket)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tickets:ticket_detail", number=number)
    return redirect(reverse("chatdesk:workspace") + f"#chat-{chat.number}")
