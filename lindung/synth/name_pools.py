"""Name pools by naming tradition: plain data, chosen to look like real Indonesian registers."""

from __future__ import annotations

from faker.providers.person.id_ID import Provider as _FakerPerson


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Bengkulu (Malay, Rejang, Serawai): mostly Muslim given names, no family name.
MELAYU_MALE = _words(
    """
    Ahmad Abdul Rahmat Hendri Herman Zulkifli Syamsul Dedi Edi Jamaludin Rusdi Syafrudin Zainal
    Sahrul Darmawan Arman Candra Iwan Yusuf Ilham Fajar Rizki Rudi Hasan Husin Kamal Rozali
    Amran Bastian Erwin Firdaus Hairul Jupri Kasim Lukman Mahmud Nasrul Rahman Salim Taufik
    Usman Wahyu Yahya Zulhendri Alpian Anwar Asrul Azwar Dodi Efendi Feri Gusman Haris Ikhsan
    Ismail Jasmadi Khairul Mursal Nurdin Pian Ramli Samsudin Sudirman Tarmizi Yunus Zulfahmi
    Bujang Sarkawi Juhri Marzuki
    """
)
MELAYU_FEMALE = _words(
    """
    Yuliana Rosmiati Herlina Yusnita Desi Elvi Fitriani Hartati Juwita Lasmi Mariani Nurhayati
    Rosnani Sri Susanti Yanti Zubaidah Aminah Asmawati Dahlia Darna Eli Ernawati Halimah Jamilah
    Khadijah Leni Maryam Nurbaiti Nurjanah Rahmawati Rita Salmah Wati Yeni Yulia Zahara Aisyah
    Fatimah Indah Putri Rina Sari Dayang Rosidah Samsiah Masnah Ratna
    """
)
MELAYU_MALE_SECOND = _words(
    """
    Hidayat Saputra Pratama Ramadhan Hakim Firmansyah Kurniawan Syahputra Maulana Rizky Fauzi
    Rahman Akbar Nugraha Ardiansyah Gunawan Irawan Setiawan Wijaya Alamsyah Hamdani Iskandar
    Jailani Syarifudin Efendi Yusuf Ismail Sanjaya
    """
)
MELAYU_FEMALE_SECOND = _words(
    """
    Aminah Aisyah Fatimah Rahmawati Wulandari Handayani Lestari Maharani Safitri Anggraini
    Oktaviani Puspita Ramadani Sari Hidayati Khairunnisa Marlina Nuraini Purnamasari Zahra
    Yulianti Hasanah
    """
)

# Javanese: older people carry one name, younger ones two.
JAWA_OLD_MALE = _words(
    """
    Sutrisno Slamet Sugiyono Wagiman Sukiman Paimin Parjo Suparman Sumarno Suyanto Tukimin
    Sarjono Mulyono Sugeng Warsito Karyono Jumadi Poniman Riyanto Sutarno Suwarno Tarmuji Wagino
    Supriyadi Bambang Katimin Legiman Mujiono Rebo Sadimin Tumijan Ngadiman
    """
)
JAWA_OLD_FEMALE = _words(
    """
    Sumarni Suparmi Tukiyem Painem Sulastri Sriyati Wartini Suminah Sukarti Partini Wagiyem
    Suyatmi Rubiyah Sutinah Kasmini Jumiati Ngatini Sarinah Tumini Legiyem Sukinem Parmi Sumini
    Poniyem
    """
)
JAWA_MALE = _words(
    """
    Agus Budi Dwi Eko Tri Joko Bayu Andi Dimas Galih Heri Wahyu Yudi Rudi Arif Fajar Teguh Imam
    Hadi Anton
    """
)
JAWA_FEMALE = _words(
    """
    Dwi Tri Sri Endang Rini Dewi Ayu Wahyu Puji Nanik Eka Yuli Tutik Siti Ani Lilis Retno Wiwik
    Indah Nur
    """
)
JAWA_MALE_SECOND = _words(
    """
    Setiawan Santoso Prasetyo Purnomo Wibowo Susanto Nugroho Hartono Kurniawan Saputro Hidayat
    Widodo Sutrisno Priyanto Wicaksono Suharto Pamungkas Utomo
    """
)
JAWA_FEMALE_SECOND = _words(
    """
    Lestari Wahyuni Rahayu Astuti Handayani Susanti Ningsih Wulandari Pertiwi Kusumawati
    Setyowati Purwanti Rahmawati Sulistyowati Aminah Suryani
    """
)

# Batak Toba (Samosir): mostly Christian given names, then the father's marga.
BATAK_MALE = _words(
    """
    Johannes Martua Lamhot Jonggi Parulian Hotman Marihot Bonar Tigor Togar Binsar Sahat Poltak
    Manahan Ronald Robert Daniel Samuel Yosua Petrus Paulus Markus Andreas Hendrik Jhon Rudolf
    Gomgom Horas Parlindungan Maruli Halomoan Jonny Benny Frans Hisar Rianto Monang Saut Mangasi
    Tumpal
    """
)
BATAK_FEMALE = _words(
    """
    Maria Rosmawati Tiurma Rosmeri Nurmaida Dameria Hotmaida Lasma Rotua Tiominar Rugun Ruth
    Ester Debora Lidia Marta Rebeka Sarah Yohana Magdalena Rosdiana Erlina Hotnida Juliana
    Sondang Romauli Tiurlan Masta Rismawati Melati
    """
)
BATAK_MARGA = _words(
    """
    Sitanggang Simbolon Sinaga Naibaho Situmorang Malau Sidabutar Manik Gultom Sagala Tamba
    Simarmata Nadeak Rumahorbo Harianja Turnip Sihaloho Silalahi Siallagan Sidauruk Nainggolan
    Simanjorang Sitohang Pasaribu Simanjuntak Hutabarat Siregar Sihombing Lumbantoruan Panjaitan
    """
)

# Bali: I/Ni, a birth-order name (1st to 4th child, then round again), a given name.
BALI_ORDER_MALE = (
    ("Wayan", "Putu", "Gede"),
    ("Made", "Kadek", "Nengah"),
    ("Nyoman", "Komang"),
    ("Ketut",),
)
BALI_ORDER_FEMALE = (
    ("Wayan", "Putu", "Luh"),
    ("Made", "Kadek", "Nengah"),
    ("Nyoman", "Komang"),
    ("Ketut",),
)
BALI_MALE = _words(
    """
    Sudarma Suparta Wirawan Artawan Suardana Budiarta Sukadana Mertayasa Adnyana Sujana Darmawan
    Astawa Sutama Widiarta Suarta Ariawan Sudiarta Yasa
    """
)
BALI_FEMALE = _words(
    """
    Artini Sukerti Suarni Sriasih Mariani Ariani Sudiani Wartini Sumerti Suastini Yuliani
    Darmini Sutarmi Sukmawati Astiti
    """
)

# Everyone else: Faker's id_ID lists, read once as data (never a Faker call per row).
UMUM_MALE = tuple(_FakerPerson.first_names_male)
UMUM_FEMALE = tuple(_FakerPerson.first_names_female)
UMUM_LAST_MALE = tuple(_FakerPerson.last_names_male)
UMUM_LAST_FEMALE = tuple(_FakerPerson.last_names_female)

# Street names found in almost every Indonesian town.
STREETS = tuple(
    w.replace("_", " ")
    for w in _words(
        """
    Sudirman Ahmad_Yani Diponegoro Gatot_Subroto Soekarno-Hatta Pahlawan Merdeka Veteran
    Fatmawati Kartini Imam_Bonjol Hasanuddin Pattimura Lintas_Barat Flamboyan Melati Mawar
    Kenanga Cempaka Anggrek Kamboja Teratai Pramuka Pemuda Pendidikan Sekolah Masjid Pasar_Baru
    Lapangan Kampung_Baru Cut_Nyak_Dien Sisingamangaraja Teuku_Umar Ki_Hajar_Dewantara
    """
    )
)
