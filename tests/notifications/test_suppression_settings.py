"""The "Suppressed addresses" settings page: admins only (403 for agents, 404 for end
users, as the other settings pages answer); an account sees its own list only; lifting
is a POST, audited with a log line, and refuses another account's row; the delivery log
shows a withheld email as suppressed, with the reason, and can send it again."""

import pytest
from django.urls import reverse

from notifications.models import Delivery, Suppression
from notifications.suppressions import suppression_add
from tests.conftest import TenantClient
from tests.factories import make_ticket
from tests.notifications.conftest import by_recipient
from tickets.services import comment_add

SUPPRESSIONS = reverse("notifications:suppression_list", urlconf="helpdesk.urls_tenant")
DELIVERIES = reverse("notifications:delivery_list", urlconf="helpdesk.urls_tenant")


def url(name, *args):
    return reverse(f"notifications:{name}", args=args, urlconf="helpdesk.urls_tenant")


@pytest.fixture
def bounced(acme, acme_user):
    return suppression_add(
        account_id=acme.pk,
        email=acme_user.email,
        reason=Suppression.Reason.BOUNCED,
        detail="550 5.1.1 The email account that you tried to reach does not exist.",
        provider="Postmark",
    )


@pytest.fixture
def globex_complaint(globex):
    return suppression_add(
        account_id=globex.pk,
        email="gus@globex.example",
        reason=Suppression.Reason.COMPLAINED,
        detail="GLOBEX ONLY",
    )


def test_admin_sees_the_accounts_suppressed_addresses_only(
    acme_admin, acme_user, bounced, globex_complaint, client_for
):
    response = client_for(acme_admin).get(SUPPRESSIONS)
    assert response.status_code == 200
    html = response.content.decode()
    assert acme_user.email in html
    assert "Hard bounce" in html
    assert "does not exist" in html
    assert url("suppression_lift", bounced.number) in html
    assert "gus@globex.example" not in html and "GLOBEX ONLY" not in html


def test_the_page_costs_a_fixed_number_of_queries(
    acme, acme_admin, client_for, django_assert_max_num_queries
):
    for n in range(5):
        suppression_add(account_id=acme.pk, email=f"gone{n}@customer.example", reason="bounced")
    client = client_for(acme_admin)
    client.get(SUPPRESSIONS)  # warm the session
    with django_assert_max_num_queries(10):
        assert client.get(SUPPRESSIONS).status_code == 200


def test_the_page_says_when_nothing_is_suppressed(acme_admin, client_for):
    response = client_for(acme_admin).get(SUPPRESSIONS)
    assert "No suppressed addresses." in response.content.decode()


@pytest.mark.parametrize("who, status", [("acme_agent", 403), ("acme_user", 404)])
def test_only_admins_see_or_lift_suppressions(who, status, bounced, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert client.get(SUPPRESSIONS).status_code == status
    assert client.post(url("suppression_lift", bounced.number)).status_code == status
    assert Suppression.objects.for_account(bounced.account).filter(pk=bounced.pk).exists()


def test_signed_out_visitors_are_sent_to_sign_in(acme, bounced, client_for):
    response = client_for(account=acme).get(SUPPRESSIONS)
    assert response.status_code == 302 and "/signin/" in response["Location"]


def test_admin_lifts_a_suppression_with_a_post_and_an_audit_line(
    acme, acme_admin, bounced, client_for, caplog
):
    caplog.set_level("INFO", logger="notifications.suppressions")
    client = client_for(acme_admin)
    assert client.get(url("suppression_lift", bounced.number)).status_code == 405
    response = client.post(url("suppression_lift", bounced.number), follow=True)
    assert response.status_code == 200
    assert "is no longer suppressed" in response.content.decode()
    assert not Suppression.objects.for_account(acme).exists()
    assert f"Suppression of {bounced.email} (bounced) lifted for account {acme.pk}" in caplog.text
    assert acme_admin.email in caplog.text


def test_lifting_needs_the_csrf_token(acme, acme_admin, bounced):
    client = TenantClient(acme, enforce_csrf_checks=True)
    client.force_login(acme_admin)
    assert client.post(url("suppression_lift", bounced.number)).status_code == 403
    assert Suppression.objects.for_account(acme).exists()


def test_another_accounts_suppression_cannot_be_lifted(
    acme_admin, globex, globex_complaint, client_for
):
    response = client_for(acme_admin).post(url("suppression_lift", globex_complaint.number))
    assert response.status_code == 404
    assert Suppression.objects.for_account(globex).exists()


def test_the_delivery_log_shows_a_withheld_email_and_sends_it_again_once_lifted(
    acme, acme_admin, acme_agent, acme_user, bounced, client_for, sent
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    assert (
        by_recipient(
            sent(comment_add, ticket=ticket, author=acme_agent, body="Hi"), acme_user.email
        )
        == []
    )
    held = Delivery.objects.for_account(acme).filter(to_email=acme_user.email).latest("id")
    client = client_for(acme_admin)
    html = client.get(DELIVERIES, {"state": "suppressed"}).content.decode()
    assert acme_user.email in html
    assert f"Not sent: {acme_user.email} is suppressed (Hard bounce)." in html
    assert url("delivery_resend", held.ref) in html
    client.post(url("suppression_lift", bounced.number))
    messages = sent(client.post, url("delivery_resend", held.ref))
    assert by_recipient(messages, acme_user.email)
    held.refresh_from_db()
    assert held.state == Delivery.State.SENT
