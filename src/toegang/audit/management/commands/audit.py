"""manage.py audit verify: check the audit log's chain and report the first broken link.
manage.py audit partities: make the log's partitions ahead (PostgreSQL) and report the room left."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from toegang.audit import chain, partitions


class Command(BaseCommand):
    help = (
        "Het auditlogboek. 'verify' rekent de keten na en meldt de eerste verbroken schakel; 'partities' maakt "
        "de partities van het logboek vooruit aan (PostgreSQL) en meldt hoeveel logregels er nog in passen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "subcommand",
            choices=["verify", "partities"],
            help="verify: controleer de keten van logregels; partities: maak partities vooruit aan.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "partities":
            self._partitions()
            return
        verdict = chain.verify()
        if verdict.broken_at is not None:
            self.stderr.write(
                f"audit verify: keten verbroken bij logregel {verdict.broken_at} ({verdict.reason}); "
                f"{verdict.checked} regels daarvoor zijn in orde."
            )
            sys.exit(1)
        self.stdout.write(f"audit verify: keten in orde, {verdict.checked} logregels gecontroleerd.")

    def _partitions(self) -> None:
        if not partitions.partitioned():
            self.stdout.write("audit partities: het logboek is hier niet gepartitioneerd (alleen op PostgreSQL).")
            return
        try:
            created = partitions.ensure()
        except DatabaseError as error:
            self.stderr.write(
                "audit partities: geen partities aangemaakt. Draai dit als eigenaar van de tabellen; wachtte de "
                f"database te lang op een vergrendeling, probeer het dan later opnieuw ({str(error).strip()}). "
                f"Ruimte voor nog {partitions.room()} logregels."
            )
            sys.exit(1)
        existing = partitions.partitions()
        self.stdout.write(
            f"audit partities: {len(created) // 2} nieuw, {len(existing)} in totaal "
            f"(logregels {existing[0].lower} tot {existing[-1].upper}); "
            f"ruimte voor nog {existing[-1].upper - partitions.next_id()} logregels."
        )
