"""manage.py verwijzingen herinneren: one reminder for every referral whose receiving side is late with
its next step (answer, start or feedback). Run daily from the scheduler (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.common.dates import today
from toegang.network import referrals


class Command(BaseCommand):
    help = (
        "Verwijzingen: 'herinneren' stuurt één herinnering per verwijzing waarvan de terugkoppeling te laat is, "
        "aan de ontvangende organisatie en aan wie verwees."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["herinneren"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = referrals.remind(on=today())
        self.stdout.write(f"Herinneringen verstuurd voor {count} verwijzingen.")
