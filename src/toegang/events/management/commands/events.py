"""manage.py events afleveren: the delivery round (docs/events.md): new events become deliveries and every
due delivery is sent, retried or given up. Run it every minute from cron when no Celery beat runs; it
is safe next to the worker (claimed batches are locked and leased). Prints one line with the counts."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.events import delivery


class Command(BaseCommand):
    help = "Gebeurtenissen: 'afleveren' verstuurt de gebeurtenissen die klaarstaan naar de abonnementen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["afleveren"])
        parser.add_argument(
            "--seconden",
            type=float,
            default=50,
            help="Stop na zoveel seconden (standaard 50; de volgende ronde gaat door).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seconden"] <= 0:
            self.stderr.write("events: --seconden moet groter dan 0 zijn.")
            sys.exit(2)
        done = delivery.deliver_due(max_seconds=options["seconden"])
        self.stdout.write(
            f"Gebeurtenissen: {done.delivered} afgeleverd, {done.failed} mislukt (volgt opnieuw), "
            f"{done.given_up} opgegeven, {done.deferred} uitgesteld."
        )
