"""manage.py restore --uit MAP: a backup back into a new, empty database and document folder, checked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.common import backup


class Command(BaseCommand):
    help = (
        "Zet een backup van 'backup' terug in een nieuwe, lege database en een lege documentenmap, en "
        "controleert daarna rijen per tabel, documenten en de keten van het auditlogboek."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--uit", required=True, type=Path, help="De map met de backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check = backup.restore(options["uit"])
        except (backup.BackupError, OSError) as error:
            self.stderr.write(f"restore: {error}")
            sys.exit(1)
        if not check.ok:
            for difference in check.differences:
                self.stderr.write(f"restore: {difference}")
            sys.exit(1)
        self.stdout.write(
            f"restore: teruggezet en gecontroleerd; tabellen en documenten gelijk aan de backup, "
            f"auditketen in orde ({check.audit_checked} logregels)."
        )
