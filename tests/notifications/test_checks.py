"""Start-up checks: inbound email is off without a secret (a valid production shape),
and a configuration that turns it on but cannot authenticate it stops start-up."""

from django.core.checks import ERROR, INFO

from notifications.checks import check_inbound_enabled, check_webhook_secret


def _anymail(settings, **values):
    settings.ANYMAIL = {**settings.ANYMAIL, **values}


def test_no_secret_means_inbound_off_reported_as_info_not_error(settings):
    _anymail(settings, WEBHOOK_SECRET="")
    assert check_webhook_secret(None) == []
    [message] = check_inbound_enabled(None)
    assert message.level == INFO and message.id == "notifications.I001"


def test_weak_or_malformed_secret_is_a_startup_error(settings):
    for secret in ("justapassword", "user:short", ":" + "x" * 40):
        _anymail(settings, WEBHOOK_SECRET=secret)
        ids = [m.id for m in check_webhook_secret(None) if m.level == ERROR]
        assert ids == ["notifications.E001"], secret


def test_mailgun_inbound_without_signing_key_is_a_startup_error(settings):
    settings.EMAIL_ESP = "mailgun"
    _anymail(settings, WEBHOOK_SECRET="inbound:" + "k" * 32, MAILGUN_WEBHOOK_SIGNING_KEY="")
    assert [m.id for m in check_webhook_secret(None)] == ["notifications.E002"]
    _anymail(settings, MAILGUN_WEBHOOK_SIGNING_KEY="key-123")
    assert check_webhook_secret(None) == []
    assert check_inbound_enabled(None) == []
