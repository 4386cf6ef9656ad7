"""Optional error reporting to Sentry: on when ``SENTRY_DSN`` is set and the SDK is
installed (``pip install '.[sentry]'``); a DSN without the SDK is a warning, not a
crash. No personal data is sent (``send_default_pii`` off: no addresses, cookies or
user emails); each event is tagged with the request's or task's id, so it can be found
in the logs."""

from __future__ import annotations

import sys
from typing import Any

from helpdesk.request_id import current_request_id


def _tag_request_id(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> bool:
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        sys.stderr.write(
            "SENTRY_DSN is set but sentry-sdk is not installed "
            "(pip install 'sentry-sdk[django,celery]'): errors are not reported to Sentry.\n"
        )
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=_tag_request_id,
    )
    return True
