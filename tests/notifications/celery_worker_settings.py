"""Settings of the real Celery worker started by test_celery_worker.py: the project's
settings, with email written one file per message into NOTIFY_TEST_MAIL_DIR."""

import os

from helpdesk.settings import *  # noqa: F403

MAILERS = {"default": {"BACKEND": "tests.notifications.celery_worker_settings.FileDropBackend"}}
NOTIFICATIONS_SEND_LEASE_SECONDS = int(os.environ.get("NOTIFY_TEST_LEASE_SECONDS", "2"))


from django.core.mail.backends.base import BaseEmailBackend  # noqa: E402


class FileDropBackend(BaseEmailBackend):
    """Marks that a send started, waits (so a test can kill the worker mid-send), then
    writes the message: one ``.eml`` per message actually sent."""

    def send_messages(self, messages):
        import pathlib
        import time
        import uuid

        folder = pathlib.Path(os.environ["NOTIFY_TEST_MAIL_DIR"])
        for message in messages:
            name = uuid.uuid4().hex
            (folder / f"{name}.started").write_text(",".join(message.to))
            time.sleep(float(os.environ.get("NOTIFY_TEST_SEND_SECONDS", "0")))
            (folder / f"{name}.eml").write_bytes(message.message().as_bytes())
        return len(messages)
