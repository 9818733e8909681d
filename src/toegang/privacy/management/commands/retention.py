"""manage.py retention run [--execute]: list (default) or destroy the dossiers and signals whose term has
passed, and the document files that never got their database row."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from toegang.audit import partitions as audit_partitions
from toegang.audit import retention as audit_retention
from toegang.cases import documents
from toegang.common.dates import today
from toegang.privacy import retention


class Command(BaseCommand):
    help = (
        "Bewaartermijnen: 'run' toont welke afgesloten dossiers en meldingen zonder traject vernietigd mogen "
        "worden en hoeveel losse bestanden zonder document er zijn (proefdraaien); met --execute worden ze "
        "in batches vernietigd en komt er een regel in het vernietigingsregister."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["run"])
        parser.add_argument("--execute", action="store_true", help="Echt vernietigen (standaard: alleen tonen).")
        parser.add_argument(
            "--batch", type=int, default=100, help="Dossiers of meldingen per transactie (standaard 100)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            self.stderr.write("retention: --batch moet minstens 1 zijn.")
            sys.exit(2)
        day = today()
        if not options["execute"]:
            per_rule = Counter(t.retention_rule.code if t.retention_rule else "?" for t in retention.due(on=day))
            total = sum(per_rule.values())
            self.stdout.write(f"Proefdraaien: {total} dossiers mogen vernietigd worden (niets gewijzigd).")
            for code, count in sorted(per_rule.items()):
                self.stdout.write(f"  {code}: {count}")
            signals = retention.signals_due(on=day).count()
            self.stdout.write(f"Meldingen zonder traject: {signals} mogen vernietigd worden.")
            self.stdout.write(f"Losse bestanden zonder document: {len(documents.orphan_files())}.")
            self.stdout.write(f"Logboek: {audit_retention.due_count()} logregels ouder dan de bewaartermijn.")
            return
        failed = self._audit_partitions()  # first: the run itself writes audit rows
        result = retention.run(on=day, batch_size=options["batch"])
        total = sum(result.destroyed.values())
        self.stdout.write(
            f"Vernietigd: {total} dossiers in {result.batches} batches; vastgelegd in het vernietigingsregister."
        )
        for code, count in sorted(result.destroyed.items()):
            self.stdout.write(f"  {code}: {count}")
        self.stdout.write(f"Meldingen zonder traject vernietigd: {result.signals} in {result.signal_batches} batches.")
        self.stdout.write(f"Losse bestanden zonder document verwijderd: {result.files}.")
        self.stdout.write(f"Logboek: {audit_retention.prune()} logregels verwijderd na hun bewaartermijn.")
        if failed:
            sys.exit(1)

    def _audit_partitions(self) -> bool:
        """PostgreSQL: this run has the owner's rights that new audit partitions need (audit/partitions.py).
        Returns whether that failed; the rest of the run goes on."""
        if not audit_partitions.partitioned():
            return False
        try:
            created = audit_partitions.ensure()
        except DatabaseError as error:
            self.stderr.write(f"Logboek: partities vooruit aanmaken mislukt ({str(error).strip()}).")
            return True
        self.stdout.write(
            f"Logboek: {len(created) // 2} partities vooruit aangemaakt; "
            f"ruimte voor nog {audit_partitions.room()} logregels."
        )
        return False
