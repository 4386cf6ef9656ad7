"""Settings for ``make bench``: production settings (DEBUG off, persistent connections)
plus a header that tells the benchmark how many SQL queries each request ran, and the
bench's own commands (seed_load), which production settings leave out."""

from helpdesk.settings import *  # noqa: F403
from helpdesk.settings import INSTALLED_APPS, MIDDLEWARE

if "bench" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

# Outermost, so the session, user and tenant lookups are counted too.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]

# The API's per-account rate limit (700/min) would turn a throughput test into a test of
# the limiter: lifted here, and only here.
API_RATE_LIMIT = "10000000/min"
# Scenario 6w walks the whole incremental export: measure the export, not its limiter.
API_INCREMENTAL_RATE_LIMIT = "10000000/min"
