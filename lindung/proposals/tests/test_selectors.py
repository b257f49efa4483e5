"""What other steps read: the proposals of a batch as Arrow, and quota left."""

from __future__ import annotations

import pyarrow as pa
from django.utils import timezone

from lindung.accounts.tests.helpers import VILLAGE_A
from lindung.programs.models import Occupation
from lindung.proposals import selectors
from lindung.proposals.models import Proposal
from lindung.proposals.services import batch_import, sender_for
from lindung.proposals.tests.conftest import QUOTA, Setup, born, csv_bytes, nik, person


def test_proposals_table_holds_one_row_per_proposal_with_engine_columns(setup: Setup) -> None:
    sender = sender_for(actor=setup.users["desa"], programme=setup.programme)
    rows = [person(1), person(2, pekerjaan="Tukang bangunan")]
    batch = batch_import(sender=sender, data=csv_bytes(rows), file_name="a.csv").batch
    table = selectors.proposals_table(Proposal.objects.filter(batch=batch))
    assert table.column_names == [
        "proposal_id", "nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah",
        "domisili", "pekerjaan_id", "period_id", "programme_id", "created_at",
    ]  # fmt: skip
    assert table.schema.field("tanggal_lahir").type == pa.date32()
    assert table.schema.field("proposal_id").type == pa.int64()
    first, second = table.to_pylist()
    assert (first["nik"], first["tanggal_lahir"], first["kode_wilayah"]) == (
        nik(1),
        born(1),
        VILLAGE_A,
    )
    assert first["pekerjaan_id"] == Occupation.objects.get(name="Petani").pk
    assert second["pekerjaan_id"] is None and second["domisili"] == VILLAGE_A
    assert first["period_id"] == setup.period.pk and first["programme_id"] == setup.programme.pk
    # Written in bulk outside the ORM, read back the same as the batch the ORM saved.
    assert first["created_at"] == batch.created_at
    assert Proposal.objects.get(nik=nik(1)).status_changed_at == batch.created_at


def test_proposals_table_of_nothing_is_an_empty_table_with_the_columns(setup: Setup) -> None:
    table = selectors.proposals_table(Proposal.objects.none())
    assert table.num_rows == 0 and "tanggal_lahir" in table.column_names


def test_the_template_says_how_many_places_a_village_has_left(setup: Setup) -> None:
    sender = sender_for(actor=setup.users["desa"], programme=setup.programme)
    batch_import(sender=sender, data=csv_bytes([person(1)]), file_name="a.csv")
    info = selectors.template_info(setup.users["desa"], setup.programme, timezone.localdate())
    assert info is not None and info.places_left == {VILLAGE_A: QUOTA - 1}
    assert info.multi_village is False
    assert info.occupations == ["Nelayan", "Petani"]
