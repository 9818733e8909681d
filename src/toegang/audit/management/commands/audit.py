"""manage.py audit verify: check the audit log's chain and report the first broken link."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.audit import chain


class Command(BaseCommand):
    help = "Controleert het auditlogboek. 'verify' rekent de keten na en meldt de eerste verbroken schakel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"], help="verify: controleer de keten van logregels.")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = chain.verify()
        if verdict.broken_at is not None:
            self.stderr.write(
                f"audit verify: keten verbroken bij logregel {verdict.broken_at} ({verdict.reason}); "
                f"{verdict.checked} regels daarvoor zijn in orde."
            )
            sys.exit(1)
        self.stdout.write(f"audit verify: keten in orde, {verdict.checked} logregels gecontroleerd.")
