"""The development email backend: prints each message and keeps a copy under var/mail."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class DevelopmentEmailBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        mail_dir = Path(settings.DEV_MAIL_DIR)
        mail_dir.mkdir(parents=True, exist_ok=True)
        for n, message in enumerate(email_messages):
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns()}-{n}.eml"
            (mail_dir / name).write_bytes(message.message().as_bytes())
        return super().send_messages(email_messages)
