"""`make bench-imap` keeps working: a few messages through bench.imap_import."""

import pytest

from bench.imap_import import measure

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_import_bench_imports_every_message(settings):
    result = measure(5)
    assert result["imported"] == 5 and result["messages_per_second"] > 0
