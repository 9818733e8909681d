"""The database is configured as the design says, on whichever engine the suite runs."""

from django.apps import apps
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


def test_every_index_and_constraint_of_the_models_is_in_the_database(db):
    """A migration can drop more than it says: turning off a foreign key's index drops every plain index
    on that column, and Django's state does not notice (cases 0007 once took the partial unique index
    that allows one open trajectory per household with it, on PostgreSQL only)."""
    missing, checked = [], 0
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model.__module__.startswith("toegang.") or not model._meta.managed:
                continue
            present = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for declared in [*model._meta.indexes, *model._meta.constraints]:
                checked += 1
                if declared.name not in present:
                    missing.append(f"{model._meta.db_table}.{declared.name}")
    assert checked > 50
    assert missing == []
