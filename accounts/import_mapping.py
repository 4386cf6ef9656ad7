"""Which row of an archive became which row here: what makes an import resumable."""

from __future__ import annotations

from django.db import models


class ImportedRow(models.Model):
    """One archive row loaded into this installation: (archive, model, old id) → new id.

    Written in the same transaction as the rows it maps, so after an interruption an
    import carries on from the first row without one, and never loads a row twice."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    export_id = models.CharField(max_length=36)
    model = models.CharField(max_length=100)
    old_id = models.BigIntegerField()
    new_id = models.BigIntegerField()

    class Meta:
        app_label = "accounts"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "export_id", "model", "old_id"], name="imported_row_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.old_id} → {self.new_id}"
