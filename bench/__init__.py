"""Load generation and benchmarks (issue 8): ``manage.py seed_load`` and ``make bench``."""
