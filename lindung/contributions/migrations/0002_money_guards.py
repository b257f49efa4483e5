"""Approved bills and recorded payments are guarded by the database itself, so no path
(the ORM, a queryset update, raw SQL, the admin, a script) can change them:

- an approved bill can be neither updated nor deleted; its lines can be neither added,
  updated nor deleted (a draft's can: drafts are made again until approved);
- a payment can be voided once (voided_at, voided_by, void_reason set together) and
  otherwise never changes; payments and their allocations are never deleted or re-pointed.
On PostgreSQL TRUNCATE of these tables is refused as long as an approved bill or a payment
exists (statement triggers see no rows, so they ask the table).
"""

from django.db import migrations

MESSAGE_BILL = "tagihan yang sudah disetujui tidak boleh diubah"
MESSAGE_PAYMENT = "pembayaran yang sudah dicatat tidak boleh diubah"
MESSAGE_REFERENCE = "baris tagihan menunjuk peserta atau desa yang tidak ada"

_PAYMENT_FIXED = (
    "programme_id",
    "budget_line_id",
    "sp2d_number",
    "sp2d_date",
    "amount",
    "note",
    "created_by_id",
    "created_at",
)


def _payment_changed(old: str, new: str) -> str:
    return " OR ".join(f"{new}.{c} IS NOT {old}.{c}" for c in _PAYMENT_FIXED)


def _line_bill_approved(row: str) -> str:
    return (
        f"(SELECT status FROM contributions_bill WHERE id = {row}.bill_id) = 'approved'"
    )


SQLITE = [
    f"""CREATE TRIGGER bill_approved_no_update BEFORE UPDATE ON contributions_bill
        WHEN OLD.status = 'approved'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_BILL}'); END""",
    f"""CREATE TRIGGER bill_approved_no_delete BEFORE DELETE ON contributions_bill
        WHEN OLD.status = 'approved'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_BILL}'); END""",
    f"""CREATE TRIGGER bill_line_no_insert BEFORE INSERT ON contributions_billline
        WHEN {_line_bill_approved("NEW")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_BILL}'); END""",
    f"""CREATE TRIGGER bill_line_references BEFORE INSERT ON contributions_billline
        WHEN NOT EXISTS (SELECT 1 FROM membership_membership WHERE id = NEW.membership_id)
          OR NOT EXISTS (SELECT 1 FROM regions_region WHERE code = NEW.village_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_REFERENCE}'); END""",
    f"""CREATE TRIGGER bill_line_no_update BEFORE UPDATE ON contributions_billline
        WHEN {_line_bill_approved("OLD")} OR {_line_bill_approved("NEW")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_BILL}'); END""",
    f"""CREATE TRIGGER bill_line_no_delete BEFORE DELETE ON contributions_billline
        WHEN {_line_bill_approved("OLD")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_BILL}'); END""",
    f"""CREATE TRIGGER payment_no_change BEFORE UPDATE ON contributions_payment
        WHEN OLD.voided_at IS NOT NULL OR {_payment_changed("OLD", "NEW")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_PAYMENT}'); END""",
    f"""CREATE TRIGGER payment_no_delete BEFORE DELETE ON contributions_payment
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_PAYMENT}'); END""",
    f"""CREATE TRIGGER allocation_no_update BEFORE UPDATE ON contributions_paymentallocation
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_PAYMENT}'); END""",
    f"""CREATE TRIGGER allocation_no_delete BEFORE DELETE ON contributions_paymentallocation
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_PAYMENT}'); END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "bill_approved_no_update",
        "bill_approved_no_delete",
        "bill_line_no_insert",
        "bill_line_references",
        "bill_line_no_update",
        "bill_line_no_delete",
        "payment_no_change",
        "payment_no_delete",
        "allocation_no_update",
        "allocation_no_delete",
    )
]

POSTGRES = [
    f"""CREATE FUNCTION contributions_bill_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'TRUNCATE' THEN
            IF EXISTS (SELECT 1 FROM contributions_bill WHERE status = 'approved') THEN
              RAISE EXCEPTION '{MESSAGE_BILL}';
            END IF;
            RETURN NULL;
          END IF;
          IF OLD.status = 'approved' THEN RAISE EXCEPTION '{MESSAGE_BILL}'; END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$""",
    """CREATE TRIGGER bill_approved_guard BEFORE UPDATE OR DELETE ON contributions_bill
        FOR EACH ROW EXECUTE FUNCTION contributions_bill_guard()""",
    """CREATE TRIGGER bill_approved_no_truncate BEFORE TRUNCATE ON contributions_bill
        FOR EACH STATEMENT EXECUTE FUNCTION contributions_bill_guard()""",
    # A bill's lines arrive by the million in one COPY: each statement is checked once,
    # set-based, over its transition tables (the bill's status, and that every member
    # and village exists - the foreign keys these replace would check row by row).
    f"""CREATE FUNCTION contributions_bill_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM contributions_bill WHERE status = 'approved') THEN
            RAISE EXCEPTION '{MESSAGE_BILL}';
          END IF;
          RETURN NULL;
        END $$""",
    f"""CREATE FUNCTION contributions_bill_line_old_guard() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (
               SELECT 1 FROM (SELECT DISTINCT bill_id FROM old_lines) o
               JOIN contributions_bill b ON b.id = o.bill_id WHERE b.status = 'approved') THEN
            RAISE EXCEPTION '{MESSAGE_BILL}';
          END IF;
          RETURN NULL;
        END $$""",
    f"""CREATE FUNCTION contributions_bill_line_new_guard() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (
               SELECT 1 FROM (SELECT DISTINCT bill_id FROM new_lines) n
               JOIN contributions_bill b ON b.id = n.bill_id WHERE b.status = 'approved') THEN
            RAISE EXCEPTION '{MESSAGE_BILL}';
          END IF;
          IF EXISTS (
               SELECT 1 FROM new_lines n
               LEFT JOIN membership_membership m ON m.id = n.membership_id
               WHERE m.id IS NULL) OR EXISTS (
               SELECT 1 FROM (SELECT DISTINCT village_id FROM new_lines) n
               LEFT JOIN regions_region r ON r.code = n.village_id
               WHERE r.code IS NULL) THEN
            RAISE EXCEPTION '{MESSAGE_REFERENCE}';
          END IF;
          RETURN NULL;
        END $$""",
    """CREATE TRIGGER bill_line_insert_guard AFTER INSERT ON contributions_billline
        REFERENCING NEW TABLE AS new_lines
        FOR EACH STATEMENT EXECUTE FUNCTION contributions_bill_line_new_guard()""",
    """CREATE TRIGGER bill_line_update_old_guard AFTER UPDATE ON contributions_billline
        REFERENCING OLD TABLE AS old_lines
        FOR EACH STATEMENT EXECUTE FUNCTION contributions_bill_line_old_guard()""",
    """CREATE TRIGGER bill_line_update_new_guard AFTER UPDATE ON contributions_billline
        REFERENCING NEW TABLE AS new_lines
        FOR EACH STATEMENT EXECUTE FUNCTION contributions_bill_line_new_guard()""",
    """CREATE TRIGGER bill_line_delete_guard AFTER DELETE ON contributions_billline
        REFERENCING OLD TABLE AS old_lines
        FOR EACH STATEMENT EXECUTE FUNCTION contributions_bill_line_old_guard()""",
    """CREATE TRIGGER bill_line_no_truncate BEFORE TRUNCATE ON contributions_billline
        FOR EACH STATEMENT EXECUTE FUNCTION contributions_bill_line_guard()""",
    f"""CREATE FUNCTION contributions_payment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'TRUNCATE' THEN
            IF EXISTS (SELECT 1 FROM contributions_payment) THEN
              RAISE EXCEPTION '{MESSAGE_PAYMENT}';
            END IF;
            RETURN NULL;
          END IF;
          IF TG_OP = 'DELETE' OR TG_TABLE_NAME = 'contributions_paymentallocation' THEN
            RAISE EXCEPTION '{MESSAGE_PAYMENT}';
          END IF;
          IF OLD.voided_at IS NOT NULL OR {_payment_changed("OLD", "NEW").replace(" IS NOT ", " IS DISTINCT FROM ")} THEN
            RAISE EXCEPTION '{MESSAGE_PAYMENT}';
          END IF;
          RETURN NEW;
        END $$""",
    """CREATE TRIGGER payment_guard BEFORE UPDATE OR DELETE ON contributions_payment
        FOR EACH ROW EXECUTE FUNCTION contributions_payment_guard()""",
    """CREATE TRIGGER payment_no_truncate BEFORE TRUNCATE ON contributions_payment
        FOR EACH STATEMENT EXECUTE FUNCTION contributions_payment_guard()""",
    """CREATE TRIGGER allocation_guard BEFORE UPDATE OR DELETE ON contributions_paymentallocation
        FOR EACH ROW EXECUTE FUNCTION contributions_payment_guard()""",
    """CREATE TRIGGER allocation_no_truncate BEFORE TRUNCATE ON contributions_paymentallocation
        FOR EACH STATEMENT EXECUTE FUNCTION contributions_payment_guard()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS allocation_no_truncate ON contributions_paymentallocation",
    "DROP TRIGGER IF EXISTS allocation_guard ON contributions_paymentallocation",
    "DROP TRIGGER IF EXISTS payment_no_truncate ON contributions_payment",
    "DROP TRIGGER IF EXISTS payment_guard ON contributions_payment",
    "DROP FUNCTION IF EXISTS contributions_payment_guard()",
    "DROP TRIGGER IF EXISTS bill_line_no_truncate ON contributions_billline",
    "DROP TRIGGER IF EXISTS bill_line_delete_guard ON contributions_billline",
    "DROP TRIGGER IF EXISTS bill_line_update_new_guard ON contributions_billline",
    "DROP TRIGGER IF EXISTS bill_line_update_old_guard ON contributions_billline",
    "DROP TRIGGER IF EXISTS bill_line_insert_guard ON contributions_billline",
    "DROP FUNCTION IF EXISTS contributions_bill_line_new_guard()",
    "DROP FUNCTION IF EXISTS contributions_bill_line_old_guard()",
    "DROP FUNCTION IF EXISTS contributions_bill_line_guard()",
    "DROP TRIGGER IF EXISTS bill_approved_no_truncate ON contributions_bill",
    "DROP TRIGGER IF EXISTS bill_approved_guard ON contributions_bill",
    "DROP FUNCTION IF EXISTS contributions_bill_guard()",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
