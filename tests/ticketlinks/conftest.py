"""Links and merges: the API's clients and the notifications' outbox fixtures."""

from tests.api.conftest import _fresh_rate_limits, api_for  # noqa: F401
from tests.notifications.conftest import outbox, sent  # noqa: F401
from tests.tickets.conftest import agent_client  # noqa: F401
