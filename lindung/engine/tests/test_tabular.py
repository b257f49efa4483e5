import io
import os
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from lindung.engine.tabular import (
    FIELD_SYNONYMS,
    TabularError,
    apply_mapping,
    guess_mapping,
    header_key,
    read_sheet,
)

NIK = "1705016209900003"


def _xlsx(path: Path, write) -> Path:
    with xlsxwriter.Workbook(str(path)) as book:
        write(book, book.add_worksheet("Data"))
    return path


def _code_of(source: Path | bytes, filename: str, **options) -> str:
    with pytest.raises(TabularError) as caught:
        read_sheet(source, filename=filename, **options)
    assert caught.value.message == str(caught.value)
    return caught.value.code


# --- CSV -----------------------------------------------------------------------------------


def test_it_reads_a_utf8_csv_with_a_bom_and_keeps_every_cell_as_text():
    data = "\ufeffNIK,Nama,Desil\r\n1705016209900003,Budi,03\r\n0012,Siti,\r\n".encode()
    sheet = read_sheet(data, filename="data.csv")
    assert sheet.headers == ["NIK", "Nama", "Desil"]
    assert sheet.rows.to_pylist() == [
        {"NIK": NIK, "Nama": "Budi", "Desil": "03"},
        {"NIK": "0012", "Nama": "Siti", "Desil": None},
    ]
    assert sheet.row_numbers.to_pylist() == [2, 3]
    assert sheet.header_row == 1


def test_it_reads_a_latin1_csv_with_semicolons():
    text = "NIK;Nama;Alamat\n1705016209900003;Suñarti;Jl. Mawar, No. 5\n1705010101900001;Sükarno;\n"
    sheet = read_sheet(text.encode("cp1252"), filename="dtks.csv")
    assert sheet.rows.column("Nama").to_pylist() == ["Suñarti", "Sükarno"]
    assert sheet.rows.column("Alamat").to_pylist() == ["Jl. Mawar, No. 5", None]


def test_it_reads_a_tab_separated_file_with_quoted_newlines():
    text = 'NIK\tNama\tAlamat\n1\tBudi\t"Jl. A\nRT 01"\n2\tSiti\tJl. B\n'
    sheet = read_sheet(text.encode(), filename="data.txt")
    assert sheet.rows.column("Alamat").to_pylist() == ["Jl. A\nRT 01", "Jl. B"]
    assert sheet.row_numbers.to_pylist() == [2, 3]


def test_it_skips_a_title_line_above_the_header_and_pads_short_rows():
    text = "DAFTAR DTKS DESA MAJU\n\nNIK;Nama;Desil\n1705016209900003;Budi\n;;\n2;Ani;4\n"
    sheet = read_sheet(text.encode(), filename="dtks.csv")
    assert sheet.header_row == 3
    assert sheet.rows.to_pylist() == [
        {"NIK": NIK, "Nama": "Budi", "Desil": None},
        {"NIK": "2", "Nama": "Ani", "Desil": "4"},
    ]
    assert sheet.row_numbers.to_pylist() == [4, 6]
    assert sheet.skipped_empty_rows == 1


def test_it_counts_a_million_empty_rows_quickly(tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"NIK;Nama;Desil;Alamat\n1;Budi;2;Jl\n" + b";;;\n" * 1_000_000)
    started = time.perf_counter()
    sheet = read_sheet(path, filename="kosong.csv")
    assert time.perf_counter() - started < 10
    assert sheet.rows.num_rows == 1
    assert sheet.skipped_empty_rows == 1_000_000


def test_it_refuses_a_million_empty_rows_without_data_as_empty(tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b";;;\n" * 1_000_000)
    started = time.perf_counter()
    assert _code_of(path, "kosong.csv") == "FILE_EMPTY"
    assert time.perf_counter() - started < 10


def test_it_refuses_a_header_without_rows_as_empty():
    assert _code_of(b"NIK;Nama\n;\n\n", "data.csv") == "FILE_EMPTY"


def test_it_refuses_an_empty_file():
    assert _code_of(b"", "data.csv") == "FILE_EMPTY"
    assert _code_of(b"\r\n\r\n  \n", "data.csv") == "FILE_EMPTY"


def test_it_refuses_a_file_without_a_header_row():
    rows = b"".join(b"1705016209900003;12;1990-01-01\n" for _ in range(30))
    with pytest.raises(TabularError) as caught:
        read_sheet(rows, filename="data.csv")
    error = caught.value
    assert error.code == "NO_HEADER"
    assert "NIK, Nama" in error.message


# --- refusing what is not a spreadsheet ----------------------------------------------------


def test_it_refuses_a_file_type_it_cannot_read():
    with pytest.raises(TabularError) as caught:
        read_sheet(b"%PDF-1.4 ...", filename="surat.pdf")
    error = caught.value
    assert error.code == "FILE_TYPE"
    assert "surat.pdf" in error.message
    assert "XLSX" in error.message


def test_it_refuses_a_password_protected_xlsx():
    data = bytes.fromhex("D0CF11E0A1B11AE1") + os.urandom(4096)
    with pytest.raises(TabularError) as caught:
        read_sheet(data, filename="peserta.xlsx")
    error = caught.value
    assert error.code == "FILE_PASSWORD"
    assert "kata sandi" in error.message


def test_it_refuses_a_truncated_xlsx_as_corrupt(tmp_path):
    path = _xlsx(tmp_path / "a.xlsx", lambda book, sheet: sheet.write_row(0, 0, ["NIK", "Nama"]))
    assert _code_of(path.read_bytes()[:1500], "a.xlsx") == "FILE_CORRUPT"


def test_it_refuses_a_zip_that_is_not_a_workbook_as_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foto.jpg", b"not a sheet")
    assert _code_of(buffer.getvalue(), "data.xlsx") == "FILE_CORRUPT"


def test_it_refuses_fifty_megabytes_of_random_bytes_quickly(tmp_path):
    path = tmp_path / "sampah.csv"
    path.write_bytes(os.urandom(50 * 1024 * 1024))
    started = time.perf_counter()
    assert _code_of(path, "sampah.csv") == "FILE_TYPE"
    assert _code_of(path, "sampah.xlsx") == "FILE_TYPE"
    assert time.perf_counter() - started < 5


def test_it_refuses_a_file_above_the_size_limit_before_reading_it(tmp_path):
    path = tmp_path / "besar.csv"
    path.write_bytes(b"NIK,Nama\n" + b"1,A\n" * 1000)
    with pytest.raises(TabularError) as caught:
        read_sheet(path, filename="besar.csv", max_bytes=100)
    error = caught.value
    assert error.code == "FILE_TOO_LARGE"


def test_it_refuses_more_rows_than_the_limit():
    data = b"NIK,Nama\n" + b"1,A\n" * 11
    assert _code_of(data, "data.csv", max_rows=10) == "TOO_MANY_ROWS"


def test_it_refuses_utf16_without_a_byte_order_mark():
    assert _code_of("NIK;Nama\n1;Budi\n".encode("utf-16-le"), "data.csv") == "FILE_ENCODING"


def test_it_reads_utf16_with_a_byte_order_mark():
    sheet = read_sheet("NIK\tNama\n1\tSuñarti\n".encode("utf-16"), filename="data.txt")
    assert sheet.rows.column("Nama").to_pylist() == ["Suñarti"]


# --- workbooks -----------------------------------------------------------------------------


def test_it_reads_niks_written_as_text_and_as_numbers(tmp_path):
    def write(book, sheet):
        sheet.write_row(0, 0, ["NIK", "Nama", "Tanggal Lahir", "Desil"])
        sheet.write_string(1, 0, NIK)
        sheet.write_number(2, 0, 1705016209900003)
        sheet.write_number(3, 0, 1.70501620990000e15)
        sheet.write_column(1, 1, ["Budi", "Ani", "Siti"])
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_datetime(1, 2, date(1990, 9, 22), day)
        sheet.write_number(1, 3, 3)
        sheet.write_number(2, 3, 3.5)

    sheet = read_sheet(_xlsx(tmp_path / "a.xlsx", write), filename="a.xlsx")
    assert sheet.rows.column("NIK").to_pylist() == [NIK, NIK, "1705016209900000"]
    assert sheet.rows.column("Tanggal Lahir").to_pylist() == ["1990-09-22", None, None]
    assert sheet.rows.column("Desil").to_pylist() == ["3", "3.5", None]
    assert sheet.sheet_name == "Data"


def test_it_takes_the_cached_value_of_a_formula(tmp_path):
    def write(book, sheet):
        sheet.write_row(0, 0, ["NIK", "Nama", "Desil"])
        sheet.write_row(1, 0, [NIK, "Budi"])
        sheet.write_formula(1, 2, "=1+2", None, 3)
        sheet.write_formula(2, 1, '=UPPER("ani")', None, "ANI")

    sheet = read_sheet(_xlsx(tmp_path / "f.xlsx", write), filename="f.xlsx")
    assert sheet.rows.to_pylist() == [
        {"NIK": NIK, "Nama": "Budi", "Desil": "3"},
        {"NIK": None, "Nama": "ANI", "Desil": None},
    ]


def test_it_finds_the_header_below_merged_title_rows(tmp_path):
    def write(book, sheet):
        sheet.merge_range(0, 0, 0, 4, "DAFTAR PESERTA BPJS KETENAGAKERJAAN")
        sheet.merge_range(1, 0, 1, 4, "Kabupaten Seluma, Tahun 2026")
        sheet.write_row(3, 1, ["No", "No. KTP", "Nama Peserta", "KPJ"])
        sheet.write_row(4, 1, [1, NIK, "Budi", "12345678901"])
        sheet.write_row(6, 1, [2, "1705010101900001", "Ani"])

    sheet = read_sheet(_xlsx(tmp_path / "m.xlsx", write), filename="m.xlsx")
    assert sheet.header_row == 4
    assert sheet.headers == ["No", "No. KTP", "Nama Peserta", "KPJ"]
    assert sheet.row_numbers.to_pylist() == [5, 7]
    assert sheet.skipped_empty_rows == 1


def test_it_takes_the_first_sheet_with_data(tmp_path):
    def write(book, sheet):
        book.add_worksheet("Isian").write_row(0, 0, ["NIK", "Nama"])
        book.get_worksheet_by_name("Isian").write_row(1, 0, [NIK, "Budi"])

    sheet = read_sheet(_xlsx(tmp_path / "s.xlsx", write), filename="s.xlsx")
    assert sheet.sheet_name == "Isian"
    assert sheet.rows.num_rows == 1


def test_it_refuses_a_workbook_without_any_cell(tmp_path):
    path = _xlsx(tmp_path / "k.xlsx", lambda book, sheet: None)
    assert _code_of(path, "k.xlsx") == "FILE_EMPTY"


def test_it_names_blank_and_repeated_headers_so_no_column_is_lost():
    sheet = read_sheet(b"NIK;Nama;;Nama\n1;Budi;x;Budi S\n", filename="d.csv")
    assert sheet.headers == ["NIK", "Nama", "Kolom C", "Nama (2)"]
    assert sheet.rows.to_pylist() == [
        {"NIK": "1", "Nama": "Budi", "Kolom C": "x", "Nama (2)": "Budi S"}
    ]


def test_it_reads_headers_it_does_not_know():
    sheet = read_sheet(b"ID Number,Full name\n1705016209900003,Budi\n", filename="d.csv")
    assert sheet.headers == ["ID Number", "Full name"]


# --- mapping -------------------------------------------------------------------------------


def test_header_keys_ignore_case_spaces_and_punctuation():
    assert header_key("Tgl. Lahir") == header_key("TGL_LAHIR") == header_key(" tgl lahir ")


def test_it_guesses_common_indonesian_header_spellings():
    headers = ["No", "Nomor Induk Kependudukan", "Nama Sesuai KTP", "Tanggal Lahir (DD-MM-YYYY)"]
    headers += ["L/P", "Kode Desa", "No. KK", "Peringkat Kesejahteraan", "Tgl Meninggal"]
    mapping = guess_mapping(headers, FIELD_SYNONYMS)
    assert mapping["nik"] == "Nomor Induk Kependudukan"
    assert mapping["nama"] == "Nama Sesuai KTP"
    assert mapping["tanggal_lahir"] == "Tanggal Lahir (DD-MM-YYYY)"
    assert mapping["jenis_kelamin"] == "L/P"
    assert mapping["kode_wilayah"] == "Kode Desa"
    assert mapping["kk"] == "No. KK"
    assert mapping["desil"] == "Peringkat Kesejahteraan"
    assert mapping["tanggal_kejadian"] == "Tgl Meninggal"
    assert mapping["kpj"] is None


def test_it_maps_each_header_to_one_field_only():
    mapping = guess_mapping(["Nama"], {"nama": ("Nama",), "nama_ibu": ("Nama",)})
    assert mapping == {"nama": "Nama", "nama_ibu": None}


def test_apply_mapping_names_columns_by_field_and_keeps_row_numbers():
    sheet = read_sheet(b"x\nNo KTP;Nama Lengkap\n1;Budi\n\n2;Ani\n", filename="d.csv")
    table = apply_mapping(sheet, {"nik": "No KTP", "nama": "Nama Lengkap", "desil": None})
    assert table.column_names == ["nik", "nama", "desil", "_row"]
    assert table.to_pylist() == [
        {"nik": "1", "nama": "Budi", "desil": None, "_row": 3},
        {"nik": "2", "nama": "Ani", "desil": None, "_row": 5},
    ]


def test_apply_mapping_refuses_a_header_the_file_does_not_have():
    sheet = read_sheet(b"NIK;Nama\n1;Budi\n", filename="d.csv")
    with pytest.raises(ValueError, match="Alamat"):
        apply_mapping(sheet, {"alamat": "Alamat"})
