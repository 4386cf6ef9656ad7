"""A streamed upload (``Transfer-Encoding: chunked``, no Content-Length, as node-zendesk
always sends one) is kept whole or refused, never stored empty and answered 201 (issue
23, defect 2). Checked on the two servers the project runs under, real processes on the
test database: gunicorn dechunks the body (kept), Django's runserver does not (411)."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.api.conftest import basic_header, token_for
from tests.api.servers import serving
from tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT = b"line one\n" * 5000 + b"the end\n"  # 45 KB, several chunks


UPLOAD = "/api/v2/uploads.json?filename=x.txt"


def _post(port, user, body_parts, *, chunked=True, path=UPLOAD, content_type="text/plain"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Host": f"{user.account.subdomain}.localhost",
        "Authorization": basic_header(user.email, token_for(user)),
        "Content-Type": content_type,
    }
    if chunked:
        conn.request("POST", path, body=iter(body_parts), headers=headers, encode_chunked=True)
    else:
        conn.request("POST", path, body=b"".join(body_parts), headers=headers)
    response = conn.getresponse()
    status, body = response.status, json.loads(response.read() or b"{}")
    conn.close()
    return status, body


def _chunks(data: bytes, size: int = 4096):
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_gunicorn_keeps_a_chunked_upload_whole(tmp_path, acme, acme_agent):
    with serving("gunicorn", media_root=tmp_path) as port:
        status, body = _post(port, acme_agent, _chunks(CONTENT))
    assert status == 201, body
    assert body["upload"]["attachment"]["size"] == len(CONTENT)
    kept = Attachment.objects.for_account(acme).get(token=body["upload"]["token"])
    assert kept.size == len(CONTENT)
    assert (tmp_path / kept.file.name).read_bytes() == CONTENT


def test_gunicorn_refuses_a_chunked_upload_over_the_accounts_limit(tmp_path, acme, acme_agent):
    acme.max_attachment_size_kb = 10
    acme.save()
    with serving("gunicorn", media_root=tmp_path) as port:
        status, body = _post(port, acme_agent, _chunks(CONTENT))
    assert status == 413, body
    assert not Attachment.objects.for_account(acme).exists()


def test_runserver_refuses_a_chunked_upload_it_cannot_read(tmp_path, acme, acme_agent):
    with serving("runserver", media_root=tmp_path) as port:
        status, body = _post(port, acme_agent, _chunks(CONTENT))
        # The same file with its length is kept: the refusal names the way out.
        retried, kept = _post(port, acme_agent, _chunks(CONTENT), chunked=False)
    assert status == 411, body
    assert body["error"] == "LengthRequired" and "Content-Length" in body["description"]
    assert retried == 201 and kept["upload"]["attachment"]["size"] == len(CONTENT)
    assert Attachment.objects.for_account(acme).count() == 1


@pytest.mark.parametrize("server", ["runserver", "gunicorn"])
def test_an_empty_upload_is_refused_not_created(tmp_path, acme, acme_agent, server):
    with serving(server, media_root=tmp_path) as port:
        status, body = _post(port, acme_agent, [b""], chunked=False)
    assert status == 422, body
    assert body["details"]["file"][0]["description"]
    assert not Attachment.objects.for_account(acme).exists()


def test_a_chunked_json_body_is_read_too(tmp_path, acme, acme_agent):
    """Not only uploads: a streamed JSON body under gunicorn is read, not taken as {}."""
    payload = json.dumps({"ticket": {"subject": "Streamed", "comment": {"body": "Hi"}}})
    with serving("gunicorn", media_root=tmp_path) as port:
        status, body = _post(
            port,
            acme_agent,
            _chunks(payload.encode(), 10),
            path="/api/v2/tickets.json",
            content_type="application/json",
        )
    assert status == 201, body
    assert body["ticket"]["subject"] == "Streamed"


def test_runserver_refuses_a_chunked_page_form_too(tmp_path, acme):
    """Pages read bodies the same way: a form posted chunked would arrive empty."""
    with serving("runserver", media_root=tmp_path) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            "/signin/",
            body=iter([b"email=a%40b.example", b"&password=x"]),
            headers={
                "Host": "acme.localhost",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            encode_chunked=True,
        )
        response = conn.getresponse()
        status, text = response.status, response.read().decode()
        conn.close()
    assert status == 411
    assert "Content-Length" in text
