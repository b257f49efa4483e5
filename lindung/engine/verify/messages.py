"""The Indonesian sentence of every finding, as a template the database fills in.

Templates are marked with a local `gettext_noop` so `makemessages` collects them; a finding
keeps its template key and parameters (`template`, `params` JSON), and `render` re-builds
the sentence through Django's `gettext` where it is shown. The NIK templates are the ones of
`lindung/people/nik.py`, word for word, so the two share translations.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from string import Formatter


def gettext_noop(message: str) -> str:
    """Marks a message for `makemessages` without importing Django."""
    return message


TEMPLATES: dict[str, str] = {
    "nik_empty": gettext_noop("{label} kosong; isi 16 angka sesuai {document}."),
    "nik_not_digits": gettext_noop(
        "{label} hanya boleh berisi angka 0-9; ditemukan {chars}. Ketik ulang sesuai {document}."
    ),
    "nik_excel": gettext_noop(
        "{label} terbaca sebagai angka Excel ({text}), sehingga digit terakhirnya hilang. "
        "Format kolom {label} sebagai Teks, lalu ketik ulang {label} sesuai {document}."
    ),
    "nik_length": gettext_noop("{label} harus 16 angka; yang diketik {count} angka."),
    "nik_zeros": gettext_noop("{label} tidak boleh nol semua; ketik {label} sesuai {document}."),
    "nik_province": gettext_noop(
        "Kode provinsi di {label} (digit 1-2) tidak boleh 00; periksa {label} di {document}."
    ),
    "nik_date": gettext_noop(
        "Tanggal lahir di NIK (digit 7-12) tidak valid: {digits}. Periksa NIK di KTP; "
        "untuk perempuan tanggalnya ditambah 40 (mis. 62 = tanggal 22)."
    ),
    "nik_future": gettext_noop(
        "Tanggal lahir di NIK ({birth}) belum terjadi; periksa digit 7-12 NIK di KTP."
    ),
    "nik_too_old": gettext_noop(
        "Tanggal lahir di NIK ({birth}) berarti umur lebih dari {years} tahun; "
        "periksa digit 7-12 NIK di KTP."
    ),
    "nik_serial": gettext_noop(
        "Nomor urut di {label} (digit 13-16) tidak boleh 0000; periksa {label} di {document}."
    ),
    "nik_dob_mismatch": gettext_noop(
        "Tanggal lahir {stated} tidak sama dengan tanggal lahir di NIK ({birth}); "
        "perbaiki NIK atau tanggal lahirnya."
    ),
    "nik_sex_mismatch": gettext_noop(
        "Jenis kelamin {stated} tidak sama dengan NIK ({nik_sex}; pada NIK perempuan "
        "tanggal lahir ditambah 40). Perbaiki NIK atau jenis kelaminnya."
    ),
    "nik_registry_differs": gettext_noop(
        "NIK {nik} berbeda dengan NIK orang yang sama di {source} ({registry_nik}, skor "
        "{score}); pastikan NIK sesuai KTP."
    ),
    "nik_registry_missing": gettext_noop(
        "NIK kosong atau tidak terbaca; orang yang sama tercatat di {source} dengan NIK "
        "{registry_nik} (skor {score}); isi NIK sesuai KTP."
    ),
    "age_above": gettext_noop("Umur {age} tahun pada {date}, di atas batas {limit} tahun program."),
    "age_below": gettext_noop(
        "Umur {age} tahun pada {date}, di bawah batas {limit} tahun program."
    ),
    "domicile_outside": gettext_noop(
        "Desa domisili {village} di luar wilayah program ({region}); hanya warga wilayah "
        "program yang dapat diusulkan."
    ),
    "domicile_missing": gettext_noop(
        "Kode desa domisili kosong, sehingga tidak dapat dipastikan tinggal di wilayah program "
        "({region}); isi kode desa tempat tinggal."
    ),
    "duplicate_nik": gettext_noop(
        "NIK {nik} sudah diusulkan dalam kelompok usulan ini (ID usulan {first_id}, "
        "{first_name}); hanya usulan pertama yang diproses."
    ),
    "duplicate_person": gettext_noop(
        "Orang yang sama ({registry_name}, ID {registry_id} di data kesejahteraan) sudah "
        "diusulkan dalam kelompok usulan ini (ID usulan {first_id}, {first_name}); hanya "
        "usulan pertama yang diproses."
    ),
    "proposed_elsewhere": gettext_noop(
        "NIK {nik} juga diusulkan oleh desa {village} pada periode ini (ID usulan {other_id}); "
        "satu orang hanya boleh diusulkan satu desa, koordinasikan dengan desa tersebut."
    ),
    "already_member_same": gettext_noop(
        "Sudah menjadi peserta aktif program ini; tidak perlu diusulkan lagi."
    ),
    "already_member_other": gettext_noop(
        "Sudah menjadi peserta aktif program lain (ID program {programme}); satu orang tidak "
        "boleh dibiayai dua kali."
    ),
    "bpjs_active": gettext_noop(
        "Terdaftar aktif di BPJS Ketenagakerjaan (KPJ {kpj}, segmen {segment}) — sudah "
        "terlindungi, tidak boleh dibayar dua kali."
    ),
    "other_programme": gettext_noop(
        "Sudah dibiayai program lain ({programme}) — satu orang tidak boleh dibiayai dua kali."
    ),
    "excluded": gettext_noop(
        "Tercatat sebagai {category} di daftar pengecualian — kategori ini tidak boleh "
        "menerima bantuan iuran program."
    ),
    "deceased": gettext_noop(
        "Tercatat meninggal dunia pada {date} di data kematian — usulan tidak dapat diproses; "
        "periksa NIK bila orangnya masih hidup."
    ),
    "deceased_undated": gettext_noop(
        "Tercatat meninggal dunia di data kematian (tanggal tidak tercantum) — usulan tidak "
        "dapat diproses; periksa NIK bila orangnya masih hidup."
    ),
    "not_in_registry": gettext_noop(
        "Tidak ditemukan di data kesejahteraan (DTSEN/DTKS) dengan NIK, nama dan tanggal lahir "
        "ini; periksa ketiganya sesuai KTP, atau daftarkan dulu ke data kesejahteraan."
    ),
    "desil_above": gettext_noop(
        "Desil {desil} di data kesejahteraan (ID data {record}), di atas batas desil {limit} "
        "program."
    ),
    "occupation_missing": gettext_noop(
        "Pekerjaan belum dipilih; pilih salah satu pekerjaan yang dapat diusulkan dalam "
        "program ini."
    ),
    "occupation_not_eligible": gettext_noop(
        "Pekerjaan {occupation} tidak termasuk pekerjaan yang dapat diusulkan dalam program ini."
    ),
    "name_mismatch": gettext_noop(
        "NIK {nik} tercatat di {source} atas nama {reference_name}, sangat berbeda dengan nama "
        "usulan {name}; kemungkinan NIK salah ketik, periksa KTP."
    ),
    "uncertain_match": gettext_noop(
        "Mungkin orang yang sama dengan {reference_name} (lahir {birth}) di {source}, skor "
        "{score}; petugas perlu memastikan apakah orangnya sama."
    ),
}

# Words filled into templates that are themselves translated where the message is shown.
SOURCES: dict[str, str] = {
    "welfare": gettext_noop("data kesejahteraan"),
    "bpjs": gettext_noop("data BPJS Ketenagakerjaan"),
    "programme": gettext_noop("data program lain"),
    "exclusion": gettext_noop("daftar pengecualian"),
    "death": gettext_noop("data kematian"),
}
SEGMENTS: dict[str, str] = {
    "pu": gettext_noop("PU (penerima upah)"),
    "bpu": gettext_noop("BPU (bukan penerima upah)"),
    "jakon": gettext_noop("Jasa Konstruksi"),
    "pmi": gettext_noop("Pekerja Migran Indonesia"),
}
SEX_WORDS = {"L": gettext_noop("laki-laki"), "P": gettext_noop("perempuan")}
NOT_STATED = gettext_noop("tidak tercantum")
TRANSLATED_PARAMS = frozenset({"label", "document", "source", "segment", "stated", "nik_sex"})
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
_MISSING = "-"


def render(
    template: str, params: Mapping[str, str] | str, translate: Callable[[str], str] = str
) -> str:
    """The message of a finding from its `template` key and `params` (a dict or its JSON),
    through `translate` (e.g. Django's `gettext`); with the default, the stored Indonesian.
    """
    values = json.loads(params) if isinstance(params, str) else dict(params)
    # `stated` is a word only in the sex mismatch; there it is translated like the NIK's sex.
    translated = TRANSLATED_PARAMS - ({"stated"} if template != "nik_sex_mismatch" else set())
    filled = translate(TEMPLATES[template]).format(
        **{k: translate(v) if k in translated else v for k, v in values.items()}
    )
    return filled[:1].upper() + filled[1:]


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _placeholders(template_key: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(TEMPLATES[template_key]) if name]


def message_sql(template_key: str, params: Mapping[str, str]) -> str:
    """SQL text for the message, each `{name}` filled by the SQL expression `params[name]`."""
    parts: list[str] = []
    for literal, name, _, _ in Formatter().parse(TEMPLATES[template_key]):
        if literal:
            parts.append(quote(literal))
        if name:
            parts.append(_param_sql(params[name]))
    text = f"concat({', '.join(parts)})"
    if TEMPLATES[template_key].startswith("{"):
        return f"(upper(left({text}, 1)) || substr({text}, 2))"
    return text


def params_sql(template_key: str, params: Mapping[str, str]) -> str:
    """SQL text for the JSON object of the template's parameters, as `render` takes them."""
    names = _placeholders(template_key)
    if not names:
        return "'{}'"
    pairs = ", ".join(f"{quote(n)}, {_param_sql(params[n])}" for n in dict.fromkeys(names))
    return f"CAST(json_object({pairs}) AS VARCHAR)"


def _param_sql(expression: str) -> str:
    return f"coalesce(CAST(({expression}) AS VARCHAR), {quote(_MISSING)})"


def date_sql(expression: str) -> str:
    """'22 November 1990' in SQL, like `lindung.people.nik.format_date_id`."""
    months = ", ".join(quote(m) for m in MONTHS)
    return (
        f"CASE WHEN ({expression}) IS NOT NULL THEN concat(day({expression}), ' ', "
        f"[{months}][month({expression})], ' ', year({expression})) END"
    )


def score_sql(expression: str) -> str:
    """A probability as Indonesians write it: 0,873."""
    return f"replace(printf('%.3f', {expression}), '.', ',')"


def word_sql(expression: str, words: Mapping[str, str], other: str | None = None) -> str:
    """`words[value]` for the value of `expression`; else `other` (SQL), else the value."""
    whens = " ".join(f"WHEN {quote(k)} THEN {quote(v)}" for k, v in words.items())
    return f"CASE ({expression}) {whens} ELSE {other or expression} END"
