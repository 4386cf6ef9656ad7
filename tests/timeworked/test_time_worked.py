"""Time worked (seed 002, "tracciare il tempo lavorato"): agents log a typed duration or
run a timer that survives a reload; the ticket keeps the total (page, list column, API);
the report totals it per agent and per organization, with a CSV; roles decide who logs;
the requester never sees any of it."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.role_models import AgentRole
from tests.factories import AgentFactory, make_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services.saved_views import view_create
from timeworked.models import TimeEntry, TimeTimer
from timeworked.services import parse_duration, time_log, timer_start, timer_stop

T0 = timezone.make_aware(datetime.datetime(2030, 3, 4, 9, 0))


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject="Slow")


def total(ticket) -> int:
    return Ticket.objects.for_account(ticket.account).get(pk=ticket.pk).time_worked


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1h 30m", 5400), ("1h", 3600), ("45m", 2700), ("45", 2700), ("1:30", 5400), ("2h5m", 7500)],
)
def test_a_typed_duration_is_read_in_the_usual_ways(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "1h 30", "-5", "1.5h", "h"])
def test_a_duration_that_cannot_be_read_is_a_clear_error(text):
    with pytest.raises(ValidationError):
        parse_duration(text)


def test_logging_adds_to_the_total_and_writes_an_activity_line(ticket, acme_agent, acme_admin):
    time_log(ticket=ticket, actor=acme_agent, seconds=1800)
    time_log(ticket=ticket, actor=acme_admin, seconds=3600)
    assert total(ticket) == 5400
    lines = TicketEvent.objects.for_account(ticket.account).filter(
        ticket=ticket, field="time_worked"
    )
    assert [(e.old_value, e.new_value) for e in lines] == [("0m", "30m"), ("30m", "1h 30m")]


def test_zero_and_more_than_a_day_are_refused(ticket, acme_agent):
    for seconds in (0, 25 * 3600):
        with pytest.raises(ValidationError):
            time_log(ticket=ticket, actor=acme_agent, seconds=seconds)
    assert total(ticket) == 0


def test_end_users_and_light_agents_log_no_time(acme, ticket, acme_user):
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    for actor in (acme_user, light):
        with pytest.raises(ValidationError):
            time_log(ticket=ticket, actor=actor, seconds=600)
        with pytest.raises(ValidationError):
            timer_start(ticket=ticket, actor=actor)
    assert not TimeEntry.objects.for_account(acme).exists()


def test_the_timer_logs_the_minutes_it_ran(ticket, acme_agent):
    with time_machine.travel(T0, tick=False) as clock:
        timer_start(ticket=ticket, actor=acme_agent)
        clock.shift(datetime.timedelta(minutes=25, seconds=40))
        # Starting again (another tab) keeps the first start.
        timer_start(ticket=ticket, actor=acme_agent)
        clock.shift(datetime.timedelta(minutes=10))
        entry = timer_stop(ticket=ticket, actor=acme_agent)
    assert entry.seconds == 35 * 60
    assert total(ticket) == 35 * 60
    assert not TimeTimer.objects.for_account(ticket.account).exists()


def test_a_timer_under_a_minute_logs_nothing(ticket, acme_agent):
    with time_machine.travel(T0, tick=False) as clock:
        timer_start(ticket=ticket, actor=acme_agent)
        clock.shift(datetime.timedelta(seconds=50))
        assert timer_stop(ticket=ticket, actor=acme_agent) is None
    assert total(ticket) == 0


def test_the_ticket_page_logs_time_and_the_timer_survives_a_reload(ticket, acme_agent, client_for):
    client = client_for(acme_agent)
    url = f"/agent/tickets/{ticket.number}/"
    page = client.post(f"{url}time/", {"duration": "1h 15m"}, follow=True)
    assert page.status_code == 200
    assert 'id="time-worked"' in page.text and "1h 15m" in page.text
    client.post(f"{url}time/timer/", {"action": "start"})
    assert "data-timer-start" in client.get(url).text  # still running after a reload
    client.post(f"{url}time/timer/", {"action": "stop"})
    assert "data-timer-start" not in client.get(url).text


def test_a_bad_duration_on_the_page_is_a_message_not_a_500(ticket, acme_agent, client_for):
    page = client_for(acme_agent).post(
        f"/agent/tickets/{ticket.number}/time/", {"duration": "soon"}, follow=True
    )
    assert page.status_code == 200
    assert "1h 30m" in page.text  # the message shows how to type it
    assert total(ticket) == 0


def test_the_requester_never_sees_time_worked(ticket, acme_agent, acme_user, client_for):
    time_log(ticket=ticket, actor=acme_agent, seconds=4500)
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/")
    assert page.status_code == 200
    assert "1h 15m" not in page.text and "time-worked" not in page.text


def test_a_view_shows_the_time_worked_column(acme, acme_admin, ticket, acme_agent, client_for):
    time_log(ticket=ticket, actor=acme_agent, seconds=5400)
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="With time",
        conditions={"all": [{"field": "status", "operator": "is", "value": "new"}]},
        columns=["number", "subject", "time_worked"],
    )
    page = client_for(acme_agent).get(f"/agent/views/{view.number}/")
    assert "Time worked" in page.text and "1h 30m" in page.text


def test_the_report_totals_per_agent_and_organization_with_a_csv(
    acme, ticket, acme_agent, acme_admin, client_for
):
    time_log(ticket=ticket, actor=acme_agent, seconds=1800)
    time_log(ticket=ticket, actor=acme_admin, seconds=600)
    client = client_for(acme_admin)
    page = client.get("/agent/reports/time/")
    assert acme_agent.name in page.text and "30m" in page.text
    by_org = client.get("/agent/reports/time/?by=organization")
    assert ticket.organization.name in by_org.text and "40m" in by_org.text
    csv = client.get("/agent/reports/time/?format=csv&by=agent").content.decode()
    assert f"{acme_agent.name},1,30" in csv


def test_a_role_without_reports_gets_no_time_report(acme, client_for):
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    assert client_for(light).get("/agent/reports/time/").status_code == 403


def test_a_closed_ticket_takes_no_more_time(ticket, acme_agent, acme_admin, client_for):
    time_log(ticket=ticket, actor=acme_agent, seconds=600)
    Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk).update(status="closed")
    ticket.refresh_from_db()
    with pytest.raises(ValidationError, match="closed ticket"):
        time_log(ticket=ticket, actor=acme_agent, seconds=600)
    page = client_for(acme_agent).post(
        f"/agent/tickets/{ticket.number}/time/", {"duration": "10m"}, follow=True
    )
    assert "A closed ticket takes no more time worked." in page.text
    ticket.refresh_from_db()
    assert ticket.time_worked == 600


def test_a_timer_left_running_when_the_ticket_closed_still_stops(ticket, acme_agent):
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=30)):
        timer_start(ticket=ticket, actor=acme_agent)
    Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk).update(status="closed")
    ticket.refresh_from_db()
    with pytest.raises(ValidationError, match="closed ticket"):
        timer_start(ticket=ticket, actor=acme_agent)
    entry = timer_stop(ticket=ticket, actor=acme_agent)
    assert entry is not None and entry.seconds >= 29 * 60
