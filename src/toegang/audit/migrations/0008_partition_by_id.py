"""PostgreSQL: the audit log in partitions by ranges of id (ADR 0013, audit/partitions.py). The entries and
their subjects are copied into partitioned tables with the same columns, indexes, constraints and append-
only triggers, and the same sequences go on. SQLite (the embedded default) keeps its tables as they are.

Not reversible in place: going back to a migration before this one keeps the partitioned tables, which
behave the same for everything before it."""

from django.conf import settings
from django.db import migrations

ENTRY_COLUMNS = (
    "id, at, actor_name, organisation_name, role, on_behalf_of, action, object_type, object_id, detail, "
    "legal_basis, emergency, chain_hash, actor_id"
)


def names(cursor, introspection, table):
    """The names Django gave the table's primary key, indexes and constraints, by what they cover."""
    found = {}
    for name, info in introspection.get_constraints(cursor, table).items():
        if info["primary_key"]:
            found["pk"] = name
        elif info["foreign_key"]:
            found["fk:" + ",".join(info["columns"])] = name
        elif info["unique"]:
            found["unique:" + ",".join(info["columns"])] = name
        elif info["index"]:
            found["index:" + ",".join(info["columns"])] = name
    return found


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    size = settings.AUDIT_PARTITION_SIZE
    with connection.cursor() as cursor:
        entry = names(cursor, connection.introspection, "audit_auditentry")
        subject = names(cursor, connection.introspection, "audit_auditsubject")
        cursor.execute("LOCK TABLE audit_auditentry, audit_auditsubject IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SELECT last_value FROM audit_auditentry_id_seq")
        entry_seq = cursor.fetchone()[0]
        cursor.execute("SELECT last_value FROM audit_auditsubject_id_seq")
        subject_seq = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(min(id), 1) FROM audit_auditentry")
        lowest = cursor.fetchone()[0]
        for table in ("audit_auditentry", "audit_auditsubject"):
            cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_old")
        cursor.execute(
            """
            CREATE TABLE audit_auditentry (
                id bigint NOT NULL, at timestamptz NOT NULL, actor_name varchar(150) NOT NULL,
                organisation_name varchar(150) NOT NULL, role varchar(20) NOT NULL,
                on_behalf_of varchar(150) NOT NULL, action varchar(12) NOT NULL,
                object_type varchar(50) NOT NULL, object_id varchar(50) NOT NULL, detail varchar(300) NOT NULL,
                legal_basis varchar(150) NOT NULL, emergency boolean NOT NULL, chain_hash varchar(64) NOT NULL,
                actor_id bigint
            ) PARTITION BY RANGE (id);
            CREATE TABLE audit_auditsubject (
                id bigint NOT NULL, person_id bigint NOT NULL, entry_id bigint NOT NULL
            ) PARTITION BY RANGE (entry_id);
            """
        )
        top = (max(entry_seq, lowest) // size + 1 + settings.AUDIT_PARTITIONS_AHEAD) * size
        lower = lowest // size * size
        while lower < top:
            for table in ("audit_auditentry", "audit_auditsubject"):
                cursor.execute(
                    f"CREATE TABLE {table}_p{lower} PARTITION OF {table} FOR VALUES FROM ({lower}) TO ({lower + size})"
                )
            lower += size
        cursor.execute(
            f"INSERT INTO audit_auditentry ({ENTRY_COLUMNS}) SELECT {ENTRY_COLUMNS} FROM audit_auditentry_old"
        )
        cursor.execute(
            "INSERT INTO audit_auditsubject (id, person_id, entry_id) "
            "SELECT id, person_id, entry_id FROM audit_auditsubject_old"
        )
        cursor.execute("DROP TABLE audit_auditentry_old, audit_auditsubject_old")  # with their sequences
        for table, last in (("audit_auditentry", entry_seq), ("audit_auditsubject", subject_seq)):
            cursor.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
            cursor.execute(f"SELECT setval('{table}_id_seq', %s)", [last])
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
        cursor.execute(
            f"""
            ALTER TABLE audit_auditentry ADD CONSTRAINT "{entry["pk"]}" PRIMARY KEY (id);
            CREATE INDEX "{entry["index:at"]}" ON audit_auditentry (at);
            CREATE INDEX "{entry["index:actor_id,at"]}" ON audit_auditentry (actor_id, at DESC);
            ALTER TABLE audit_auditentry ADD CONSTRAINT "{entry["fk:actor_id"]}" FOREIGN KEY (actor_id)
                REFERENCES accounts_user (id) DEFERRABLE INITIALLY DEFERRED;
            ALTER TABLE audit_auditsubject ADD CONSTRAINT "{subject["pk"]}" PRIMARY KEY (id, entry_id);
            ALTER TABLE audit_auditsubject ADD CONSTRAINT "{subject["unique:entry_id,person_id"]}"
                UNIQUE (entry_id, person_id);
            CREATE INDEX "{subject["index:person_id"]}" ON audit_auditsubject (person_id);
            CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
                FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
            CREATE TRIGGER audit_auditsubject_append_only BEFORE UPDATE OR DELETE ON audit_auditsubject
                FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
            """
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_subject_without_fk_check")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
