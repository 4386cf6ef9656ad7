"""Time spent with an update (seed 002, "tracciare il tempo lavorato"): the reply box
takes the time spent with a reply or a note, logged as a time entry of that comment and
shown on it; an account can require it on every agent's update, and then refuses an
update without it with a clear message, the typed reply kept in the form."""

import datetime

import pytest
from django.utils import timezone

from accounts.role_models import AgentRole
from tests.factories import AgentFactory, make_ticket
from tickets.models import Comment, Ticket
from timeworked.models import TimeEntry
from timeworked.services import time_settings_update


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject="VPN")


def reply(client, ticket, **data):
    return client.post(
        f"/agent/tickets/{ticket.number}/reply/",
        {"comment_type": "internal", "body": "Checked the VPN logs.", **data},
    )


def comments(ticket):
    return Comment.objects.for_account(ticket.account).filter(ticket=ticket)


def test_time_spent_with_a_note_is_logged_on_that_comment_and_shown_on_it(
    ticket, acme_agent, client_for
):
    client = client_for(acme_agent)
    assert 'name="time_spent"' in client.get(f"/agent/tickets/{ticket.number}/").text
    assert reply(client, ticket, time_spent="25m").status_code == 302
    note = comments(ticket).get(body="Checked the VPN logs.")
    entry = TimeEntry.objects.for_account(ticket.account).get()
    assert (entry.comment_id, entry.seconds, entry.agent) == (note.pk, 1500, acme_agent)
    assert Ticket.objects.for_account(ticket.account).get(pk=ticket.pk).time_worked == 1500
    page = client.get(f"/agent/tickets/{ticket.number}/").text
    assert "comment-time-spent" in page and "Time spent: 25m" in page


def test_a_bad_time_spent_keeps_the_reply_and_logs_nothing(ticket, acme_agent, client_for):
    page = reply(client_for(acme_agent), ticket, time_spent="soon")
    assert page.status_code == 200
    assert "1h 30m" in page.text  # how to type it
    assert "Checked the VPN logs." in page.text and 'value="soon"' in page.text
    assert not comments(ticket).filter(body="Checked the VPN logs.").exists()
    assert not TimeEntry.objects.for_account(ticket.account).exists()


def test_required_time_refuses_an_update_without_it_and_loses_nothing(
    acme, ticket, acme_agent, acme_admin, client_for
):
    time_settings_update(account=acme, actor=acme_admin, require_on_update=True)
    client = client_for(acme_agent)
    assert 'aria-required="true"' in client.get(f"/agent/tickets/{ticket.number}/").text
    page = reply(client, ticket)
    assert page.status_code == 200
    assert "asks for the time spent on every update" in page.text
    assert "Checked the VPN logs." in page.text  # the typed reply stays in the form
    assert not comments(ticket).filter(body="Checked the VPN logs.").exists()
    assert reply(client, ticket, time_spent="1:05").status_code == 302
    assert TimeEntry.objects.for_account(acme).get().seconds == 3900


def test_required_time_does_not_bind_roles_that_log_no_time_nor_end_users(
    acme, ticket, acme_admin, acme_user, client_for
):
    time_settings_update(account=acme, actor=acme_admin, require_on_update=True)
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    client = client_for(light)
    assert 'name="time_spent"' not in client.get(f"/agent/tickets/{ticket.number}/").text
    assert reply(client, ticket).status_code == 302
    hc = client_for(acme_user).post(
        f"/hc/requests/{ticket.number}/", {"body": "Still broken."}, follow=True
    )
    assert hc.status_code == 200
    assert comments(ticket).filter(body="Still broken.").exists()


def test_a_light_agent_who_sends_time_anyway_is_refused(acme, ticket, client_for):
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    page = reply(client_for(light), ticket, time_spent="10m")
    assert page.status_code in (200, 403)
    assert not TimeEntry.objects.for_account(acme).exists()


def test_only_admins_change_the_setting(acme, acme_agent, acme_admin, client_for):
    assert client_for(acme_agent).get("/agent/settings/time-worked/").status_code == 403
    admin = client_for(acme_admin)
    assert "Require time spent on every update" in admin.get("/agent/settings/time-worked/").text
    assert (
        admin.post("/agent/settings/time-worked/", {"require_on_update": "on"}).status_code == 302
    )
    assert "checked" in admin.get("/agent/settings/time-worked/").text
    admin.post("/agent/settings/time-worked/", {})
    assert (
        'id="time-require" name="require_on_update">'
        in admin.get("/agent/settings/time-worked/").text
    )


def test_the_report_marks_the_chosen_preset_or_custom_period(
    ticket, acme_agent, acme_admin, client_for
):
    from timeworked.services import time_log

    time_log(ticket=ticket, actor=acme_agent, seconds=1800)
    client = client_for(acme_admin)
    preset = client.get("/agent/reports/time/?days=90").text
    assert 'href="?by=agent&amp;days=90" aria-current="true"' in preset
    assert 'href="?by=agent&amp;days=30" aria-current="true"' not in preset
    today = timezone.localdate()
    start = (today - datetime.timedelta(days=3)).isoformat()
    custom = client.get(f"/agent/reports/time/?from={start}&to={today.isoformat()}").text
    assert 'aria-current="true">Custom period' in custom
    assert f'value="{start}"' in custom and "30m" in custom
    assert 'days=90" aria-current' not in custom
    csv = client.get(f"/agent/reports/time/?from={start}&to={today}&format=csv").content
    assert f"{acme_agent.name},1,30" in csv.decode()
    past = client.get("/agent/reports/time/?from=2020-01-01&to=2020-01-31").text
    assert "No time was logged in this period." in past
    bad = client.get("/agent/reports/time/?from=someday", follow=True)
    assert bad.status_code == 200 and "2026-12-01" in bad.text


def test_seed_demo_logs_some_time_once(db):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import Account

    call_command("seed_demo", stdout=StringIO())
    demo = Account.objects.get(subdomain="demo")
    entries = TimeEntry.objects.for_account(demo)
    count = entries.count()
    assert count >= 3 and entries.filter(comment__isnull=False).exists()
    call_command("seed_demo", stdout=StringIO())
    assert entries.count() == count
