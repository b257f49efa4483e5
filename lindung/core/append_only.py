"""Rows that record what happened: written once, never changed or deleted through the ORM.

The audit log is also guarded in the database (triggers); the others rely on this and on
having no update or delete paths in their services.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name} tidak boleh diubah")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{self._meta.verbose_name} tidak boleh dihapus")
