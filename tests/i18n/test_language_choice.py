"""Which language a page is in: the user's profile, else the language picked with the
switcher, else the browser's Accept-Language among ours, else the account's default.
The URL never changes; the time zone is the user's, else the account's."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation

from accounts.language import LanguageMiddleware
from tests.factories import AccountFactory, EndUserFactory


def page_language(response) -> str:
    assert response.status_code == 200
    return response.headers["Content-Language"]


@pytest.fixture
def italian_account(db):
    return AccountFactory(subdomain="negozio", default_locale="it", time_zone="Europe/Rome")


def test_browser_language_is_used_among_ours(client_for, acme):
    client = client_for(account=acme)
    response = client.get("/signin/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert page_language(response) == "es"
    assert '<html lang="es">' in response.text
    assert "Iniciar sesión" in response.text


def test_unknown_browser_language_falls_back_to_the_accounts(client_for, italian_account):
    client = client_for(account=italian_account)
    response = client.get("/signin/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,fr;q=0.8")
    assert page_language(response) == "it"
    assert "Accedi" in response.text
    assert page_language(client.get("/signin/")) == "it"  # no header at all


def test_the_profile_language_wins_over_the_browser(client_for, acme):
    user = EndUserFactory(account=acme, locale="it")
    response = client_for(user).get("/hc/", HTTP_ACCEPT_LANGUAGE="es")
    assert page_language(response) == "it"
    assert "Le mie attività" in response.text


def test_a_user_without_a_language_follows_the_browser(client_for, italian_account):
    user = EndUserFactory(account=italian_account, locale="")
    assert page_language(client_for(user).get("/hc/", HTTP_ACCEPT_LANGUAGE="es")) == "es"


def test_switcher_remembers_a_visitors_choice_in_a_cookie(client_for, acme):
    client = client_for(account=acme)
    response = client.post("/language/", {"language": "it", "next": "/signin/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin/"
    response = client.get("/signin/", HTTP_ACCEPT_LANGUAGE="es")
    assert page_language(response) == "it"


def test_switcher_stores_a_signed_in_users_choice_in_the_profile(client_for, acme_user):
    client = client_for(acme_user)
    response = client.post("/language/", {"language": "es", "next": "/hc/"})
    assert response.headers["Location"] == "/hc/"
    acme_user.refresh_from_db()
    assert acme_user.locale == "es"
    assert "Mis actividades" in client.get("/hc/", HTTP_ACCEPT_LANGUAGE="it").text


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "http://globex.localhost/hc/"]
)
def test_switcher_never_redirects_off_site(client_for, acme, next_url):
    response = client_for(account=acme).post("/language/", {"language": "es", "next": next_url})
    assert response.headers["Location"] == "/"


def test_switcher_ignores_a_language_we_do_not_offer(client_for, acme_user):
    client = client_for(acme_user)
    response = client.post("/language/", {"language": "de", "next": "/hc/"})
    assert response.status_code == 302
    acme_user.refresh_from_db()
    assert acme_user.locale == ""
    assert "django_language" not in response.cookies


def test_switcher_changes_nothing_on_get(client_for, acme_user):
    assert client_for(acme_user).get("/language/?language=es").status_code == 405
    acme_user.refresh_from_db()
    assert acme_user.locale == ""


def test_help_center_shows_the_switcher(client_for, acme_user):
    response = client_for(acme_user).get("/hc/", HTTP_ACCEPT_LANGUAGE="it")
    assert 'action="/language/"' in response.text
    for code, name in (("en", "English"), ("it", "Italiano"), ("es", "Español")):
        assert f'value="{code}"' in response.text
        assert name in response.text


def test_responses_vary_on_what_chose_the_language(client_for, acme):
    response = client_for(account=acme).get("/signin/")
    vary = {v.strip().lower() for v in response.headers["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


def test_the_language_does_not_leak_into_the_next_request(client_for, acme):
    with translation.override("en"):
        client_for(account=acme).get("/signin/", HTTP_ACCEPT_LANGUAGE="it")
        assert translation.get_language() == "en"


def _seen_by_view(request):
    seen = {}

    def view(req):
        seen["language"] = translation.get_language()
        seen["time_zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    LanguageMiddleware(view)(request)
    return seen


def test_time_zone_is_the_users_else_the_accounts(italian_account):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.account = italian_account
    request.user = AnonymousUser()
    assert _seen_by_view(request)["time_zone"] == "Europe/Rome"

    request.user = EndUserFactory(account=italian_account, time_zone="America/Bogota")
    assert _seen_by_view(request)["time_zone"] == "America/Bogota"

    request.user = EndUserFactory(account=italian_account, time_zone="")
    assert _seen_by_view(request) == {"language": "it", "time_zone": "Europe/Rome"}


def test_the_unknown_address_page_speaks_the_browsers_language(db):
    from tests.conftest import TenantClient

    client = TenantClient()
    response = client.get("/", HTTP_HOST="nobody.localhost", HTTP_ACCEPT_LANGUAGE="it-IT,it")
    assert response.status_code == 404
    assert '<html lang="it">' in response.text
    assert "Non trovato" in response.text
