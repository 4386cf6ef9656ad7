"""Everyone can set their own language and time zone; pages and emails follow them."""

from __future__ import annotations

from accounts.models import User


def test_a_customer_sets_language_and_time_zone(client_for, acme_user):
    client = client_for(acme_user)
    page = client.get("/preferences/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Your preferences" in page.text
    assert 'class="hc-header"' in page.text  # in the help center's layout

    response = client.post("/preferences/", {"locale": "es", "time_zone": "America/Bogota"})
    assert response.status_code == 302
    acme_user.refresh_from_db()
    assert (acme_user.locale, acme_user.time_zone) == ("es", "America/Bogota")
    page = client.get("/preferences/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Sus preferencias" in page.text
    assert "Sus preferencias se guardaron." in page.text


def test_blank_means_browser_and_account(client_for, acme_user):
    acme_user.locale, acme_user.time_zone = "it", "Europe/Rome"
    acme_user.save()
    client = client_for(acme_user)
    client.post("/preferences/", {"locale": "", "time_zone": ""})
    acme_user.refresh_from_db()
    assert (acme_user.locale, acme_user.time_zone) == ("", "")
    assert acme_user.effective_time_zone == acme_user.account.time_zone
    assert client.get("/hc/", HTTP_ACCEPT_LANGUAGE="es").headers["Content-Language"] == "es"


def test_an_unknown_time_zone_is_refused_with_a_message(client_for, acme_user):
    response = client_for(acme_user).post(
        "/preferences/", {"locale": "it", "time_zone": "Mars/Olympus_Mons"}
    )
    assert response.status_code == 400
    acme_user.refresh_from_db()
    assert acme_user.time_zone == ""
    assert 'role="alert"' in response.text


def test_agents_set_theirs_in_the_agent_workspace(client_for, acme_agent):
    client = client_for(acme_agent)
    page = client.get("/preferences/")
    assert page.status_code == 200
    assert 'class="topbar"' in page.text
    client.post("/preferences/", {"locale": "it", "time_zone": "Europe/Rome"})
    assert User.objects.for_account(acme_agent.account).get(pk=acme_agent.pk).locale == "it"


def test_signed_out_visitors_are_asked_to_sign_in(client_for, acme):
    response = client_for(account=acme).get("/preferences/")
    assert response.status_code == 302
    assert "/signin/" in response.headers["Location"]


def test_preferences_change_only_ones_own_profile(client_for, acme_user, acme_manager):
    client_for(acme_user).post(
        "/preferences/", {"locale": "es", "time_zone": "Europe/Madrid", "user": acme_manager.pk}
    )
    acme_manager.refresh_from_db()
    assert (acme_manager.locale, acme_manager.time_zone) == ("", "")
