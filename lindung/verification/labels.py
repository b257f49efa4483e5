"""What each verification finding means, in a few words for screens and settings."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CODE_LABELS: dict[str, Promise] = {
    "NIK_FORMAT": _("NIK bukan 16 angka"),
    "NIK_DATE": _("Tanggal lahir di NIK tidak valid"),
    "NIK_SERIAL": _("Nomor urut NIK 0000"),
    "NIK_DOB_MISMATCH": _("Tanggal lahir tidak sama dengan NIK"),
    "NIK_SEX_MISMATCH": _("Jenis kelamin tidak sama dengan NIK"),
    "NIK_REGISTRY_DIFFERS": _("Di DTSEN tercatat dengan NIK lain"),
    "AGE_OUT_OF_RANGE": _("Umur di luar batas program"),
    "DOMICILE_OUTSIDE": _("Domisili di luar wilayah program"),
    "DUPLICATE_IN_BATCH": _("Ganda dalam kiriman"),
    "PROPOSED_ELSEWHERE": _("Juga diusulkan desa lain"),
    "ALREADY_MEMBER": _("Sudah peserta program"),
    "BPJS_ACTIVE": _("Sudah peserta aktif BPJS Ketenagakerjaan"),
    "OTHER_PROGRAMME": _("Dibiayai program lain"),
    "EXCLUDED": _("ASN/PPPK/TNI/Polri"),
    "DECEASED": _("Tercatat meninggal"),
    "NOT_IN_REGISTRY": _("Tidak ada di DTSEN/DTKS/P3KE"),
    "DESIL_ABOVE_LIMIT": _("Desil di atas batas"),
    "OCCUPATION_NOT_ELIGIBLE": _("Pekerjaan tidak termasuk program"),
    "NAME_MISMATCH": _("NIK ada, nama sangat berbeda"),
    "UNCERTAIN_MATCH": _("Kecocokan data belum pasti"),
}
SEVERITY_LABELS: dict[str, Promise] = {
    "reject": _("Tolak"),
    "warn": _("Peringatan"),
    "review": _("Perlu ditelaah petugas"),
}
