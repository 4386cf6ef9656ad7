"""Every email the product sends is an outbox row: only the outbox builds a message and
hands it to the mail provider. A new email sent any other way (a direct send_mail in a
view, a task of its own) would be lost with the broker down, or sent twice; this finds
it in the source."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "api", "helpdesk", "notifications", "portal", "tickets")
SENDING = re.compile(
    r"(?<!def )\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|"
    r"EmailMultiAlternatives|get_connection)\s*\(|\bmailers\.\w+|\bemail_send\.\w+\("
)
# A line that must send outside the outbox says why, on the line itself.
EXEMPT = "# outbox-exempt:"
ALLOWED = {
    "notifications/emails.py",  # message_for: an outbox row's message
    "notifications/mailer.py",  # the worker's connection that sends it
    "notifications/mail.py",  # our email backends
}


def test_only_the_outbox_builds_and_sends_messages():
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in ALLOWED or "/migrations/" in name:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if SENDING.search(line.split("#")[0]) and EXEMPT not in line:
                    offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []
