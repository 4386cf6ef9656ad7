"""The bulk update as a real background job, and uploads kept by the domain service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from api import jobs
from tests.factories import make_ticket
from tickets.models import Attachment, Ticket
from tickets.services import attachment_upload

pytestmark = pytest.mark.django_db


def _run_queued(callbacks) -> None:
    for callback in callbacks:
        callback()


def test_a_refused_ticket_fails_alone_and_the_job_still_completes(
    agent_api, acme, acme_agent, django_capture_on_commit_callbacks
):
    make_ticket(account=acme, submitter=acme_agent)
    make_ticket(account=acme, submitter=acme_agent, status="closed")
    with django_capture_on_commit_callbacks() as callbacks:
        job = agent_api.put(
            "tickets/update_many.json?ids=1,2", {"ticket": {"priority": "high"}}
        ).json()["job_status"]
    _run_queued(callbacks)

    final = agent_api.get(job["url"]).json()["job_status"]
    assert final["status"] == "completed"
    assert [(r["id"], r["success"]) for r in final["results"]] == [(1, True), (2, False)]
    assert final["results"][1]["error"] == "TicketUpdateFailed" and final["results"][1]["details"]
    assert Ticket.objects.for_account(acme).get(number=1).priority == "high"
    assert Ticket.objects.for_account(acme).get(number=2).priority != "high"


def test_the_task_reports_working_while_it_runs(
    agent_api, acme, acme_agent, django_capture_on_commit_callbacks, monkeypatch
):
    make_ticket(account=acme, submitter=acme_agent)
    seen = []
    real = jobs._update_one

    def spy(account, actor, ticket, data, fields):
        seen.append(jobs.job_status(account=account, job_id=job["id"])["status"])
        return real(account, actor, ticket, data, fields)

    monkeypatch.setattr(jobs, "_update_one", spy)
    with django_capture_on_commit_callbacks() as callbacks:
        job = agent_api.put(
            "tickets/update_many.json?ids=1", {"ticket": {"status": "open"}}
        ).json()["job_status"]
    _run_queued(callbacks)
    assert seen == ["working"]


def test_a_job_that_breaks_ends_failed(
    agent_api, acme, acme_agent, django_capture_on_commit_callbacks, monkeypatch
):
    make_ticket(account=acme, submitter=acme_agent)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "_update_one", broken)
    with django_capture_on_commit_callbacks() as callbacks:
        job = agent_api.put(
            "tickets/update_many.json?ids=1", {"ticket": {"status": "open"}}
        ).json()["job_status"]
    _run_queued(callbacks)
    final = agent_api.get(job["url"]).json()["job_status"]
    assert final["status"] == "failed" and "boom" not in (final["message"] or "")


def test_a_bad_reference_is_refused_at_once_and_queues_nothing(
    agent_api, acme, acme_agent, django_capture_on_commit_callbacks
):
    make_ticket(account=acme, submitter=acme_agent)
    with django_capture_on_commit_callbacks() as callbacks:
        response = agent_api.put("tickets/update_many.json?ids=1", {"ticket": {"assignee_id": 999}})
    assert response.status_code == 422
    assert callbacks == []


def test_another_accounts_job_is_not_found(api_for, agent_api, acme, acme_agent, globex_agent):
    make_ticket(account=acme, submitter=acme_agent)
    job = agent_api.put("tickets/update_many.json?ids=1", {"ticket": {"status": "open"}}).json()[
        "job_status"
    ]
    other = api_for(globex_agent)
    assert other.get(f"job_statuses/{job['id']}.json").status_code == 404


# Uploads --------------------------------------------------------------------------------


def test_attachment_upload_applies_the_accounts_rules(acme, acme_agent):
    kept = attachment_upload(
        account=acme, uploader=acme_agent, upload=SimpleUploadedFile("notes.txt", b"hello")
    )
    assert (kept.comment_id, kept.uploader_id, kept.filename) == (None, acme_agent.pk, "notes.txt")
    assert kept.token
    with pytest.raises(ValidationError):
        attachment_upload(
            account=acme, uploader=acme_agent, upload=SimpleUploadedFile("evil.exe", b"MZ")
        )


def test_the_upload_endpoint_stores_through_the_domain_service(agent_api, acme, monkeypatch):
    import tickets.services.uploads as uploads

    calls = []
    real = uploads.store_upload

    def spy(**kwargs):
        calls.append(kwargs["comment"])
        return real(**kwargs)

    monkeypatch.setattr(uploads, "store_upload", spy)
    response = agent_api.generic(
        "POST", "/api/v2/uploads.json?filename=notes.txt", b"hello", content_type="text/plain"
    )
    assert response.status_code == 201
    assert calls == [None]
    token = response.json()["upload"]["token"]
    assert Attachment.objects.for_account(acme).filter(token=token).exists()
