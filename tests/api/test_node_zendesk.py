"""node-zendesk (npm), unchanged, drives the app over HTTP (issue 23): a streamed upload
(it always sends files chunked) and both forms of the bulk update, on gunicorn, and the
upload on Django's runserver, which cannot read a chunked body and must say so (411)
rather than keep an empty file. The client lives in tests/api/node (``npm ci`` there;
.ci/run does it). Without node or the package the test is skipped, except in CI
(``CI=true``), where that is a failure."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from accounts.models import Organization
from tests.api.conftest import token_for
from tests.api.servers import serving
from tests.factories import make_ticket
from tickets.models import Attachment, DeletedTicket, Ticket, TicketEvent
from tickets.services import ticket_delete

pytestmark = pytest.mark.django_db(transaction=True)

NODE_DIR = Path(__file__).resolve().parent / "node"
CONTENT = b"a log line from node\n" * 4000  # 84 KB: many chunks


@pytest.fixture
def node():
    node = shutil.which("node")
    missing = (
        "node is not installed (apt-get install nodejs npm)"
        if node is None
        else "node-zendesk is not installed (npm ci in tests/api/node)"
        if not (NODE_DIR / "node_modules" / "node-zendesk").is_dir()
        else None
    )
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{missing}; the node client tests must run in CI", pytrace=False)
        pytest.skip(missing)
    return node


def _drive(
    node, port, user, upload: Path, *, bulk: bool, audit_ticket: int = 0, incremental=False
) -> dict:
    env = dict(os.environ) | {
        "INCREMENTAL": "1" if incremental else "",
        "AUDIT_TICKET": str(audit_ticket or ""),
        "SPORTELLO_URL": f"http://127.0.0.1:{port}",
        "SPORTELLO_HOST": f"{user.account.subdomain}.localhost",
        "SPORTELLO_EMAIL": user.email,
        "SPORTELLO_TOKEN": token_for(user),
        "UPLOAD_FILE": str(upload),
        "BULK": "1" if bulk else "",
    }
    done = subprocess.run(  # noqa: S603 - our own script
        [node, "drive.js"], cwd=NODE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_node_zendesk_streams_an_upload_and_bulk_updates_on_gunicorn(
    node, tmp_path, acme, acme_agent
):
    for _ in range(2):
        make_ticket(account=acme, submitter=acme_agent)
    upload = tmp_path / "log.txt"
    upload.write_bytes(CONTENT)
    with serving("gunicorn", media_root=tmp_path / "media") as port:
        out = _drive(node, port, acme_agent, upload, bulk=True)

    assert out["upload"]["ok"], out["upload"]
    token = out["upload"]["result"]["upload"]["token"]
    kept = Attachment.objects.for_account(acme).get(token=token)
    assert kept.size == len(CONTENT)
    assert (tmp_path / "media" / kept.file.name).read_bytes() == CONTENT

    for form in ("ids_form", "list_form"):
        assert out[form]["status"] == "completed", out[form]
        assert [r["success"] for r in out[form]["results"]] == [True, True], out[form]
    first, second = Ticket.objects.for_account(acme).order_by("number")
    assert (first.priority, first.status) == ("high", "open")
    assert second.priority == "low"


def test_node_zendesks_streamed_upload_is_refused_on_runserver_not_stored_empty(
    node, tmp_path, acme, acme_agent
):
    upload = tmp_path / "log.txt"
    upload.write_bytes(CONTENT)
    with serving("runserver", media_root=tmp_path / "media") as port:
        out = _drive(node, port, acme_agent, upload, bulk=False)
    # node-zendesk throws only for the statuses it knows; a 411 comes back as the body.
    # The server answers before it has read the body and closes the connection, so on a
    # loaded machine the client may still be writing and see EPIPE/ECONNRESET instead of
    # the answer: refused either way, and never "Created" with an empty file.
    result = out["upload"].get("result") or {}
    assert "upload" not in result, out["upload"]
    refused_mid_write = not out["upload"].get("ok") and any(
        reason in (out["upload"].get("message") or "") for reason in ("EPIPE", "ECONNRESET")
    )
    assert result.get("error") == "LengthRequired" or refused_mid_write, out["upload"]
    assert not Attachment.objects.for_account(acme).exists()


def test_node_zendesk_tags_a_ticket_and_reads_its_audits(node, tmp_path, acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent, body="Help")
    with serving("gunicorn", media_root=tmp_path / "media") as port:
        out = _drive(node, port, acme_agent, tmp_path, bulk=False, audit_ticket=ticket.number)

    assert out["tags"]["ok"], out["tags"]
    assert out["audits"]["ok"], out["audits"]
    audits = out["audits"]["result"]
    assert [a["ticket_id"] for a in audits] == [ticket.number, ticket.number]
    # Then the emails the triggers sent on it, if any (Notification events).
    types = [e["type"] for e in audits[0]["events"]]
    assert types[:2] == ["Create", "Comment"] and set(types[2:]) <= {"Notification"}, types
    tagged = audits[1]["events"][0]
    assert (tagged["field_name"], tagged["value"]) == ("tags", ["node"])


def test_node_zendesk_reads_the_incremental_exports(node, tmp_path, acme, acme_admin, acme_org):
    from django.utils import timezone

    tickets = [make_ticket(account=acme, subject=f"N{i}") for i in range(3)]
    ticket_delete(ticket=tickets[2], actor=acme_admin)
    # Out of the last minute, which the exports leave out.
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Ticket.objects.for_account(acme).update(updated_at=an_hour_ago)
    DeletedTicket.objects.for_account(acme).update(updated_at=an_hour_ago)
    TicketEvent.objects.for_account(acme).update(created_at=an_hour_ago)
    Organization.objects.for_account(acme).update(updated_at=an_hour_ago)
    # The exports' own limit (10 a minute) is the server's: one client's few calls fit.
    with serving("gunicorn", media_root=tmp_path / "media") as port:
        out = _drive(node, port, acme_admin, tmp_path, bulk=False, incremental=True)

    assert out["tickets"]["ok"], out["tickets"]
    # The time-based export reports the deleted ticket too, as the cursor one does.
    timed = out["tickets"]["result"]
    assert sorted((t["subject"], t["status"]) for t in timed) == [
        ("N0", "new"),
        ("N1", "new"),
        ("N2", "deleted"),
    ]
    walked = [t for page in out["cursor_pages"] for t in page["tickets"]]
    assert sorted((t["subject"], t["status"]) for t in walked) == [
        ("N0", "new"),
        ("N1", "new"),
        ("N2", "deleted"),
    ]
    assert out["cursor_pages"][-1]["end_of_stream"] is True
    assert out["organizations"]["ok"], out["organizations"]
    assert acme_org.name in [o["name"] for o in out["organizations"]["result"]]
    assert out["ticket_events"]["ok"], out["ticket_events"]
    numbers = {e["ticket_id"] for e in out["ticket_events"]["result"]}
    assert {tickets[0].number, tickets[1].number} <= numbers
