"""The help center's chat widget endpoints (JSON): status, start, poll, post (text,
files or both), typing, read, end, a file's download, and the offline "leave a
message". Signed-in end users and, when the account allows it, anonymous visitors (their
chats remembered in their session). A chat (or a file of one) that is not the visitor's
answers 404, whatever the reason (chat.selectors.chat_for_visitor).
POSTs carry Django's CSRF token like every help-center form. Every call of a signed-in
visitor is a presence beat (the agent's ticket page offers "Start chat" to the online)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chat import presence, selectors
from chat.models import Chat, ChatAttachment
from chat.services import visitor as services
from chat.throttle import anonymous_start_allowed
from helpdesk.client_address import client_network
from tickets.attachments import attachment_response


def _user(request):
    user = request.user
    return user if user.is_authenticated else None


def _beat(request) -> None:
    user = _user(request)
    if user is not None and user.is_end_user:
        presence.visitor_seen(request.account.pk, user.pk)


def _refused(error: ValidationError) -> JsonResponse:
    fields = error.message_dict if hasattr(error, "error_dict") else {}
    return JsonResponse({"errors": fields, "message": " ".join(error.messages)}, status=400)


def _too_many(request) -> JsonResponse | None:
    """Refuse an anonymous client that started too many chats or messages lately."""
    if _user(request) is not None:
        return None
    if anonymous_start_allowed(request.account.pk, client_network(request)):
        return None
    message = _("Too many chats were started from here. Please try again in a few minutes.")
    return JsonResponse({"errors": {}, "message": message}, status=429)


def _chat(request, number: int) -> Chat:
    try:
        return selectors.chat_for_visitor(
            account=request.account, user=_user(request), session=request.session, number=number
        )
    except Chat.DoesNotExist:
        raise Http404 from None


def _int(value, default: int = 0) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


@require_GET
def widget(request):
    """The widget's markup where the account offers chat (and the visitor is no agent);
    nothing otherwise, so the help center's pages carry no chat forms."""
    if not services.widget_offered(services.chat_settings(request.account), _user(request)):
        return HttpResponse(status=204)
    return render(request, "chat/widget.html")


@require_GET
def status(request):
    """Whether chat is offered and open now, and the visitor's running chats."""
    _beat(request)
    account = request.account
    settings = services.chat_settings(account)
    user = _user(request)
    enabled = services.widget_offered(settings, user)
    chats = (
        list(
            selectors.visitor_chats(
                account=account, user=user, session=request.session
            ).values_list("number", flat=True)[:5]
        )
        if enabled
        else []
    )
    return JsonResponse(
        {
            "enabled": enabled,
            "open": enabled and services.chat_is_open(account, settings),
            "signed_in": user is not None,
            "may_chat": enabled and (user is not None or settings.anonymous_allowed),
            "chats": chats,
        }
    )


@require_POST
def start(request):
    if refused := _too_many(request):
        return refused
    try:
        chat = services.chat_start(
            account=request.account,
            user=_user(request),
            session=request.session,
            name=request.POST.get("name", ""),
            email=request.POST.get("email", ""),
            first_message=request.POST.get("body", ""),
            page_url=request.POST.get("page_url", ""),
            uploads=request.FILES.getlist("files"),
        )
    except ValidationError as error:
        return _refused(error)
    _beat(request)
    return JsonResponse({"chat": chat.number, "state": chat.state})


@require_GET
def poll(request, number: int):
    """Messages after ``?after=<seq>``, the agents' markers, who is typing, the state.
    A GET writes nothing: the page says what it received and showed by POSTing ``read``."""
    chat = _chat(request, number)
    _beat(request)
    return JsonResponse(selectors.poll(chat=chat, after=_int(request.GET.get("after"))))


@require_POST
def post(request, number: int):
    chat = _chat(request, number)
    try:
        message = services.visitor_post(
            chat=chat, body=request.POST.get("body", ""), uploads=request.FILES.getlist("files")
        )
    except ValidationError as error:
        return _refused(error)
    _beat(request)
    return JsonResponse({"seq": message.seq})


@require_GET
def file(request, number: int, file_number: int):
    """A file sent in the visitor's chat, by either side: as every download, an
    attachment the browser may not sniff (tickets.attachments.attachment_response)."""
    try:
        row = selectors.visitor_file(
            account=request.account,
            user=_user(request),
            session=request.session,
            number=number,
            file_number=file_number,
        )
    except ChatAttachment.DoesNotExist:
        raise Http404 from None
    return attachment_response(row)


@require_POST
def typing(request, number: int):
    services.visitor_typing(chat=_chat(request, number))
    return JsonResponse({"ok": True})


@require_POST
def read(request, number: int):
    """The page received (``shown=0``: delivered) or showed (read) messages up to ``seq``."""
    chat = services.visitor_seen_upto(
        chat=_chat(request, number),
        seq=_int(request.POST.get("seq")),
        read=request.POST.get("shown", "1") != "0",
    )
    return JsonResponse({"delivered": chat.visitor_delivered_seq, "read": chat.visitor_read_seq})


@require_POST
def end(request, number: int):
    chat = services.visitor_end(chat=_chat(request, number))
    return JsonResponse({"chat": chat.number, "state": chat.state})


@require_POST
def leave_message(request):
    if refused := _too_many(request):
        return refused
    try:
        services.leave_message(
            account=request.account,
            user=_user(request),
            name=request.POST.get("name", ""),
            email=request.POST.get("email", ""),
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
        )
    except ValidationError as error:
        return _refused(error)
    return JsonResponse({"ok": True})
