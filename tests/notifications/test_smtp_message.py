"""The SMTP backend's fast path (issue 8): the outbox's messages flattened without the
email package read, once parsed, exactly as Django's own ``message(policy=SMTP)`` —
same headers in the same order, same decoded values, same parts and contents — and
anything outside the shape it knows goes through Django's path unchanged."""

import email
import email.policy
from email.utils import formataddr

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers

from notifications.emails import message_for
from notifications.mail import SMTPEmailBackend, smtp_message
from notifications.models import Delivery

TEXT = (
    "##- Please type your reply above this line -##\n\nHello Mia Muller,\n\n"
    "Your request (899998) has been received and is being reviewed by our support staff.\n"
    "\nhttps://acme.example.com/hc/requests/899998/\n\n---\n\nMia Muller · 23 Nov 2026\n"
)
HTML = (
    '<!doctype html>\n<html><head><meta charset="utf-8"></head>\n<body style="margin:0;'
    "padding:0;background:#f5f7f9;font-family:system-ui,-apple-system,'Segoe UI',Roboto\">"
    "<p>Hello Mia Muller,<br><br>Your request (899998) has been received.</p>"
    "<p>Mia Muller · 23 Nov 2026</p></body></html>\n"
)
LONG_REFS = " ".join(f"<ticket.{n}.0123456789abcdef@acme.example.com>" for n in range(8))


def delivery(**fields) -> Delivery:
    values = {
        "to_email": "mia.muller@customer.example",
        "from_email": formataddr(("Acme Support", "support@example.com")),
        "reply_to": "reply+42-0c2cca856a0abfe8de8e87a3@acme.example.com",
        "subject": "[Request received] Printer on fire",
        "body_text": TEXT,
        "body_html": HTML,
        "in_reply_to": "<ticket.42.b3b6ba907c9f0bbe@acme.example.com>",
        "references": "<ticket.42.b3b6ba907c9f0bbe@acme.example.com>",
    }
    return Delivery(**(values | fields))


CASES = {
    "ticket email": delivery(),
    "Italian subject and account name": delivery(
        subject="[Richiesta ricevuta] La stampante è in fiamme — perché?",
        from_email=formataddr(("Società Rossi Assistenza", "support@example.com")),
    ),
    "long ASCII subject": delivery(subject=("Printer on fire " * 15).strip()),
    "long non-ASCII subject": delivery(subject=("Ünïcödé 日本語のチケット " * 12).strip()),
    "emoji subject": delivery(subject="Thanks 🎉 for the fix"),
    "name with a dot (quoted)": delivery(
        from_email=formataddr(("Acme Inc. Support", "support@example.com"))
    ),
    "long References": delivery(references=LONG_REFS),
    "no reply-to, no thread": delivery(reply_to="", in_reply_to="", references=""),
    "text only": delivery(body_html=""),
    "short ASCII lines (7bit)": delivery(body_text="Hi\n\nShort.\n", body_html="<p>Hi</p>"),
    "short non-ASCII lines (8bit)": delivery(body_text="Ciao è\n", body_html="<p>è</p>"),
    "mostly non-ASCII (base64)": delivery(body_text="日本語のテキスト" * 40 + "\n"),
    "trailing spaces and tabs": delivery(body_text="line with space \nand tab\t\n" + "x" * 90),
    "CRLF and lone CR": delivery(body_text="one\r\ntwo\rthree\n" + "y" * 100),
    "a lone dot and From": delivery(body_text=".\nFrom here\n..\n" + "z" * 100),
    "no final newline": delivery(body_text="no newline " * 20),
    "boundary-like text": delivery(body_text="--===============1234==\n" + "w" * 90),
}


def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def shape(message: email.message.EmailMessage) -> list:
    """What a mail client reads: headers (decoded; no Date, no boundary) and parts."""
    headers = [
        (name, str(value))
        for name, value in message.items()
        if name not in ("Date", "Content-Type", "Content-Transfer-Encoding")
    ]
    parts = [
        (
            part.get_content_type(),
            part.get_content_charset(),
            part.get_content().replace("\r\n", "\n"),
        )
        for part in message.walk()
        if not part.is_multipart()
    ]
    return [message.get_content_type(), headers, parts]


@pytest.mark.parametrize("case", CASES)
def test_the_fast_path_reads_as_djangos_message(case, settings):
    settings.BASE_DOMAIN = "example.com"
    message = message_for(CASES[case])
    flat = smtp_message(message)
    assert flat is not None, "declined a message of the outbox's shape"
    sender, recipients, data = flat
    django = message.message(policy=email.policy.SMTP).as_bytes()
    assert shape(parsed(data)) == shape(parsed(django))
    assert sender == "support@example.com"
    assert recipients == ["mia.muller@customer.example"]
    assert all(len(line) <= 78 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF throughout
    # The same transfer encodings but where the two heuristics may weigh qp against
    # base64 differently (on the whole body here, on its first ten lines there).
    ours = [p["Content-Transfer-Encoding"] for p in parsed(data).walk() if not p.is_multipart()]
    theirs = [p["Content-Transfer-Encoding"] for p in parsed(django).walk() if not p.is_multipart()]
    for a, b in zip(ours, theirs, strict=True):
        assert a == b or {a, b} == {"quoted-printable", "base64"}


@pytest.mark.parametrize(
    "message",
    [
        EmailMessage("Hi", "Body", "a@example.com", ["b@example.com"], cc=["c@example.com"]),
        EmailMessage("Hi", "Body", "a@example.com", ["b@example.com"], bcc=["c@example.com"]),
        EmailMessage("Hi", "Body", "a@exämple.com", ["b@example.com"]),  # IDNA
        EmailMessage("Hi", "Body", "Änn <a@example.com>", ["b@example.com"]),  # raw UTF-8
        EmailMessage("Tab\there", "Body", "a@example.com", ["b@example.com"]),
        EmailMessage("Two  spaces " * 8, "Body", "a@example.com", ["b@example.com"]),
        EmailMessage("Hi", "", "a@example.com", ["b@example.com"]),
        EmailMessage("Hi", "Body", "a@example.com", ["b@example.com"], headers={"X-A": "é"}),
        EmailMessage("Hi", "Body", "a@example.com", ["b@example.com"], headers={"From": "x@y.z"}),
        EmailMessage("x" * 100, "Body", "a@example.com", ["b@example.com"]),  # unfoldable
    ],
    ids=lambda m: repr((m.subject[:12], m.from_email, m.cc, m.bcc, m.extra_headers))[:60],
)
def test_anything_else_is_left_to_the_email_package(message):
    assert smtp_message(message) is None


def test_a_plain_message_to_named_people_reads_the_same():
    message = EmailMessage(
        "Hi",
        "Body\n",
        "Ann <a@example.com>",
        ['"Bob, Jr." <b@example.com>', "c@example.com"],
        reply_to=["Desk <d@example.com>"],
        headers={"Message-ID": "<1@example.com>"},
    )
    sender, recipients, data = smtp_message(message)
    assert (sender, recipients) == ("a@example.com", ["b@example.com", "c@example.com"])
    django = message.message(policy=email.policy.SMTP).as_bytes()
    assert shape(parsed(data)) == shape(parsed(django))


def test_html_only_and_attachments_are_left_to_the_email_package():
    message = EmailMultiAlternatives("Hi", "", "a@example.com", ["b@example.com"])
    message.attach_alternative("<p>Hi</p>", "text/html")
    assert smtp_message(message) is None
    message = EmailMultiAlternatives("Hi", "Body", "a@example.com", ["b@example.com"])
    message.attach("a.txt", "text", "text/plain")
    assert smtp_message(message) is None


def test_header_injection_is_refused_as_django_refuses_it(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": f"{SMTPEmailBackend.__module__}.SMTPEmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1},
        }
    }
    message = message_for(delivery(subject="Hi\r\nBcc: victim@example.com"))
    assert smtp_message(message) is None  # and Django's path raises, as before

    class Connection:
        def sendmail(self, *args):
            raise AssertionError("sent")

    backend = mailers.default
    backend.connection = Connection()
    with pytest.raises(ValueError, match="linefeed|carriage|newline"):
        backend._send(message)


def test_the_backend_sends_the_fast_bytes(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": f"{SMTPEmailBackend.__module__}.SMTPEmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1},
        }
    }
    sent = []

    class Connection:
        def sendmail(self, sender, recipients, data):
            sent.append((sender, recipients, data))

    backend = mailers.default
    backend.connection = Connection()
    d = delivery()
    assert backend._send(message_for(d)) is True
    [(sender, recipients, data)] = sent
    assert (sender, recipients) == ("support@example.com", [d.to_email])
    assert parsed(data)["Message-ID"] == d.message_id
