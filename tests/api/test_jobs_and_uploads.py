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

    def spy(actor, ticket, change):
        seen.append(jobs.job_status(account=acme, job_id=job["id"])["status"])
        return real(actor, ticket, change)

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


# The list form: {"tickets": [{"id": 1, ...}, ...]} and no ids (zenpy's update([t1, t2])).


def test_the_list_form_gives_each_ticket_its_own_change(
    agent_api, acme, acme_agent, django_capture_on_commit_callbacks
):
    for _ in range(2):
        make_ticket(account=acme, submitter=acme_agent)
    body = {"tickets": [{"id": 1, "priority": "low"}, {"id": 2, "status": "open"}]}
    with django_capture_on_commit_callbacks() as callbacks:
        response = agent_api.put("tickets/update_many.json", body)
    assert response.status_code == 200, response.json()
    job = response.json()["job_status"]
    assert (job["status"], job["total"]) == ("queued", 2)
    _run_queued(callbacks)

    final = agent_api.get(job["url"]).json()["job_status"]
    assert final["status"] == "completed"
    assert [(r["id"], r["success"]) for r in final["results"]] == [(1, True), (2, True)]
    first, second = Ticket.objects.for_account(acme).order_by("number")
    assert (first.priority, first.status) == ("low", "new")
    assert (second.priority, second.status) == ("", "open")


def test_the_list_form_takes_a_comment_per_ticket_and_fails_a_hidden_ticket_alone(
    agent_api, acme, acme_agent, globex, globex_agent, django_capture_on_commit_callbacks
):
    make_ticket(account=acme, submitter=acme_agent)
    make_ticket(account=globex, submitter=globex_agent)  # globex's number 1, not acme's 2
    body = {
        "tickets": [
            {"id": 1, "comment": {"body": "Looking into it", "public": False}},
            {"id": 2, "status": "solved"},
        ]
    }
    with django_capture_on_commit_callbacks() as callbacks:
        job = agent_api.put("tickets/update_many.json", body).json()["job_status"]
    _run_queued(callbacks)
    final = agent_api.get(job["url"]).json()["job_status"]
    assert [(r["id"], r["success"]) for r in final["results"]] == [(1, True), (2, False)]
    assert final["results"][1]["error"] == "RecordNotFound"
    ticket = Ticket.objects.for_account(acme).get(number=1)
    assert ticket.comments.filter(body="Looking into it", public=False).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"tickets": [{"priority": "low"}]},  # no id
        {"tickets": [{"id": 1, "status": "bogus"}]},
        {"tickets": [{"id": 1, "assignee_id": 999}]},  # not in the account
        {"tickets": []},
        {"tickets": "1,2"},
        {"tickets": [{"id": n} for n in range(1, 102)]},
    ],
)
def test_a_bad_list_is_refused_at_once_and_queues_nothing(
    agent_api, acme, acme_agent, django_capture_on_commit_callbacks, body
):
    make_ticket(account=acme, submitter=acme_agent)
    with django_capture_on_commit_callbacks() as callbacks:
        response = agent_api.put("tickets/update_many.json", body)
    assert response.status_code == 422, response.json()
    assert response.json()["error"] == "RecordInvalid"
    assert callbacks == []


def test_neither_ids_nor_a_list_is_not_found(agent_api):
    response = agent_api.put("tickets/update_many.json", {"ticket": {"status": "open"}})
    assert response.status_code == 404


def test_end_users_cannot_use_the_list_form(api_for, acme, acme_agent, acme_user):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    response = api_for(acme_user).put(
        "tickets/update_many.json", {"tickets": [{"id": 1, "status": "solved"}]}
    )
    assert response.status_code == 403


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
