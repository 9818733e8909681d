"""manage.py zgw controleren | registreren (docs/zgw.md).

- ``controleren [--gemeente CODE] [--verbinding]``: check the configuration of every municipality (or one),
  naming each field that is wrong or missing; with --verbinding also ask each service whether it answers.
  Exits 1 when something is wrong.
- ``registreren [--seconden N]``: send the registrations that are due (cron every minute when no Celery
  beat runs; safe next to the worker). Prints one line with the counts."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.zgw import checks, registration
from toegang.zgw.models import Configuration


class Command(BaseCommand):
    help = "ZGW-registratie: 'controleren' toetst de instellingen, 'registreren' verstuurt wat klaarstaat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["controleren", "registreren"])
        parser.add_argument("--gemeente", help="CBS-gemeentecode (controleren): alleen deze gemeente.")
        parser.add_argument("--verbinding", action="store_true", help="Controleren: vraag ook elke service.")
        parser.add_argument("--seconden", type=float, default=50, help="Registreren: stop na zoveel seconden.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "registreren":
            if options["seconden"] <= 0:
                self.stderr.write("zgw: --seconden moet groter dan 0 zijn.")
                sys.exit(2)
            done = registration.register_due(max_seconds=options["seconden"])
            self.stdout.write(
                f"ZGW-registratie: {done.registered} geregistreerd, {done.failed} mislukt (volgt opnieuw), "
                f"{done.given_up} opgegeven, {done.deferred} wachten op hun zaak."
            )
            return
        configs = Configuration.objects.select_related("municipality", "zaken_service", "besluiten_service")
        if options["gemeente"]:
            configs = configs.filter(municipality__code=options["gemeente"])
            if not configs.exists():
                self.stderr.write(f"zgw: geen ZGW-instelling voor gemeente {options['gemeente']}.")
                sys.exit(1)
        wrong = 0
        for config in configs.order_by("municipality__code"):
            found = checks.problems(config)
            if options["verbinding"]:
                found += checks.connection_problems(config)
            state = "aan" if config.active else "uit"
            if found:
                wrong += 1
                self.stdout.write(f"{config.municipality.code} {config.municipality.name} (registratie {state}):")
                for line in found:
                    self.stdout.write(f"  - {line}")
            else:
                self.stdout.write(
                    f"{config.municipality.code} {config.municipality.name} (registratie {state}): in orde."
                )
        if wrong:
            self.stderr.write(f"zgw: {wrong} gemeente(n) met fouten in de ZGW-instellingen.")
            sys.exit(1)
