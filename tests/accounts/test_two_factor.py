"""Two-factor sign-in through the pages: set up from one's own security page (QR code and
key, confirmed with a code), then sign-in asks for a code after the password. Codes are
made here with pyotp, as the user's authenticator app would."""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from accounts.identity_models import RecoveryCode, TotpDevice
from accounts.models import SignInFailure
from accounts.services import account_settings_update
from accounts.two_factor import new_secret, second_factor_verify, totp_enable


def _secret(page: str) -> str:
    return re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)


def _codes(page: str) -> list[str]:
    return re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", page)


def code_at(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def set_up(client) -> tuple[str, list[str]]:
    """Through the pages: the set-up page, then the code that turns it on."""
    page = client.get("/security/two-factor/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text  # the QR code
    secret = _secret(page.text)
    done = client.post("/security/two-factor/", {"code": code_at(secret)})
    assert done.status_code == 200, done.text
    codes = _codes(done.text)
    assert len(codes) == 10
    return secret, codes


def with_two_factor(user) -> str:
    secret = new_secret()
    totp_enable(user=user, secret=secret, code=code_at(secret, -1))
    return secret


def password_step(client, user, password):
    return client.post("/signin/", {"username": user.email, "password": password})


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_totp_set_up_on_the_security_page_then_asked_at_sign_in(
    acme, acme_agent, password, client_for
):
    secret, _codes_shown = set_up(client_for(acme_agent))
    client = client_for(account=acme)
    response = password_step(client, acme_agent, password)
    assert response.status_code == 302 and response.url == "/signin/verify/"
    assert not signed_in_as(client, acme_agent)  # the password alone signs nobody in
    assert client.get("/agent/").status_code == 302
    response = client.post("/signin/verify/", {"code": code_at(secret, 1)})
    assert response.status_code == 302 and response.url == "/agent/"
    assert signed_in_as(client, acme_agent)
    assert client.get("/agent/").status_code == 200
    assert "Two-factor sign-in" in client.get("/security/").text


def test_a_wrong_code_is_refused(acme, acme_agent, password, client_for):
    secret = with_two_factor(acme_agent)
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    wrong = str((int(code_at(secret, 1)) + 1) % 1_000_000).zfill(6)
    response = client.post("/signin/verify/", {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right, or was already used." in response.text
    assert not signed_in_as(client, acme_agent)


def test_a_code_signs_in_once_a_replay_is_refused(acme, acme_agent, password, client_for):
    secret = with_two_factor(acme_agent)
    code = code_at(secret, 1)
    first = client_for(account=acme)
    password_step(first, acme_agent, password)
    assert first.post("/signin/verify/", {"code": code}).status_code == 302
    second = client_for(account=acme)
    password_step(second, acme_agent, password)
    assert second.post("/signin/verify/", {"code": code}).status_code == 400
    assert not signed_in_as(second, acme_agent)


def test_the_set_up_code_cannot_sign_in_again(acme, acme_agent, password, client_for):
    client = client_for(acme_agent)
    page = client.get("/security/two-factor/")
    secret = _secret(page.text)
    code = code_at(secret)
    client.post("/security/two-factor/", {"code": code})
    other = client_for(account=acme)
    password_step(other, acme_agent, password)
    assert other.post("/signin/verify/", {"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once_and_is_kept_hashed(acme, acme_agent, password, client_for):
    _secret_key, codes = set_up(client_for(acme_agent))
    stored = list(RecoveryCode.objects.for_account(acme).values_list("digest", flat=True))
    assert len(stored) == 10 and not any(
        code.replace("-", "") in d for code in codes for d in stored
    )
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    assert client.post("/signin/verify/", {"code": codes[0].upper()}).status_code == 302
    again = client_for(account=acme)
    password_step(again, acme_agent, password)
    assert again.post("/signin/verify/", {"code": codes[0]}).status_code == 400
    assert again.post("/signin/verify/", {"code": codes[1]}).status_code == 302
    assert "8 unused recovery codes left." in again.get("/security/").text


def test_new_recovery_codes_replace_the_old_ones(acme, acme_agent, client_for):
    client = client_for(acme_agent)
    _secret_key, old = set_up(client)
    new = _codes(client.post("/security/two-factor/recovery-codes/").text)
    assert len(new) == 10 and not set(new) & set(old)
    assert not second_factor_verify(user=acme_agent, code=old[0])
    assert second_factor_verify(user=acme_agent, code=new[0])


def test_turning_it_off_needs_the_password(acme, acme_agent, password, client_for):
    client = client_for(acme_agent)
    set_up(client)
    client.post("/security/two-factor/disable/", {"password": "not-it"})
    assert TotpDevice.objects.for_account(acme).filter(user=acme_agent).exists()
    client.post("/security/two-factor/disable/", {"password": password})
    assert not TotpDevice.objects.for_account(acme).filter(user=acme_agent).exists()
    assert not RecoveryCode.objects.for_account(acme).filter(user=acme_agent).exists()
    again = client_for(account=acme)
    assert password_step(again, acme_agent, password).url == "/agent/"


def test_opening_the_set_up_page_stores_nothing(acme, acme_agent, client_for):
    client = client_for(acme_agent)
    first = _secret(client.get("/security/two-factor/").text)
    assert _secret(client.get("/security/two-factor/").text) == first  # the app's key stays
    assert not TotpDevice.objects.for_account(acme).exists()


def test_a_wrong_set_up_code_leaves_it_off(acme, acme_agent, client_for):
    client = client_for(acme_agent)
    secret = _secret(client.get("/security/two-factor/").text)
    wrong = str((int(code_at(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post("/security/two-factor/", {"code": wrong})
    assert response.status_code == 400 and "That code is not right" in response.text
    assert _secret(response.text) == secret  # the same key: the app already has it
    assert not TotpDevice.objects.for_account(acme).exists()


def test_wrong_codes_are_throttled_even_with_the_right_one_after(
    acme, acme_agent, password, client_for
):
    secret = with_two_factor(acme_agent)
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    wrong = str((int(code_at(secret, 1)) + 1) % 1_000_000).zfill(6)
    for _ in range(5):
        client.post("/signin/verify/", {"code": wrong})
    # Counted in the database (across processes), not in this process's memory.
    assert SignInFailure.objects.count() == 5
    response = client.post("/signin/verify/", {"code": code_at(secret, 1)})
    assert response.status_code == 400
    assert "Too many failed sign-ins for this address" in response.text
    assert not signed_in_as(client, acme_agent)


def test_a_right_password_does_not_reset_the_code_budget(acme, acme_agent, password, client_for):
    secret = with_two_factor(acme_agent)
    client = client_for(account=acme)
    wrong = str((int(code_at(secret, 1)) + 1) % 1_000_000).zfill(6)
    for _ in range(5):
        password_step(client, acme_agent, password)
        client.post("/signin/verify/", {"code": wrong})
    password_step(client, acme_agent, password)
    assert client.post("/signin/verify/", {"code": code_at(secret, 1)}).status_code == 400


def test_the_second_step_expires(acme, acme_agent, password, client_for, monkeypatch):
    secret = with_two_factor(acme_agent)
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    later = time.time() + 301
    monkeypatch.setattr("accounts.signin_verify.time.time", lambda: later)
    response = client.post("/signin/verify/", {"code": code_at(secret, 1)})
    assert response.status_code == 302 and response.url == "/signin/"
    assert not signed_in_as(client, acme_agent)


def test_the_second_step_without_a_password_goes_back_to_sign_in(acme, client_for):
    response = client_for(account=acme).post("/signin/verify/", {"code": "123456"})
    assert response.status_code == 302 and response.url == "/signin/"


@pytest.fixture
def required(acme, acme_admin):
    account_settings_update(account=acme, actor=acme_admin, agents_require_2fa=True)


def test_required_agents_are_sent_to_set_it_up_before_anything_else(
    acme, acme_agent, required, client_for
):
    client = client_for(acme_agent)
    for path in ("/agent/", "/agent/settings/users/", "/preferences/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url == "/security/two-factor/"
    page = client.get("/security/two-factor/")
    assert "Your account requires two-factor sign-in for agents" in page.text
    client.post("/security/two-factor/", {"code": code_at(_secret(page.text))})
    assert client.get("/agent/").status_code == 200


def test_required_for_agents_not_for_end_users(acme, acme_user, required, client_for):
    assert client_for(acme_user).get("/hc/").status_code == 200


def test_required_agent_with_a_device_signs_in_with_a_code(
    acme, acme_agent, required, password, client_for
):
    secret = with_two_factor(acme_agent)
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    client.post("/signin/verify/", {"code": code_at(secret, 1)})
    assert client.get("/agent/").status_code == 200


def test_an_admin_turns_the_requirement_on_from_the_settings_page(acme, acme_admin, client_for):
    from tickets.settings_forms import AccountSettingsForm

    client = client_for(acme_admin)
    data = {
        name: value
        for name, value in AccountSettingsForm(account=acme).initial.items()
        if value is not None and value is not False
    }
    response = client.post("/agent/settings/", data | {"agents_require_2fa": "on"})
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.agents_require_2fa
    # The admin too is an agent: sent to set it up.
    assert client.get("/agent/").url == "/security/two-factor/"


def test_an_admin_resets_a_users_second_factor(acme, acme_admin, acme_agent, password, client_for):
    with_two_factor(acme_agent)
    client_for(acme_admin).post(f"/agent/settings/users/{acme_agent.number}/two-factor/reset/")
    client = client_for(account=acme)
    assert password_step(client, acme_agent, password).url == "/agent/"


@pytest.mark.parametrize(
    ("locale", "heading", "verify"),
    [
        ("it", "Torna ad accesso e sicurezza", "Verifica"),
        ("es", "Configurar el inicio de sesión en dos pasos", "Verificar"),
    ],
)
def test_the_pages_speak_italian_and_spanish(
    acme, acme_agent, password, client_for, locale, heading, verify
):
    acme_agent.locale = locale
    acme_agent.save(update_fields=["locale"])
    client = client_for(acme_agent)
    page = client.get("/security/two-factor/")
    assert heading in page.text
    client.post("/security/two-factor/", {"code": code_at(_secret(page.text))})
    anonymous = client_for(account=acme)
    password_step(anonymous, acme_agent, password)
    assert verify in anonymous.get("/signin/verify/", HTTP_ACCEPT_LANGUAGE=locale).text
