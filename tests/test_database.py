"""The database is configured as the design says, on whichever engine the suite runs."""

from django.db import connection


def test_engine_settings(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
            assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        else:
            assert connection.vendor == "postgresql"
            cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'btree_gist'")
            assert cursor.fetchone() == ("btree_gist",)
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conname = 'membership_no_overlap' AND contype = 'x'"
            )
            assert cursor.fetchone() == ("membership_no_overlap",)
