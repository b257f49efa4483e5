"""Seed the informal occupations named in DOMAIN.md; on PostgreSQL, refuse overlapping rate
periods and proposal periods in the database too (SQLite cannot express it: the services
check under a row lock on both)."""

from django.db import migrations

OCCUPATIONS = [
    ("Petani", "agriculture", "petani, bertani"),
    ("Pekebun", "agriculture", "pekebun, berkebun"),
    ("Buruh tani", "agriculture", "buruh tani, buruh kebun"),
    ("Peternak", "agriculture", "peternak"),
    ("Nelayan", "fisheries", "nelayan, nelayan/perikanan"),
    ("Ojek/pengemudi", "transport", "ojek, ojol, sopir, supir, pengemudi"),
    ("Tukang becak", "transport", "tukang becak, becak"),
    ("Pedagang keliling", "trade", "pedagang keliling"),
    ("Pedagang kecil/UMKM", "trade", "pedagang kecil, pedagang, umkm"),
    ("Pemulung", "services", "pemulung"),
    ("Juru parkir", "services", "juru parkir, tukang parkir"),
    ("Buruh harian lepas", "other", "buruh harian lepas, bhl"),
    (
        "Marbot/guru ngaji/pekerja sosial keagamaan",
        "religious_social",
        "marbot, guru ngaji, pekerja sosial keagamaan",
    ),
    ("Ketua RT", "religious_social", "ketua rt"),
    ("Jurnalis", "services", "jurnalis, wartawan"),
    ("Atlet", "other", "atlet, olahragawan"),
]

POSTGRES_FORWARD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE programs_rateschedule ADD CONSTRAINT rate_periods_do_not_overlap
    EXCLUDE USING gist (
        programme_id WITH =,
        benefit WITH =,
        int8range(income_from, income_to, '[]') WITH &&,
        daterange(valid_from, valid_to, '[]') WITH &&
    );
ALTER TABLE programs_proposalperiod ADD CONSTRAINT proposal_periods_do_not_overlap
    EXCLUDE USING gist (
        programme_id WITH =,
        daterange(opens_on, closes_on, '[]') WITH &&
    );
"""
POSTGRES_BACKWARD = """
ALTER TABLE programs_rateschedule DROP CONSTRAINT IF EXISTS rate_periods_do_not_overlap;
ALTER TABLE programs_proposalperiod DROP CONSTRAINT IF EXISTS proposal_periods_do_not_overlap;
"""


def seed_occupations(apps, schema_editor):
    Occupation = apps.get_model("programs", "Occupation")
    for name, sector, keywords in OCCUPATIONS:
        Occupation.objects.get_or_create(
            name=name, defaults={"sector": sector, "keywords": keywords}
        )


def postgres_constraints(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in filter(str.strip, sql.split(";")):
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [
        migrations.RunPython(seed_occupations, migrations.RunPython.noop),
        migrations.RunPython(
            postgres_constraints(POSTGRES_FORWARD), postgres_constraints(POSTGRES_BACKWARD)
        ),
    ]
