"""Reading snapshots: lists for people (scoped) and whole tables for the verification engine."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
from django.db import models

from lindung.accounts import scoping
from lindung.core.bulk import select_table
from lindung.references.models import RejectedRecord, Snapshot, SnapshotStatus
from lindung.regions import codes

# The columns `engine.verify` reads, in order, with their Arrow types.
_FIELDS: list[pa.Field[Any]] = [
    pa.field("id", pa.int64()),
    pa.field("nik", pa.string()),
    pa.field("nama", pa.string()),
    pa.field("tanggal_lahir", pa.date32()),
    pa.field("jenis_kelamin", pa.string()),
    pa.field("kode_wilayah", pa.string()),
    pa.field("kk", pa.string()),
    pa.field("desil", pa.int16()),
    pa.field("kpj", pa.string()),
    pa.field("segmen", pa.string()),
    pa.field("aktif", pa.bool_()),
    pa.field("kategori", pa.string()),
    pa.field("tanggal_kejadian", pa.date32()),
    pa.field("program", pa.string()),
    pa.field("nama_normal", pa.string()),
]
TABLE_SCHEMA = pa.schema(_FIELDS)
# Empty text is stored as '' but read as null, so the engine has one notion of "missing".
_SELECT = """
SELECT id, nik, name, birth_date, NULLIF(sex, ''), NULLIF(village_code, ''), NULLIF(kk, ''),
       desil, NULLIF(kpj, ''), NULLIF(segment, ''), active, NULLIF(category, ''), event_date,
       NULLIF(detail, ''), name_normalized
FROM references_referencerecord WHERE snapshot_id = {snapshot_id} ORDER BY id
"""


def snapshots_for(user: object, *, kind: str = "") -> models.QuerySet[Snapshot]:
    snapshots = Snapshot.objects.select_related("area", "imported_by")
    if kind:
        snapshots = snapshots.filter(kind=kind)
    return scoping.visible(user, snapshots)


def snapshot_for(user: object, snapshot_id: int) -> Snapshot | None:
    return snapshots_for(user).filter(pk=snapshot_id).first()


def rejected_of(snapshot: Snapshot) -> models.QuerySet[RejectedRecord]:
    return RejectedRecord.objects.filter(snapshot=snapshot).order_by("row_number")


def latest_snapshots(area_code: str, on: date | None = None) -> dict[str, Snapshot]:
    """Per kind, the newest ready extract dated on or before `on` that covers `area_code`.

    An extract covers an area when it is for that area or for one containing it; a
    kecamatan's extract does not cover the whole regency.
    """
    candidates = (
        Snapshot.objects.filter(
            status=SnapshotStatus.READY,
            area_id__in=[*codes.ancestor_codes(area_code), area_code],
            extracted_on__lte=on or date.today(),
        )
        .select_related("area")
        .order_by("kind", "-extracted_on", "-imported_at", "-id")
    )
    latest: dict[str, Snapshot] = {}
    for snapshot in candidates:
        latest.setdefault(snapshot.kind, snapshot)
    return latest


def snapshot_table(snapshot: Snapshot) -> pa.Table:
    """All records of `snapshot` as Arrow (`TABLE_SCHEMA`), in one query."""
    return select_table(_SELECT.format(snapshot_id=int(snapshot.pk)), TABLE_SCHEMA)
