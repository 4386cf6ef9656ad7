"""Live chat's part of the crawler's scenario (issue 28): in acme the end user's
chat and another end user's (its message carries the other-user marker), in globex more
chats than acme's (so its numbers are beyond acme's), the last carrying globex's marker.
The help center's chat endpoints answer the chat's own visitor only: 404 for everyone
else, agents included (they work from the workspace). Each chat carries a file (its
download, /hc/chat/<number>/files/<file>/, is the visitor's alone; a chat's number with
another chat's file answers nobody). The table's entries are in crawler_table.py
(CHAT_WEB_TABLE)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import Chat, ChatAttachment
from chat.services.core import message_post

CHAT_PROBES = {
    "mine": lambda i: {"number": i["chat_mine"]},
    "other": lambda i: {"number": i["chat_other"]},
    "globex": lambda i: {"number": i["chat_globex"]},
}
CHAT_FILE_PROBES = {
    "mine": lambda i: {"number": i["chat_mine"], "file_number": i["chat_file_mine"]},
    "other": lambda i: {"number": i["chat_other"], "file_number": i["chat_file_other"]},
    # Child-object IDOR: my chat's number with another chat's (account's) file.
    "other_via_mine": lambda i: {"number": i["chat_mine"], "file_number": i["chat_file_other"]},
    "globex": lambda i: {"number": i["chat_globex"], "file_number": i["chat_file_globex"]},
    "globex_via_mine": lambda i: {
        "number": i["chat_mine"],
        "file_number": i["chat_file_globex"],
    },
}


def chat_file(chat: Chat, name: str) -> int:
    """A file sent by the chat's visitor; its number."""
    upload = SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode())
    message = message_post(
        chat=chat, author=chat.visitor, body="", kind="visitor", uploads=[upload]
    )
    return ChatAttachment.objects.for_account(chat.account).get(message=message).number


def build_chats(acme, globex, *, end_user, other_user, globex_user, other_marker, globex_marker):
    def chat(account, visitor, body):
        found = Chat.objects.create(account=account, visitor=visitor)
        message_post(chat=found, author=visitor, body=body, kind="visitor")
        return found

    mine = chat(acme, end_user, "My chat")
    other = chat(acme, other_user, f"{other_marker} in a chat")
    for n in range(3):
        last = chat(globex, globex_user, f"{globex_marker} chat {n}")
    assert not Chat.objects.for_account(acme).filter(number=last.number).exists()
    files = {
        "chat_file_mine": chat_file(mine, "mine.pdf"),
        "chat_file_other": chat_file(other, "other.pdf"),
        "chat_file_globex": chat_file(last, "globex.pdf"),
    }
    return {
        "chat_mine": mine.number,
        "chat_other": other.number,
        "chat_globex": last.number,
        **files,
    }
