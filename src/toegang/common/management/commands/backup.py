"""manage.py backup --naar MAP: the database and the stored documents, with a manifest (common/backup.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.common import backup


class Command(BaseCommand):
    help = (
        "Maakt een backup van de database en de opgeslagen documenten in een nieuwe map, met een manifest "
        "(rijen per tabel, laatste auditregel, documenten) waarmee 'restore' zichzelf controleert."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--naar", required=True, type=Path, help="Nieuwe (of lege) map voor de backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.backup(options["naar"])
        except (backup.BackupError, OSError) as error:
            self.stderr.write(f"backup: {error}")
            sys.exit(1)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backup: {rows} rijen in {len(manifest['tables'])} tabellen, {len(manifest['documents'])} documenten, "
            f"auditlogboek t/m regel {manifest['audit_head'].get('id', 0)}, in {options['naar']}."
        )
