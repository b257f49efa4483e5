"""Two registration actions at the same moment, each on its own PostgreSQL connection.

SQLite serialises every write to the whole file, so these races cannot happen there; the
sequential versions (nothing left to send, the same file twice) are in test_registration.py.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lindung.membership.models import (
    MemberAction,
    Membership,
    MembershipEvent,
    MemberStatus,
    RegistrationExport,
    RegistrationImport,
)
from lindung.membership.registration import (
    ImportResult,
    registration_export,
    registration_import_result,
)
from lindung.membership.tests.conftest import Determined
from lindung.membership.tests.lifecycle_helpers import (
    run_together,
)
from lindung.membership.tests.registration_helpers import ok, refused, result_csv

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)


def test_two_exports_at_once_send_each_member_once(committed: Determined) -> None:
    manager, bpjs = committed.users["manager"], committed.users["bpjs"]
    results = run_together(
        lambda: registration_export(actor=manager, programme=committed.programme),
        lambda: registration_export(actor=bpjs, programme=committed.programme),
    )
    files = [r for r in results if isinstance(r, tuple)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert (len(files), len(refusals)) == (1, 1), results
    export = RegistrationExport.objects.get()
    assert export.member_count == 8
    assert set(Membership.objects.values_list("registration_export", flat=True)) == {export.pk}
    assert MembershipEvent.objects.filter(action=MemberAction.EXPORTED).count() == 8


def test_the_same_result_file_twice_at_once_is_applied_once(committed: Determined) -> None:
    registration_export(actor=None, programme=committed.programme)
    data = result_csv([ok(2, "25000000002"), refused(3, "NIK tidak ditemukan di Dukcapil")])

    def upload() -> ImportResult:
        return registration_import_result(
            actor=committed.users["bpjs"],
            programme=committed.programme,
            data=data,
            file_name="hasil.csv",
        )

    results = run_together(upload, upload)
    assert all(isinstance(r, ImportResult) for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    assert len({r.upload.pk for r in results}) == 1
    assert RegistrationImport.objects.count() == 1
    assert Membership.objects.filter(status=MemberStatus.REGISTERED).count() == 1
    assert MembershipEvent.objects.filter(action=MemberAction.REGISTERED).count() == 1
    assert MembershipEvent.objects.filter(action=MemberAction.REJECTED).count() == 1
