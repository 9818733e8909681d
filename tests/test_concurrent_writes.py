"""Two processes write to the same dossier at the same time, as two professionals would. On the
embedded default (SQLite: WAL, IMMEDIATE transactions, busy timeout) writers queue instead of failing
with "database is locked"; on PostgreSQL they run side by side. Every write and its audit row land,
and so do the log rows of reads, which outside a transaction take their own (on PostgreSQL pipelined)
path; a log write that fails leaves the connection usable and the chain whole."""

from __future__ import annotations

import subprocess
import sys

from tests.processes import MANAGE, ROOT, separate_database

WRITER = """
import os, sys
import django
sys.path.insert(0, os.path.join(sys.argv[1], "src"))
django.setup()
from django.db import DatabaseError
from toegang.common.dates import today
from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.cases import services
from toegang.cases.models import Trajectory
actor = User.objects.get(username="professional")
trajectory = Trajectory.objects.filter(status="open", regisseur_assignments__professional=actor,
                                       regisseur_assignments__end_date__isnull=True).order_by("pk").first()
for i in range(int(sys.argv[2])):
    services.add_note(actor=actor, trajectory=trajectory, text=f"{sys.argv[3]} {i}", happened_on=today())
    audit.record(actor=actor, action="read", object_type="household", object_id=trajectory.household_id,
                 subjects=[1, 2, i], detail=sys.argv[3])
try:  # a person id beyond bigint: the database refuses the row
    audit.record(actor=actor, action="read", object_type="household", subjects=[2**63], detail=sys.argv[3])
except (DatabaseError, OverflowError):  # SQLite refuses it in the driver
    print("refused")
audit.record(actor=actor, action="read", object_type="household", subjects=[3], detail=sys.argv[3])
print(trajectory.pk)
"""

COUNT = """
import os, sys
import django
sys.path.insert(0, os.path.join(sys.argv[1], "src"))
django.setup()
from toegang.audit.models import AuditEntry
from toegang.cases.models import Note
print(Note.objects.filter(text__startswith="schrijver").count(),
      AuditEntry.objects.filter(object_type="note", action="create").count(),
      AuditEntry.objects.filter(action="read", detail__startswith="schrijver").count())
"""


def test_two_processes_write_notes_at_the_same_time(tmp_path):
    with separate_database(tmp_path, "concurrent") as env:
        before = subprocess.run(
            [sys.executable, "-c", COUNT, str(ROOT)], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.split()
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(ROOT), "40", f"schrijver{n}"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in (1, 2)
        ]
        results = [w.communicate(timeout=120) for w in writers]
        for writer, (_out, err) in zip(writers, results, strict=True):
            assert writer.returncode == 0, err[-2000:]
            assert "database is locked" not in err
        assert results[0][0].split() == results[1][0].split()  # both wrote to the same trajectory
        assert results[0][0].split()[0] == "refused"
        after = subprocess.run(
            [sys.executable, "-c", COUNT, str(ROOT)], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.split()
        assert int(after[0]) - int(before[0]) == 80
        assert int(after[1]) - int(before[1]) == 80
        assert int(after[2]) - int(before[2]) == 2 * (40 + 1)  # the refused row is not there
        verified = subprocess.run([*MANAGE, "audit", "verify"], env=env, cwd=ROOT, capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr
