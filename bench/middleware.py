"""``X-Bench-Queries``: the number of SQL queries a request ran (bench settings only).
Counted with an execute wrapper, so it works with DEBUG off, as the benchmark runs."""

from __future__ import annotations

from django.db import connection

HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
