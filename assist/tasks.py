"""Celery tasks: thin, given ids, calling assist.services."""

from __future__ import annotations

from celery import shared_task

from assist import services


@shared_task(ignore_result=True, soft_time_limit=90)
def assist_request_run_task(account_id: int, pk: int) -> str:
    """Answer one writing-help request (idempotent: an answered one is left alone)."""
    return services.request_run(account_id=account_id, pk=pk)


@shared_task(ignore_result=True, soft_time_limit=90)
def assist_sentiment_task(account_id: int, comment_pk: int) -> str:
    """Score an end user's comment through the account's remote provider."""
    from assist import sentiment

    return sentiment.comment_rescore(account_id=account_id, comment_pk=comment_pk)
