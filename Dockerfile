# Sportello production image: gunicorn (web) and Celery (worker, beat) run from it.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
# EXTRAS=sentry for error reports to Sentry (SENTRY_DSN); none by default.
ARG EXTRAS=""
RUN pip install ".${EXTRAS:+[$EXTRAS]}"

COPY . .

# Build-time placeholders only: settings refuse to start with DEBUG off and no secret.
# The .mo catalogues are build output, not in git; compiled in Python (polib), no gettext.
RUN DEBUG=false SECRET_KEY=build-only-not-secret BASE_DOMAIN=build.invalid \
        python manage.py compile_catalogues \
    && DEBUG=false SECRET_KEY=build-only-not-secret BASE_DOMAIN=build.invalid \
        python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 --home /app sportello \
    && mkdir -p /data/media \
    && chown -R sportello /data

USER sportello
ENV DEBUG=false MEDIA_ROOT=/data/media
EXPOSE 8000

CMD ["gunicorn", "helpdesk.wsgi", "--config", "deploy/gunicorn.conf.py", \
     "--bind", "0.0.0.0:8000", "--workers", "3", "--forwarded-allow-ips", "*"]
