# The ledger's two checks at COMMIT (every entry balances per currency, every entry has
# postings) as plain deferred constraint triggers. pgtrigger wraps each call in a read of the
# `pgtrigger.ignore` setting inside an exception block: a subtransaction per posting, more than
# half of the check's cost, for a switch these checks must never have. Same bodies, same
# messages and error codes, still per row and DEFERRABLE INITIALLY DEFERRED. PostgreSQL only.

import pgtrigger.migrations
from django.db import migrations

CREATE = """
CREATE FUNCTION ledger_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM payments_posting
        WHERE entry_id = NEW.entry_id
        GROUP BY currency
        HAVING SUM(amount) <> 0
    ) THEN
        RAISE EXCEPTION 'ledger: entry % does not balance in every currency', NEW.entry_id
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER ledger_entry_balances
    AFTER INSERT ON payments_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_balances();

CREATE FUNCTION ledger_entry_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM payments_posting WHERE entry_id = NEW.id) THEN
        RAISE EXCEPTION 'ledger: entry % has no postings', NEW.id
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER ledger_entry_has_postings
    AFTER INSERT ON payments_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_has_postings();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_entry_balances ON payments_posting;
DROP FUNCTION IF EXISTS ledger_entry_balances();
DROP TRIGGER IF EXISTS ledger_entry_has_postings ON payments_entry;
DROP FUNCTION IF EXISTS ledger_entry_has_postings();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no %-interpolation of RAISE texts

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_payouts_settlements'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='entry',
            name='entry_has_postings',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='posting',
            name='entry_balances',
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
