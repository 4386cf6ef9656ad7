"""Files sent in a chat (issue 28: "attachments within the account's rules").

The visitor and the agents on a chat attach files to a message under the rules of a
ticket comment's attachments: the one check of tickets.attachments.validate_uploads
(how many, how big, which types, content matching the name, never an empty file),
called before anything is written, so a refusal loses nothing and the typed message
stays in its box. A file is stored as a ticket's attachment is (the same unguessable
storage key, the safe name and the content type in the row), numbered per account.

When the chat's transcript goes into its ticket (core.write_transcript), each file of
the messages transcribed becomes an attachment of the transcript's comment (a copy:
the chat's own row stays downloadable in the chat), so the agent's ticket page and the
help center's request page list it like any comment's attachment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile

from accounts.models import Account, User
from chat.models import Chat, ChatAttachment, ChatMessage
from tickets import attachments as rules
from tickets.models import Comment


def validate(*, account: Account, uploads: Sequence[UploadedFile]) -> None:
    """The account's attachment rules, as for a ticket comment (ValidationError)."""
    if uploads:
        rules.validate_uploads(account=account, files=uploads)


def store(
    *, message: ChatMessage, uploader: User | None, uploads: Iterable[UploadedFile]
) -> list[ChatAttachment]:
    """Write validated files as the message's attachments."""
    stored = []
    for upload in uploads:
        name = rules.safe_filename(upload.name or "")
        row = ChatAttachment(
            account_id=message.account_id,
            chat_id=message.chat_id,
            message=message,
            uploader=uploader,
            filename=name,
            size=upload.size or 0,
            content_type=rules.content_type_for(name),
        )
        row.file.save(name, upload, save=False)
        row.save()
        stored.append(row)
    return stored


def copy_to_comment(*, chat: Chat, after_seq: int, comment: Comment) -> int:
    """The files of the messages after ``after_seq`` as attachments of ``comment`` (the
    transcript's). A file gone from the storage is left out (logged), not the rest."""
    copied = 0
    rows = ChatAttachment.objects.for_account(chat.account).filter(
        chat=chat, message__seq__gt=after_seq
    )
    for row in rows:
        copied += rules.attachment_copy(row, comment, log_as=f"Chat {chat.pk}")
    return copied
