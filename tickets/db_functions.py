"""Database functions the models use as defaults, for each engine Sportello runs on."""

from __future__ import annotations

from django.db import models
from django.utils.deconstruct import deconstructible


@deconstructible(path="tickets.db_functions.CurrentTransactionId")
class CurrentTransactionId(models.Func):
    """PostgreSQL's ``txid_current()``: the top-level transaction's id (savepoints
    included). SQLite (``make run``'s embedded database) has no such thing: NULL there,
    and the audits group those rows by time (api/audits.py)."""

    function = "txid_current"
    arity = 0
    output_field = models.BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []
