"""Sessions: recorded at sign-in, listed on the user's security page and ended from there;
an admin signs a user out everywhere; a password change signs out the other sessions.
Ending one really signs it out: the next request with its cookie is anonymous."""

from __future__ import annotations

import re

from accounts.identity_models import UserSession

NEW_PASSWORD = "a-new-passphrase-42"


def sign_in(client, user, password, *, agent="Firefox on Linux", ip="10.0.0.7"):
    response = client.post(
        "/signin/",
        {"username": user.email, "password": password},
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=ip,
    )
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get("/security/").status_code == 200


def test_sign_in_records_the_session_with_device_and_address(
    acme, acme_agent, password, client_for
):
    client = sign_in(client_for(account=acme), acme_agent, password)
    row = UserSession.objects.for_account(acme).get(user=acme_agent)
    assert row.session_key == client.session.session_key
    assert (row.user_agent, row.ip) == ("Firefox on Linux", "10.0.0.7")
    page = client.get("/security/").text
    assert "Firefox on Linux" in page and "10.0.0.7" in page and "This session" in page


def test_ending_another_session_really_signs_it_out(acme, acme_agent, password, client_for):
    phone = sign_in(client_for(account=acme), acme_agent, password, agent="Phone")
    laptop = sign_in(client_for(account=acme), acme_agent, password, agent="Laptop")
    page = laptop.get("/security/").text
    tokens = re.findall(r'name="session" value="([0-9a-f]+)"', page)
    assert len(tokens) == 1  # the phone's; this session has no button
    assert phone.session.session_key not in page  # pages name a digest, never the key
    laptop.post("/security/sessions/end/", {"session": tokens[0]})
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert UserSession.objects.for_account(acme).filter(user=acme_agent).count() == 1


def test_a_session_of_someone_else_cannot_be_ended(
    acme, acme_agent, acme_admin, password, client_for
):
    victim = sign_in(client_for(account=acme), acme_admin, password)
    from accounts.security import session_token

    token = session_token(victim.session.session_key)
    attacker = sign_in(client_for(account=acme), acme_agent, password)
    attacker.post("/security/sessions/end/", {"session": token})
    assert is_signed_in(victim)


def test_signing_out_forgets_the_session(acme, acme_agent, password, client_for):
    client = sign_in(client_for(account=acme), acme_agent, password)
    client.post("/signout/")
    assert not UserSession.objects.for_account(acme).filter(user=acme_agent).exists()


def test_password_change_signs_out_the_other_sessions(acme, acme_agent, password, client_for):
    other = sign_in(client_for(account=acme), acme_agent, password, agent="Other")
    this = sign_in(client_for(account=acme), acme_agent, password, agent="This")
    response = this.post(
        "/security/password/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_signed_in(this)
    assert not is_signed_in(other)
    assert list(
        UserSession.objects.for_account(acme)
        .filter(user=acme_agent)
        .values_list("user_agent", flat=True)
    ) == ["This"]


def test_a_wrong_old_password_changes_nothing(acme, acme_agent, password, client_for):
    other = sign_in(client_for(account=acme), acme_agent, password)
    this = sign_in(client_for(account=acme), acme_agent, password)
    response = this.post(
        "/security/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert is_signed_in(other)


def test_an_admin_signs_a_user_out_everywhere(acme, acme_admin, acme_agent, password, client_for):
    one = sign_in(client_for(account=acme), acme_agent, password)
    two = sign_in(client_for(account=acme), acme_agent, password)
    admin = client_for(acme_admin)
    response = admin.post(f"/agent/settings/users/{acme_agent.number}/sign-out/")
    assert response.status_code == 302
    assert not is_signed_in(one) and not is_signed_in(two)
    assert is_signed_in(admin)


def test_an_agent_cannot_sign_others_out(acme, acme_admin, acme_agent, password, client_for):
    admin = sign_in(client_for(account=acme), acme_admin, password)
    response = client_for(acme_agent).post(f"/agent/settings/users/{acme_admin.number}/sign-out/")
    assert response.status_code == 403
    assert is_signed_in(admin)


def test_last_seen_is_refreshed_at_most_every_few_minutes(
    acme, acme_agent, password, client_for, monkeypatch
):
    import datetime as dt

    from django.utils import timezone

    client = sign_in(client_for(account=acme), acme_agent, password)
    row = UserSession.objects.for_account(acme).get(user=acme_agent)
    client.get("/security/")
    row.refresh_from_db()
    first = row.last_seen_at
    later = timezone.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr("accounts.user_sessions.timezone.now", lambda: later)
    client.get("/security/")
    row.refresh_from_db()
    assert row.last_seen_at == later != first


def test_sessions_expired_in_the_store_are_forgotten_at_the_next_sign_in(
    acme, acme_agent, password, client_for
):
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    sign_in(client_for(account=acme), acme_agent, password, agent="Old laptop")
    long_ago = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    UserSession.objects.for_account(acme).update(last_seen_at=long_ago)
    sign_in(client_for(account=acme), acme_agent, password, agent="New phone")
    agents = UserSession.objects.for_account(acme).values_list("user_agent", flat=True)
    assert list(agents) == ["New phone"]
