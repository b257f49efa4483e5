"""What a JKK or JKM case pays under PP 82/2019, and the documents BPJS asks for. No Django.

Amounts are whole rupiah. Where the regulation fixes an amount (the JKM death benefit) it
is the *expected* amount of a component; where it only sets a ceiling (JKK home care,
transport) that is the component's *cap*; everything else is "sesuai ketentuan" (None):
this module never guesses an amount the regulation does not state (see DOMAIN.md).

Labels and notes are Indonesian, marked with `gettext_noop` so `makemessages` finds them;
the pages translate them where they are shown (`gettext(label)`).
"""

from __future__ import annotations

from dataclasses import dataclass

JKK = "JKK"
JKM = "JKM"

# JKM's scholarship for the member's children needs at least 3 years of contributions.
SCHOLARSHIP_MIN_MONTHS = 36
JKM_TOTAL = 42_000_000


def gettext_noop(message: str) -> str:
    """Marks a message for `makemessages` without importing Django."""
    return message


@dataclass(frozen=True)
class ComponentRule:
    kind: str  # ClaimComponentKind value
    expected: int | None  # fixed by the regulation; None = "sesuai ketentuan"
    cap: int | None  # the regulation's ceiling, where it gives one
    note: str


@dataclass(frozen=True)
class DocumentRule:
    code: str
    label: str
    required: bool


_RULES = (
    ComponentRule(
        "jkm_lump_sum", 20_000_000, None, gettext_noop("Santunan sekaligus (PP 82/2019).")
    ),
    ComponentRule(
        "jkm_periodic",
        12_000_000,
        None,
        gettext_noop("24 x Rp500.000, dibayar sekaligus (PP 82/2019)."),
    ),
    ComponentRule("jkm_funeral", 10_000_000, None, gettext_noop("Biaya pemakaman (PP 82/2019).")),
    ComponentRule(
        "jkm_scholarship",
        None,
        174_000_000,
        gettext_noop(
            "Hingga Rp174.000.000 untuk paling banyak 2 anak, hanya bila iuran sudah "
            "dibayar paling sedikit 36 bulan; jumlahnya sesuai jenjang sekolah anak."
        ),
    ),
    ComponentRule(
        "jkk_medical",
        None,
        None,
        gettext_noop("Sesuai kebutuhan medis, tanpa batas biaya; sesuai ketentuan."),
    ),
    ComponentRule(
        "jkk_home_care",
        None,
        20_000_000,
        gettext_noop("Paling lama 1 tahun, paling banyak Rp20.000.000."),
    ),
    ComponentRule(
        "jkk_transport",
        None,
        None,
        gettext_noop(
            "Paling banyak: darat Rp5.000.000, laut Rp2.000.000, udara Rp10.000.000 "
            "(sesuai moda yang dipakai)."
        ),
    ),
    ComponentRule("jkk_temporary", None, None, gettext_noop("Sesuai ketentuan PP 82/2019.")),
    ComponentRule("jkk_disability", None, None, gettext_noop("Sesuai ketentuan PP 82/2019.")),
    ComponentRule("jkk_death", None, None, gettext_noop("Sesuai ketentuan PP 82/2019.")),
    ComponentRule("jkk_funeral", None, None, gettext_noop("Sesuai ketentuan PP 82/2019.")),
    ComponentRule("jkk_scholarship", None, None, gettext_noop("Sesuai ketentuan PP 82/2019.")),
    ComponentRule("other", None, None, gettext_noop("Manfaat lain yang dibayar BPJS.")),
)
RULES: dict[str, ComponentRule] = {rule.kind: rule for rule in _RULES}

# Transport caps by mode (PP 82/2019), for the form's help text and the operator guide.
TRANSPORT_CAPS = {"darat": 5_000_000, "laut": 2_000_000, "udara": 10_000_000}

# What a case starts with; the others are added when BPJS pays them.
_OPENING = {
    JKM: ("jkm_lump_sum", "jkm_periodic", "jkm_funeral"),
    JKK: ("jkk_medical", "jkk_transport", "jkk_temporary"),
}
KINDS: dict[str, tuple[str, ...]] = {
    JKM: ("jkm_lump_sum", "jkm_periodic", "jkm_funeral", "jkm_scholarship", "other"),
    JKK: (
        "jkk_medical",
        "jkk_home_care",
        "jkk_transport",
        "jkk_temporary",
        "jkk_disability",
        "jkk_death",
        "jkk_funeral",
        "jkk_scholarship",
        "other",
    ),
}

DOCUMENTS: dict[str, tuple[DocumentRule, ...]] = {
    JKM: (
        DocumentRule("akta_kematian", gettext_noop("Akta kematian (Dukcapil)"), True),
        DocumentRule("ktp_kk_peserta", gettext_noop("KTP dan KK peserta"), True),
        DocumentRule("ktp_ahli_waris", gettext_noop("KTP ahli waris"), True),
        DocumentRule(
            "ket_ahli_waris",
            gettext_noop("Surat keterangan ahli waris (desa/kelurahan)"),
            True,
        ),
        DocumentRule("rekening_ahli_waris", gettext_noop("Buku rekening ahli waris"), True),
        DocumentRule(
            "kartu_peserta", gettext_noop("Kartu peserta BPJS Ketenagakerjaan, bila ada"), False
        ),
        DocumentRule(
            "dokumen_anak",
            gettext_noop("Akta kelahiran dan surat keterangan sekolah anak (untuk beasiswa)"),
            False,
        ),
    ),
    JKK: (
        DocumentRule("laporan_tahap_1", gettext_noop("Laporan kecelakaan kerja tahap I"), True),
        DocumentRule("surat_dokter", gettext_noop("Surat keterangan dokter"), True),
        DocumentRule("kronologi", gettext_noop("Kronologi kejadian"), True),
        DocumentRule("ktp_kk_peserta", gettext_noop("KTP dan KK peserta"), True),
        DocumentRule("keterangan_saksi", gettext_noop("Keterangan saksi"), True),
        DocumentRule(
            "kuitansi",
            gettext_noop("Kuitansi biaya pengobatan dan transportasi, bila dibayar sendiri"),
            False,
        ),
        DocumentRule(
            "laporan_polisi",
            gettext_noop("Laporan polisi (untuk kecelakaan lalu lintas)"),
            False,
        ),
        DocumentRule(
            "kartu_peserta", gettext_noop("Kartu peserta BPJS Ketenagakerjaan, bila ada"), False
        ),
    ),
}
_LABELS = {rule.code: rule.label for rules in DOCUMENTS.values() for rule in rules}


def scholarship_due(paid_months: int) -> bool:
    """PP 82/2019: the JKM scholarship only after at least 36 months of contributions."""
    return paid_months >= SCHOLARSHIP_MIN_MONTHS


def opening_components(benefit: str, paid_months: int) -> list[ComponentRule]:
    """The components a new case lists: for JKM the Rp42.000.000 of PP 82/2019, plus the
    scholarship when `paid_months` reaches 36; for JKK the usual ones, amounts open."""
    kinds = list(_OPENING[benefit])
    if benefit == JKM and scholarship_due(paid_months):
        kinds.append("jkm_scholarship")
    return [RULES[kind] for kind in kinds]


def expected_total(benefit: str, paid_months: int) -> int:
    """The sum of the fixed amounts a new case expects (JKM: Rp42.000.000; JKK: 0)."""
    return sum(rule.expected or 0 for rule in opening_components(benefit, paid_months))


def document_label(code: str) -> str:
    """The checklist label of `code` (the code itself if unknown)."""
    return _LABELS.get(code, code)


def over_cap(kind: str, amount: int | None) -> bool:
    """True when `amount` is above the regulation's ceiling for `kind`: worth a second look."""
    cap = RULES[kind].cap if kind in RULES else None
    return amount is not None and cap is not None and amount > cap
