"""Opening cases and moving them on: who may, what a case needs at each step, and the
history and audit trail every write leaves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.claims import services
from lindung.claims.models import (
    Claim,
    ClaimAction,
    ClaimBenefit,
    ClaimComponent,
    ClaimEvent,
    ClaimHeir,
    ClaimSource,
    ClaimStatus,
)
from lindung.claims.tests.conftest import (
    ACCIDENT,
    add_heir,
    open_jkk,
    open_jkm,
    receive_required,
    to_submitted,
)
from lindung.contributions.tests.conftest import Billable
from lindung.membership.models import EndReason, Membership, MemberStatus
from lindung.people.nik import compose_nik


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def fields_of(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.error_dict)


# -- opening ---------------------------------------------------------------------------------


def test_a_village_reports_an_accident_with_its_checklist_and_components(
    covered: Billable,
) -> None:
    claim = open_jkk(covered)
    assert (claim.benefit, claim.status, claim.source) == (
        ClaimBenefit.JKK,
        ClaimStatus.REPORTED,
        ClaimSource.MANUAL,
    )
    assert claim.reporter_phone == "081273001122"  # spaces typed from a phone are dropped
    assert claim.created_by == covered.users["desa"]
    required = set(claim.documents.filter(required=True).values_list("code", flat=True))
    assert {"laporan_tahap_1", "surat_dokter", "kronologi", "keterangan_saksi"} <= required
    components = dict(claim.components.values_list("kind", "expected_amount"))
    assert components == {"jkk_medical": None, "jkk_transport": None, "jkk_temporary": None}
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.action, event.to_status, event.actor) == (
        ClaimAction.OPENED,
        ClaimStatus.REPORTED,
        covered.users["desa"],
    )
    audit = AuditEvent.objects.get(action=AuditEvent.Action.CLAIM_OPEN)
    assert audit.object_id == str(claim.pk) and audit.actor == covered.users["desa"]


def test_a_jkm_by_hand_expects_42_million_and_no_scholarship_below_36_months(
    covered: Billable,
) -> None:
    claim = open_jkm(covered)
    amounts = dict(claim.components.values_list("kind", "expected_amount"))
    assert amounts == {
        "jkm_lump_sum": 20_000_000,
        "jkm_periodic": 12_000_000,
        "jkm_funeral": 10_000_000,
    }
    assert ClaimEvent.objects.get(claim=claim).detail["paid_months"] == 2  # Oct and Nov


def test_a_jkm_after_36_paid_months_lists_the_scholarship(covered: Billable) -> None:
    from lindung.claims.tests.conftest import pay_bill
    from lindung.contributions.tests.payments_helpers import make_bill

    person = covered.member(3)
    month = date(2026, 1, 1)
    for _ in range(34):  # October and November 2025 are paid already: 36 in all
        pay_bill(covered, make_bill(covered, month, members=[person]))
        month = (month + timedelta(days=32)).replace(day=1)
    assert services.paid_months_of(person) == 36
    claim = open_jkm(covered, 3)
    scholarship = claim.components.get(kind="jkm_scholarship")
    assert scholarship.expected_amount is None
    assert claim.components.count() == 4


def test_the_event_date_must_lie_inside_the_coverage(covered: Billable) -> None:
    with pytest.raises(ValidationError, match="sebelum perlindungan"):
        open_jkk(covered, event_date=date(2025, 9, 30))
    with pytest.raises(ValidationError, match="belum tiba"):
        open_jkk(covered, event_date=timezone.localdate() + timedelta(days=1))
    moved = covered.member(3)
    Membership.objects.filter(pk=moved.pk).update(
        status=MemberStatus.ENDED, ended_on=date(2025, 12, 1), end_reason=EndReason.MOVED
    )
    with pytest.raises(ValidationError, match="terakhir terlindungi 30 November 2025"):
        open_jkk(covered, 3, event_date=date(2025, 12, 1))
    assert open_jkk(covered, 3, event_date=date(2025, 11, 30)).pk  # the last covered day
    unregistered = covered.member(1)
    Membership.objects.filter(pk=unregistered.pk).update(
        status=MemberStatus.DETERMINED, coverage_start=None, kpj=""
    )
    with pytest.raises(ValidationError, match="belum terdaftar di BPJS"):
        open_jkk(covered, 1)


def test_a_death_is_covered_on_its_own_day(covered: Billable) -> None:
    person = covered.member(2)
    died = date(2025, 11, 20)
    Membership.objects.filter(pk=person.pk).update(
        status=MemberStatus.ENDED, ended_on=died, end_reason=EndReason.DEATH
    )
    assert open_jkm(covered).event_date == died


def test_jkm_opens_once_per_member_and_says_where_the_first_is(covered: Billable) -> None:
    open_jkm(covered)
    with pytest.raises(ValidationError, match="sudah ada") as error:
        open_jkm(covered)
    assert fields_of(error) == {"benefit"}
    open_jkk(covered)
    open_jkk(covered)  # accidents may repeat
    assert Claim.objects.filter(membership=covered.member(2)).count() == 3


def test_bad_input_is_refused_with_what_to_fix_and_leaves_nothing(covered: Billable) -> None:
    with pytest.raises(ValidationError) as error:
        open_jkk(covered, event_place=" ", reporter_name="", reporter_phone="12ab")
    assert fields_of(error) == {"event_place", "reporter_name", "reporter_phone"}
    assert "Isi tempat kecelakaan" in messages_of(error)
    assert "081234567890" in messages_of(error)
    with pytest.raises(ValidationError) as error:
        services.claim_open(
            actor=None,
            membership=covered.member(2),
            benefit="JHT",
            event_date=None,
            reporter_name="X",
        )
    assert fields_of(error) == {"benefit", "event_date"}
    with pytest.raises(ValidationError, match="sebelum tanggal kejadian"):
        open_jkk(covered, reported_on=ACCIDENT - timedelta(days=1))
    assert not Claim.objects.exists() and not ClaimEvent.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CLAIM_OPEN).exists()


@pytest.mark.parametrize("role", ["finance", "auditor", "leadership"])
def test_roles_without_report_claims_cannot_open(covered: Billable, role: str) -> None:
    with pytest.raises(PermissionDenied):
        open_jkk(covered, role=role)


def test_a_village_reports_only_for_its_own_members(covered: Billable) -> None:
    with pytest.raises(PermissionDenied, match="di luar wilayah"):
        open_jkk(covered, 2, role="desa_b")
    assert open_jkk(covered, 8, role="desa_b").pk


# -- heirs and documents ---------------------------------------------------------------------


def test_heirs_are_checked_and_recorded(covered: Billable) -> None:
    claim = open_jkm(covered)
    heir_nik = compose_nik("17.05.01", date(1980, 5, 4), "P", 12)
    heir = services.claim_heir_add(
        actor=covered.users["desa"],
        claim=claim,
        expected_version=claim.version,
        name=" Sumarni ",
        relation="spouse",
        nik=heir_nik,
        phone="0812-7300-1122",
    )
    assert (heir.name, heir.nik, heir.phone) == ("Sumarni", heir_nik, "081273001122")
    assert claim.version == 2
    with pytest.raises(ValidationError) as error:
        services.claim_heir_add(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            name="",
            relation="cousin",
            nik="12345",
        )
    assert fields_of(error) == {"name", "relation", "nik"}
    with pytest.raises(ValidationError, match="sudah dicatat"):
        services.claim_heir_add(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            name="Sumarni lagi",
            relation="spouse",
            nik=heir_nik,
        )
    with pytest.raises(ValidationError, match="milik peserta sendiri"):
        services.claim_heir_add(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            name="Diri sendiri",
            relation="other",
            nik=claim.membership.nik,
        )
    services.claim_heir_remove(actor=None, claim=claim, expected_version=claim.version, heir=heir)
    assert not ClaimHeir.objects.exists()
    actions = list(claim.events.values_list("action", flat=True))
    assert actions == [ClaimAction.OPENED, ClaimAction.HEIR_ADDED, ClaimAction.HEIR_REMOVED]


def test_documents_are_received_with_a_date_in_range(covered: Billable) -> None:
    claim = open_jkk(covered)
    with pytest.raises(ValidationError, match="sebelum tanggal kejadian"):
        services.claim_document_receive(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            codes=["kronologi"],
            received_on=ACCIDENT - timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="tidak ada di daftar"):
        services.claim_document_receive(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            codes=["akta_kematian"],  # a JKM document
            received_on=ACCIDENT,
        )
    claim = services.claim_document_receive(
        actor=covered.users["desa"],
        claim=claim,
        expected_version=claim.version,
        codes=["kronologi", "surat_dokter"],
        received_on=ACCIDENT,
    )
    received = dict(claim.documents.values_list("code", "received_on"))
    assert received["kronologi"] == received["surat_dokter"] == ACCIDENT
    assert received["keterangan_saksi"] is None
    event = claim.events.get(action=ClaimAction.DOCUMENTS_RECEIVED)
    assert event.note == "Kronologi kejadian, Surat keterangan dokter"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLAIM_DOCUMENT).count() == 1


# -- status ----------------------------------------------------------------------------------


def test_a_case_is_complete_only_with_every_required_document(covered: Billable) -> None:
    claim = open_jkk(covered)
    with pytest.raises(ValidationError, match="Laporan kecelakaan kerja tahap I"):
        services.claim_complete(actor=None, claim=claim, expected_version=claim.version)
    claim = receive_required(claim)  # the optional ones (kuitansi, laporan polisi) may wait
    claim = services.claim_complete(
        actor=covered.users["manager"], claim=claim, expected_version=claim.version
    )
    assert claim.status == ClaimStatus.COMPLETE


def test_a_jkm_case_also_needs_an_heir(covered: Billable) -> None:
    claim = receive_required(open_jkm(covered))
    with pytest.raises(ValidationError, match="ahli waris"):
        services.claim_complete(actor=None, claim=claim, expected_version=claim.version)
    add_heir(claim)
    claim = services.claim_complete(actor=None, claim=claim, expected_version=claim.version)
    assert claim.status == ClaimStatus.COMPLETE


def test_taking_back_a_required_document_returns_a_complete_case_to_reported(
    covered: Billable,
) -> None:
    claim = receive_required(open_jkk(covered))
    claim = services.claim_complete(actor=None, claim=claim, expected_version=claim.version)
    claim = services.claim_document_receive(
        actor=None,
        claim=claim,
        expected_version=claim.version,
        codes=["surat_dokter"],
        received_on=None,
    )
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.REPORTED
    event = claim.events.get(action=ClaimAction.DOCUMENTS_UNRECEIVED)
    assert (event.from_status, event.to_status) == (ClaimStatus.COMPLETE, ClaimStatus.REPORTED)


def test_moves_out_of_order_are_refused(covered: Billable) -> None:
    claim = open_jkk(covered)
    v = claim.version
    with pytest.raises(ValidationError, match="berkasnya lengkap"):
        services.claim_submit(
            actor=None, claim=claim, expected_version=v, bpjs_reference="X", submitted_on=ACCIDENT
        )
    with pytest.raises(ValidationError, match="sudah diajukan"):
        services.claim_pay(actor=None, claim=claim, expected_version=v, decided_on=ACCIDENT)
    with pytest.raises(ValidationError, match="sudah diajukan"):
        services.claim_reject(
            actor=None, claim=claim, expected_version=v, reason="x", decided_on=ACCIDENT
        )
    claim = to_submitted(claim)
    with pytest.raises(ValidationError, match="berstatus dilaporkan"):
        services.claim_complete(actor=None, claim=claim, expected_version=claim.version)
    with pytest.raises(ValidationError, match="tidak bisa diubah lagi"):
        add_heir(claim)
    with pytest.raises(ValidationError, match="tidak bisa diubah lagi"):
        receive_required(claim)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED


def test_submission_needs_a_reference_and_a_sane_date(covered: Billable) -> None:
    claim = receive_required(open_jkk(covered))
    claim = services.claim_complete(actor=None, claim=claim, expected_version=claim.version)
    with pytest.raises(ValidationError) as error:
        services.claim_submit(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            bpjs_reference=" ",
            submitted_on=ACCIDENT - timedelta(days=3),
        )
    assert fields_of(error) == {"bpjs_reference", "submitted_on"}
    other = to_submitted(open_jkk(covered, 3), reference="JKK/7")
    with pytest.raises(ValidationError, match="sudah dipakai kasus lain"):
        services.claim_submit(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            bpjs_reference=other.bpjs_reference,
            submitted_on=ACCIDENT,
        )


def test_a_case_is_paid_only_with_a_paid_component(covered: Billable) -> None:
    claim = to_submitted(open_jkk(covered))
    with pytest.raises(ValidationError, match="minimal satu komponen"):
        services.claim_pay(
            actor=None, claim=claim, expected_version=claim.version, decided_on=date(2025, 12, 15)
        )
    component = services.claim_component_record(
        actor=covered.users["bpjs"],
        claim=claim,
        expected_version=claim.version,
        kind="jkk_medical",
        paid_amount=7_850_000,
        paid_on=date(2025, 12, 15),
        note="RSUD Tais",
    )
    assert (component.paid_amount, component.expected_amount) == (7_850_000, None)
    claim = services.claim_pay(
        actor=covered.users["bpjs"],
        claim=claim,
        expected_version=claim.version,
        decided_on=date(2025, 12, 15),
    )
    assert (claim.status, claim.decided_on) == (ClaimStatus.PAID, date(2025, 12, 15))
    assert claim.events.get(action=ClaimAction.PAID).detail == {"paid_total": 7_850_000}
    # A paid case keeps at least one paid component.
    with pytest.raises(ValidationError, match="minimal satu komponen"):
        services.claim_component_record(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            kind="jkk_medical",
            paid_amount=None,
            paid_on=None,
        )


def test_a_rejection_needs_bpjs_reason(covered: Billable) -> None:
    claim = to_submitted(open_jkk(covered))
    with pytest.raises(ValidationError) as error:
        services.claim_reject(
            actor=None, claim=claim, expected_version=claim.version, reason="  ", decided_on=None
        )
    assert fields_of(error) == {"reason", "decided_on"}
    claim = services.claim_reject(
        actor=None,
        claim=claim,
        expected_version=claim.version,
        reason="Perjalanan pribadi, bukan hubungan kerja.",
        decided_on=date(2026, 1, 8),
    )
    assert (claim.status, claim.rejection_reason) == (
        ClaimStatus.REJECTED,
        "Perjalanan pribadi, bukan hubungan kerja.",
    )
    with pytest.raises(ValidationError, match="setelah kasus diajukan"):
        services.claim_component_record(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            kind="jkk_medical",
            paid_amount=1,
            paid_on=date(2026, 1, 8),
        )


def test_amounts_are_checked_and_a_new_kind_is_added(covered: Billable) -> None:
    claim = open_jkk(covered)
    with pytest.raises(ValidationError, match="setelah kasus diajukan"):
        services.claim_component_record(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            kind="jkk_medical",
            paid_amount=1_000,
            paid_on=ACCIDENT,
        )
    claim = to_submitted(claim)
    with pytest.raises(ValidationError) as error:
        services.claim_component_record(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            kind="jkm_funeral",
            paid_amount=0,
            paid_on=None,
        )
    assert fields_of(error) == {"kind", "paid_amount", "paid_on"}
    services.claim_component_record(
        actor=None,
        claim=claim,
        expected_version=claim.version,
        kind="jkk_home_care",
        paid_amount=2_500_000,
        paid_on=date(2025, 12, 10),
    )
    home = ClaimComponent.objects.get(claim=claim, kind="jkk_home_care")
    assert (home.expected_amount, home.paid_amount) == (None, 2_500_000)
    services.claim_component_record(
        actor=None,
        claim=claim,
        expected_version=claim.version,
        kind="jkk_home_care",
        paid_amount=3_000_000,
        paid_on=date(2025, 12, 10),
    )
    event = claim.events.filter(action=ClaimAction.AMOUNT).last()
    assert event is not None and event.detail["before"] == 2_500_000
    assert "sebelumnya Rp2.500.000" in event.note


def test_a_stale_version_is_a_conflict_and_changes_nothing(covered: Billable) -> None:
    claim = open_jkk(covered)
    stale = claim.version
    add_heir(claim)
    with pytest.raises(services.ConflictError):
        services.claim_document_receive(
            actor=None,
            claim=claim,
            expected_version=stale,
            codes=["kronologi"],
            received_on=ACCIDENT,
        )
    assert not claim.documents.filter(received_on__isnull=False).exists()


def test_a_village_reports_but_does_not_manage(covered: Billable) -> None:
    claim = receive_required(open_jkk(covered), covered.users["desa"])
    with pytest.raises(PermissionDenied, match="memproses klaim"):
        services.claim_complete(
            actor=covered.users["desa"], claim=claim, expected_version=claim.version
        )
    with pytest.raises(PermissionDenied):
        receive_required(claim, covered.users["desa_b"])


def test_every_write_leaves_a_history_line_and_an_audit_event(covered: Billable) -> None:
    claim = to_submitted(open_jkm(covered))
    for kind, amount in (("jkm_lump_sum", 20_000_000), ("jkm_periodic", 12_000_000)):
        services.claim_component_record(
            actor=None,
            claim=claim,
            expected_version=claim.version,
            kind=kind,
            paid_amount=amount,
            paid_on=date(2025, 12, 20),
        )
    services.claim_pay(
        actor=None, claim=claim, expected_version=claim.version, decided_on=date(2025, 12, 20)
    )
    actions = list(claim.events.values_list("action", flat=True))
    assert actions == [
        ClaimAction.OPENED,
        ClaimAction.HEIR_ADDED,
        ClaimAction.DOCUMENTS_RECEIVED,
        ClaimAction.COMPLETED,
        ClaimAction.SUBMITTED,
        ClaimAction.AMOUNT,
        ClaimAction.AMOUNT,
        ClaimAction.PAID,
    ]
    audited = AuditEvent.objects.filter(object_type="claim", object_id=str(claim.pk))
    assert audited.count() == len(actions)
    assert Claim.objects.get(pk=claim.pk).version == len(actions)  # opened at 1
