"""Fixtures of the reports' tests (and of their plan tests in tests/bench)."""

from __future__ import annotations

import pytest


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a service as a request would: its after-commit work (the rollups' refresh,
    reports.receivers) runs before the call returns."""

    def call(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return call
