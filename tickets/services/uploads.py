"""Files uploaded before the comment that will carry them (the API's uploads)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from accounts.models import Account, User
from tickets import attachments as attachment_rules
from tickets.models import Attachment
from tickets.services.common import store_upload


def attachment_upload(*, account: Account, uploader: User, upload: UploadedFile) -> Attachment:
    """Keep a file for a later comment: the account's attachment rules apply now, and
    ``comment_add(upload_tokens=…)`` claims it later, by its uploader only."""
    attachment_rules.validate_uploads(account=account, files=[upload])
    return store_upload(account_id=account.pk, comment=None, uploader=uploader, upload=upload)
