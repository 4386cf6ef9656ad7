"""Sportello settings: one module, configured by the environment (django-environ).

Unset variables fall back to embedded development defaults (SQLite, eager Celery,
emails written to the console and to var/mail). With DEBUG off, the variables that
production cannot guess (SECRET_KEY, BASE_DOMAIN) are required.
"""

import os
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
# Fernet keys for secrets stored encrypted (accounts/field_crypto.py); derived from
# SECRET_KEY when empty.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BASE_DOMAIN = env.str("BASE_DOMAIN", default="localhost" if DEBUG else "").lower().strip(".")

if not DEBUG:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("BASE_DOMAIN", BASE_DOMAIN))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DEBUG is off, so {' and '.join(missing)} must be set in the environment "
            "(see README, 'Configuration')."
        )

# Links in emails and command output: https in production; `make run` sets the port.
SITE_SCHEME = env.str("SITE_SCHEME", default="http" if DEBUG else "https")
SITE_PORT = env.str("SITE_PORT", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[BASE_DOMAIN, f".{BASE_DOMAIN}"])

INSTALLED_APPS = [
    # First: its runserver serves helpdesk.asgi (pages and sockets) for `make run`.
    "daphne",
    # django.contrib.admin, its site wholly on the platform's connection (accounts.rls).
    "accounts.admin_site.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "anymail",
    "rest_framework",
    "accounts",
    # Admin-defined fields (issue 19): below tickets, which stores and filters their values.
    "customfields",
    "tickets",
    # Customer satisfaction ratings (issue 26): the survey links, reasons, settings.
    "satisfaction",
    # Seed 003's Close / Explain & Close (issue 27): close reasons, closings' root causes.
    "closing",
    # Reports (issue 26): daily rollups kept from the ticket events, the reporting page.
    "reports",
    "portal",
    "notifications",
    "api",
    "servicelevels",
    # Health, readiness, metrics, logs (README, "Operations"); no models.
    "operations",
    "macros",
    # Time-based automations and snooze (issue 20): rules run by beat every 10 minutes.
    "automations",
    "ticketlinks",
    "escalations",
    "calls",
    "timeworked",
    # The help center's knowledge base (issue 25): articles, search, deflection.
    "knowledge",
    # Outgoing webhooks (issue 23): called by triggers and automations through an outbox.
    "webhooks",
    "mailchannels",
    # Writing help for agents (issue 28): built in, or an OpenAI-compatible server.
    "assist",
    # Events pushed to open pages over WebSockets (issue 28's live chat): Django Channels.
    "channels",
    "realtime",
    # Live chat in the help center (issue 28): queued to chat-enabled groups, every chat a ticket.
    "chat",
]
# The bench's commands (seed_load) where the bench runs: development and bench/settings.py,
# never production, where seed_load would make administrators with a published password.
if DEBUG:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # /healthz, /readyz, /metrics: on any host, before the tenant, the HTTPS redirect or a
    # session; for the operators' network (or token) only (operations/, README "Operations").
    "operations.endpoints.OperationsEndpointsMiddleware",
    # The request's id, metrics and log line: around everything else, so it sees the
    # account, the user, the view and the status.
    "operations.requests.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.TenantMiddleware",
    # Refuses an oversized body from its declared length, before reading it.
    "helpdesk.limits.RequestSizeLimitMiddleware",
    # Refuses NUL characters in any input before a view runs; drops cookies holding one.
    "helpdesk.nul_characters.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TenantUserMiddleware",
    # The audit log's client address, sessions' last seen, agents' required second factor.
    "accounts.identity_middleware.IdentityMiddleware",
    # After the user is known and inside the session's: pins a user who wrote to the
    # primary for a few seconds, so they read their own writes (helpdesk/read_your_writes.py).
    "helpdesk.read_your_writes.ReadYourWritesMiddleware",
    # After the tenant and the user are known: both have a say in the language.
    "accounts.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# The base domain serves the landing page and the operators' admin; each account's
# subdomain gets the tenant URLconf (TenantMiddleware sets request.urlconf).
ROOT_URLCONF = "helpdesk.urls"
TENANT_URLCONF = "helpdesk.urls_tenant"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.tenant",
            ],
        },
    },
    # The pages converted to Jinja2 (issue 17; bench/README.md, "Tenth round"): rendered
    # with ``using="jinja2"``, each page wholly in one language.
    {
        "NAME": "jinja2",
        "BACKEND": "helpdesk.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "helpdesk.jinja2.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.tenant",
            ],
        },
    },
]

# Django's form renderer, with <select> and <input> written out in Python
# (helpdesk/form_renderer.py).
FORM_RENDERER = "helpdesk.form_renderer.FastWidgetRenderer"

WSGI_APPLICATION = "helpdesk.wsgi.application"
# Sockets (realtime/): daphne in production beside gunicorn; runserver in development.
ASGI_APPLICATION = "helpdesk.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections by default: a new one per request costs 10-20 ms of wall time
# straight to PostgreSQL and ~1.3 ms of this process's CPU (1.5 ms wall through PgBouncer);
# README, "Connections and PgBouncer". Safe with row-level security: the account is only
# ever transaction-local (accounts.dbsession).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Row-level security (accounts/rls.py; README, "Security"): on PostgreSQL the app connects
# as a role that is not superuser, owner nor BYPASSRLS, and is a member of no role that is.
# What crosses accounts on purpose (``Model.all_accounts``: operators' admin, sweeper,
# tracking webhooks) runs on a connection of its own, with the BYPASSRLS login of
# DATABASE_PLATFORM_URL. Unset (SQLite, ``make run``, the tests as superuser): no switch.
DATABASE_PLATFORM_URL = env.str("DATABASE_PLATFORM_URL", default="")
if DATABASE_PLATFORM_URL:
    DATABASES["platform"] = env.db_url_config(DATABASE_PLATFORM_URL)
    DATABASES["platform"]["ATOMIC_REQUESTS"] = False
    DATABASES["platform"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    # Never a test database of its own: the same database as default's.
    DATABASES["platform"]["TEST"] = {"MIRROR": "default"}
# A streaming replica (helpdesk/db_router.py; README, "Read replica"): lists, counts,
# searches and the API's reads go there by opt-in, a user who has just written reads the
# primary for REPLICA_PIN_SECONDS (helpdesk/read_your_writes.py). The same application
# role as DATABASE_URL's, so row-level security binds there too. Unset: no replica.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    # A copy of default's database: never a test database of its own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Only with a replica: without one, no router runs on any query (7 µs against 2 µs per
# routing decision, measured with timeit on this 2-core machine; a page makes dozens).
DATABASE_ROUTERS = ["helpdesk.db_router.ReplicaRouter"] if DATABASE_REPLICA_URL else []
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
# PgBouncer in transaction mode (README, "Scaling"): each transaction may run on another
# server connection, so nothing may outlive one. The account already does not
# (accounts.dbsession: transaction-local); server-side cursors would (Django's are WITH
# HOLD in autocommit), and so would prepared statements, which PgBouncer tracks only from
# 1.21 on (Debian 12's is 1.18): psycopg's prepare_threshold stays None (Django's default).
DATABASE_TRANSACTION_POOLING = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
if DATABASE_TRANSACTION_POOLING:
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
        _database.setdefault("OPTIONS", {})["prepare_threshold"] = None
# Tests only (never read from the environment): a BYPASSRLS role the test suite's
# superuser session switches to with SET ROLE, standing in for the platform connection
# inside a test's transaction (tests/security/conftest.py, ``platform_role``).
DATABASE_PLATFORM_ROLE = ""

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.AccountEmailBackend"]
LOGIN_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Email is unique per account, not globally: the account-aware backend handles sign-in.
# models.W040: covering indexes (INCLUDE, PostgreSQL's index-only reads for the SLA
# report) are plain indexes on the embedded SQLite default; nothing for a user to act on.
SILENCED_SYSTEM_CHECKS = ["auth.W004", "models.W040"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("it", "Italiano"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Our date formats over Django's (helpdesk/formats: lowercase months in it/es).
FORMAT_MODULE_PATH = ["helpdesk.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads larger than this spill to disk instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Size limits (helpdesk/limits.py): each file is cut off while streaming once over the
# account's attachment size; a body declared larger than the limit is never read.
FILE_UPLOAD_HANDLERS = [
    "helpdesk.limits.AttachmentSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = 50  # the most an account may allow per message
# Requests outside an account (inbound email webhooks carry whole messages).
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=40 * 1024 * 1024)

# Celery: without a broker, tasks run eagerly in-process (development, `make run`).
REDIS_URL = env.str("REDIS_URL", default="")
# Shared by every web worker (the API's rate limit, its job statuses); without Redis,
# a per-process memory cache (development, tests). Nothing on a request's path needs it:
# while Redis is down the rate limit lets requests through and job statuses answer 503.
# Short timeouts, so an unreachable Redis costs a request a second, not a hang.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# The sidebar's view counts are kept this long per (account, agent, view): a page
# after the first reads them from the cache instead of counting up to 10,000 index
# entries per view (tickets.view_selectors.view_counts_cached). 0 counts on every page.
VIEW_COUNT_CACHE_SECONDS = env.int("VIEW_COUNT_CACHE_SECONDS", default=30)
# Realtime pushes (realtime/publish.py): Redis when configured, so every ASGI process
# hears every other's events; in memory otherwise (make run: one process).
# socket_timeout: channels-redis waits for a process's messages with a 5 s BZPOPMIN,
# and redis-py 8 reads with a 5 s timeout by default; the two raced, and the socket
# whose receive lost died (1011; 4 of 400 in bench/realtime.py's first run). A read
# past 10 s means Redis is gone. capacity: messages waiting for one process before
# group sends skip it (a doorbell dropped; the page's poll still finds the row);
# 100, the default, was reached at 200 messages/s on this loaded machine.
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 10}],
                "capacity": 1000,
            },
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Two processes per core: a delivery task spends most of its time waiting on the mail
# provider's replies and on its commits (issue 8: 1.5 ms of CPU in ~10 ms per email),
# so one process per core left the cores idle while a backlog grew. The cores this
# process may run on (not the host's); set it where a container's CPU quota is smaller.
_CORES = getattr(os, "process_cpu_count", os.cpu_count)() or 1
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2 * _CORES)
# Queues by kind, so one kind of work never waits behind another and each gets the
# workers it needs (README, "Scaling"): `mail`, the outbox's sends (many, short, waiting
# on the provider: two processes per core, more workers when the backlog grows); `default`,
# everything else (the sweeper, the API's bulk updates); `imports`, reserved for bulk
# imports, which are long and CPU-bound (one process per core) and must not hold up mail.
# A worker serves the queues given with -Q (docker-compose.yml: worker-mail, worker).
CELERY_TASK_DEFAULT_QUEUE = "default"
TASK_QUEUES = ("mail", "default", "imports")
CELERY_TASK_ROUTES = {
    "notifications.tasks.delivery_send_task": {"queue": "mail"},
    "notifications.tasks.deliveries_send_task": {"queue": "mail"},
    "accounts.tasks.email_send": {"queue": "mail"},
}
# Celery's Django fixup closes the database connection before and after every task
# unless this is set (a new PostgreSQL connection per email: 78 instead of 118 emails/s
# in `make bench` 7b). With it, helpdesk/celery.py closes connections as Django does
# around requests: past CONN_MAX_AGE or after an error. Safe with row-level security:
# the account is only ever a transaction-local setting (accounts.dbsession).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Longer than any task or retry countdown, so an unacked task is not redelivered early.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The outbox sweeper: re-queues deliveries a lost task or a dead worker left behind.
# Every 30 s, with a 30 s send lease (notifications.claims), a killed worker's emails
# leave within about a minute (issue 15's target: 90 s).
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.deliveries_sweep_task",
        "schedule": 30.0,
    },
    # Retention (tickets/services/retention.py): daily; a changed setting gets a dry run
    # on one pass and deletes from the next, a day later.
    "tickets-retention": {
        "task": "tickets.tasks.retention_sweep_task",
        "schedule": 24 * 60 * 60.0,
    },
    # Time-based automations and snoozed tickets' wake-ups (automations/): every 10
    # minutes, as Zendesk's hourly pass but finer. Idempotent: two beats by mistake, or a
    # worker killed mid-pass, never apply an automation twice to a ticket.
    "webhooks-sweep": {"task": "webhooks.tasks.webhook_calls_sweep_task", "schedule": 60.0},
    "automations-run": {
        "task": "automations.tasks.automations_run_task",
        "schedule": 10 * 60.0,
    },
    # SLA warnings in the agents' bell (servicelevels/warnings.py, issue 22).
    "sla-warnings": {"task": "servicelevels.tasks.sla_warnings_task", "schedule": 5 * 60.0},
    # Connected mailboxes (mailchannels/fetch.py): every minute; exactly-once by UID.
    "mailboxes-fetch": {
        "task": "mailchannels.tasks.mailboxes_fetch_task",
        "schedule": 60.0,
        "options": {"expires": 55.0},
    },
}
# Mailbox channels (issue 24): an extra CA file for private mail servers, and limits (their
# passwords are kept encrypted with FIELD_ENCRYPTION_KEYS: accounts/field_crypto.py).
MAILBOX_CA_FILE = env.str("MAILBOX_CA_FILE", default="")
MAILBOX_MESSAGES_PER_FETCH = env.int("MAILBOX_MESSAGES_PER_FETCH", default=500)
MAILBOX_MAX_MESSAGE_BYTES = env.int("MAILBOX_MAX_MESSAGE_BYTES", default=30 * 1024 * 1024)
# Microsoft 365 and Gmail mailboxes through OAuth2 (mailchannels/oauth.py; docs/mailboxes.md
# has the app registration steps): one app registration per provider for the platform; a
# provider without a client id is not offered. Endpoints overridable (sovereign clouds, tests).
MAILBOX_OAUTH = {
    "microsoft": {
        "client_id": env.str("MAILBOX_OAUTH_MICROSOFT_CLIENT_ID", default=""),
        "client_secret": env.str("MAILBOX_OAUTH_MICROSOFT_CLIENT_SECRET", default=""),
        "authorize_url": env.str(
            "MAILBOX_OAUTH_MICROSOFT_AUTHORIZE_URL",
            default="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        ),
        "token_url": env.str(
            "MAILBOX_OAUTH_MICROSOFT_TOKEN_URL",
            default="https://login.microsoftonline.com/common/oauth2/v2.0/token",
        ),
        "scope": (
            "offline_access https://outlook.office.com/IMAP.AccessAsUser.All"
            " https://outlook.office.com/POP.AccessAsUser.All"
        ),
        "imap_host": env.str("MAILBOX_OAUTH_MICROSOFT_IMAP_HOST", default="outlook.office365.com"),
        "imap_port": env.int("MAILBOX_OAUTH_MICROSOFT_IMAP_PORT", default=993),
        "extra": {},
    },
    "google": {
        "client_id": env.str("MAILBOX_OAUTH_GOOGLE_CLIENT_ID", default=""),
        "client_secret": env.str("MAILBOX_OAUTH_GOOGLE_CLIENT_SECRET", default=""),
        "authorize_url": env.str(
            "MAILBOX_OAUTH_GOOGLE_AUTHORIZE_URL",
            default="https://accounts.google.com/o/oauth2/v2/auth",
        ),
        "token_url": env.str(
            "MAILBOX_OAUTH_GOOGLE_TOKEN_URL", default="https://oauth2.googleapis.com/token"
        ),
        "scope": "https://mail.google.com/",
        "imap_host": env.str("MAILBOX_OAUTH_GOOGLE_IMAP_HOST", default="imap.gmail.com"),
        "imap_port": env.int("MAILBOX_OAUTH_GOOGLE_IMAP_PORT", default=993),
        # A refresh token is only given with offline access, and again only on consent.
        "extra": {"access_type": "offline", "prompt": "consent"},
    },
}
# Tickets one automation acts on in one pass, at most: 1,200 an hour at a pass every 10
# minutes (Zendesk: 1,000 an hour); the rest wait for the next pass, so a pass stays short
# however many tickets match at once (an application costs ~45 ms on the bench machine
# under load, bench/README.md: 3 accounts × 200 in well under the 2 minutes of issue 20).
# Outgoing webhooks (webhooks/targets.py, webhooks/delivery.py; docs/webhooks.md). http://
# to localhost only while developing (or in tests); private-network receivers only for
# self-hosters who say so (the SSRF guard refuses them otherwise).
WEBHOOKS_ALLOW_LOCALHOST = env.bool("WEBHOOKS_ALLOW_LOCALHOST", default=DEBUG)
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", default=False)
WEBHOOKS_CONNECT_TIMEOUT = env.float("WEBHOOKS_CONNECT_TIMEOUT", default=5.0)
WEBHOOKS_READ_TIMEOUT = env.float("WEBHOOKS_READ_TIMEOUT", default=10.0)
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=5)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=30)
WEBHOOKS_DEACTIVATE_AFTER = env.int("WEBHOOKS_DEACTIVATE_AFTER", default=20)
AUTOMATIONS_BATCH = env.int("AUTOMATIONS_BATCH", default=200)
# Tickets locked and acted on per transaction (a commit per ticket cost more than its work;
# a bigger chunk holds its tickets' rows longer while agents may be editing them).
AUTOMATIONS_CHUNK = env.int("AUTOMATIONS_CHUNK", default=25)

# Email (Django 6.1 MAILERS). ESP: anymail backend chosen by EMAIL_ESP; unset means the
# development backend that prints to the console and keeps a copy under var/mail.
EMAIL_ESP = env.str("EMAIL_ESP", default="")
_ESP_BACKENDS = {
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
    "amazon_ses": "anymail.backends.amazon_ses.EmailBackend",
    "brevo": "anymail.backends.brevo.EmailBackend",
    # Django's SMTP backend, with a fast path for the outbox's messages (issue 8).
    "smtp": "notifications.mail.SMTPEmailBackend",
}
if EMAIL_ESP:
    if EMAIL_ESP not in _ESP_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_ESP={EMAIL_ESP!r} is not one of {', '.join(sorted(_ESP_BACKENDS))}."
        )
    _mailer: dict[str, Any] = {"BACKEND": _ESP_BACKENDS[EMAIL_ESP]}
    if EMAIL_ESP == "smtp":
        _mailer["OPTIONS"] = {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            # Without one a server that stops answering holds the worker for ever; a
            # timeout is an error like a 4xx, retried with back-off.
            "timeout": env.int("EMAIL_TIMEOUT", default=30),
        }
else:
    _mailer = {"BACKEND": "notifications.mail.DevelopmentEmailBackend"}
MAILERS = {"default": _mailer}
DEV_MAIL_DIR = BASE_DIR / "var" / "mail"
ANYMAIL = {
    "MAILGUN_API_KEY": env.str("MAILGUN_API_KEY", default=""),
    "MAILGUN_SENDER_DOMAIN": env.str("MAILGUN_SENDER_DOMAIN", default=""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
    "POSTMARK_SERVER_TOKEN": env.str("POSTMARK_SERVER_TOKEN", default=""),
    "SENDGRID_API_KEY": env.str("SENDGRID_API_KEY", default=""),
    "BREVO_API_KEY": env.str("BREVO_API_KEY", default=""),
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"support@{BASE_DOMAIN or 'localhost'}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production (DEBUG off) gets secure cookies, HSTS and HTTPS redirects.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A stale form says so and shows back what was typed, instead of a bare 403.
CSRF_FAILURE_VIEW = "helpdesk.views.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# How many proxies of ours stand in front (the TLS proxy: 1). The client's address is
# then the one X-Forwarded-For got from the outermost of them (helpdesk/client_address.py);
# with 0 the header is ignored, since the client writes it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Operations (README, "Operations"): who may see /healthz, /readyz and /metrics (the
# client's address as helpdesk/client_address.py finds it, or the bearer token), when the
# outbox makes /readyz fail, and which accounts the metrics name.
OPERATIONS_ALLOWED_CIDRS = env.list("OPERATIONS_ALLOWED_CIDRS", default=["127.0.0.0/8", "::1/128"])
OPERATIONS_TOKEN = env.str("OPERATIONS_TOKEN", default="")
READYZ_OUTBOX_MAX_AGE_MINUTES = env.int("READYZ_OUTBOX_MAX_AGE_MINUTES", default=10)
METRICS_ACCOUNTS = env.list("METRICS_ACCOUNTS", default=[])
# A Celery worker's own metrics (task durations) on this port; 0: not served.
CELERY_METRICS_PORT = env.int("CELERY_METRICS_PORT", default=0)

# One JSON object per line in production (operations/logs.py); readable text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is neither 'json' nor 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "operations.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "operations.logs.JsonFormatter"},
        "text": {"()": "operations.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
# Celery's worker logs through the handler above (JSON in production), not its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Optional: errors to Sentry, when the SDK is installed (helpdesk/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from helpdesk.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
