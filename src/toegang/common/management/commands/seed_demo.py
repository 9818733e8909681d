"""manage.py seed_demo --size XS|S|M|L --seed N: load the synthetic demo setting into an empty database."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from toegang.common import demo
from toegang.people.models import Household


def _size(value: str) -> str:
    size = value.strip().upper()
    if size not in demo.SIZES:
        raise argparse.ArgumentTypeError(f"onbekende grootte '{value}'; kies uit {', '.join(demo.SIZES)}.")
    return size


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ongeldige datum '{value}'; gebruik JJJJ-MM-DD.") from None


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Laadt een synthetische demo-omgeving (twee fictieve gemeenten, teams, huishoudens, meldingen, trajecten "
        "en plannen) in een database zonder huishoudens. Zelfde --seed en --today geven dezelfde gegevens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            type=_size,
            default="S",
            metavar="{XS,S,M,L}",
            help="XS (tests), S (demo, standaard), M (100k inwoners) of L (10 × M).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Startwaarde van de toevalsgenerator (standaard 1).")
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Peildatum JJJJ-MM-DD waarop de gegevens eindigen (standaard vandaag).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Sla over (zonder fout) als de database al huishoudens bevat; toon dan alleen de demo-accounts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = str(options["size"]).upper()
        if size not in demo.SIZES:  # call_command() passes options without argparse
            self.stderr.write(f"seed_demo: onbekende grootte '{options['size']}'; kies uit {', '.join(demo.SIZES)}.")
            sys.exit(2)
        verbose = options["verbosity"] > 0
        big = demo.SIZES[size].households > 20_000

        def progress(done: int, total: int, seconds: float) -> None:
            if verbose and big:
                self.stdout.write(f"  {_number(done)} van {_number(total)} huishoudens ({seconds:.0f} s)")

        if options["if_empty"] and Household.objects.exists():
            self.stdout.write("De database bevat al gegevens; de demogegevens worden niet opnieuw geladen.")
            self._print_accounts()
            return
        try:
            result = demo.seed_demo(size=size, seed=options["seed"], today=options["today"], progress=progress)
        except demo.SeedRefused as refused:
            self.stderr.write(str(refused))
            sys.exit(1)
        with connection.cursor() as cursor:  # fresh statistics: the planner must see the bulk-loaded rows
            # On PostgreSQL outside a transaction also VACUUM: it marks the loaded pages all-visible, so
            # that index-only scans need not visit the table, as after autovacuum in a database in use.
            # Without it the first benchmark after seeding met a database in a state production never
            # stays in, and autovacuum started on the big tables during the measurement.
            vacuum = connection.vendor == "postgresql" and connection.get_autocommit()
            cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
        if not verbose:
            return
        self.stdout.write(f"Demogegevens geladen: grootte {size}, seed {options['seed']}, in {result.seconds:.1f} s.")
        width = max(len(demo.table_label(name)) for name in result.counts)
        for name, count in result.counts.items():
            self.stdout.write(f"  {demo.table_label(name):<{width}}  {_number(count):>10}")
        self._print_accounts()

    def _print_accounts(self) -> None:
        accounts = demo.demo_accounts()
        headers = ("gebruikersnaam", "rol", "organisatie", "team")
        rows = [(u, role, org, team or "—") for u, role, org, team in accounts]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        self.stdout.write("")
        self.stdout.write(f"Demo-accounts (wachtwoord: {demo.DEMO_PASSWORD}):")
        for row in (headers, tuple("-" * w for w in widths), *rows):
            self.stdout.write("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        logins = demo.demo_portal_logins()
        if logins:
            self.stdout.write("")
            self.stdout.write("Portaal voor inwoners (/mijn/, inloggen via de DigiD-simulatie met dit BSN):")
            for bsn, what in logins:
                self.stdout.write(f"  {bsn}  {what}")
