"""manage.py sturing verversen [--van JJJJ-MM-DD] [--tot JJJJ-MM-DD] [--dagen N]: rewrite the summary
table the dashboards read for a range of days (default: the last 35 days up to today, which a daily
run from the scheduler keeps current, late registrations included).

manage.py sturing opruimen: remove the background exports (and their files) older than EXPORT_KEEP_DAYS
and mark those whose worker stopped as failed; daily, with the refresh."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.common.dates import today
from toegang.steering import exports, summaries


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(value) from None


class Command(BaseCommand):
    help = (
        "Sturing: 'verversen' herberekent de samenvattingen (feiten per dag) voor een reeks dagen; 'opruimen' "
        "verwijdert tijdreeksexports die ouder zijn dan een week, met hun bestanden."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verversen", "opruimen"])
        parser.add_argument("--van", help="Eerste dag (JJJJ-MM-DD).")
        parser.add_argument("--tot", help="Laatste dag (JJJJ-MM-DD); standaard vandaag.")
        parser.add_argument("--dagen", type=int, default=35, help="Zonder --van: zoveel dagen terug (standaard 35).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "opruimen":
            done = exports.remove_old()
            self.stdout.write(
                f"Exports opgeruimd: {done.exports} verwijderd, {done.files} bestanden weg, "
                f"{done.abandoned} afgebroken als mislukt gemarkeerd."
            )
            return
        try:
            last = _day(options["tot"]) if options["tot"] else today()
        except ValueError:
            self.stderr.write("sturing: --tot is geen datum (JJJJ-MM-DD).")
            sys.exit(2)
        try:
            first = _day(options["van"]) if options["van"] else last - dt.timedelta(days=options["dagen"] - 1)
        except ValueError:
            self.stderr.write("sturing: --van is geen datum (JJJJ-MM-DD).")
            sys.exit(2)
        if options["dagen"] < 1:
            self.stderr.write("sturing: --dagen moet minstens 1 zijn.")
            sys.exit(2)
        if last < first:
            self.stderr.write("sturing: --van ligt na --tot.")
            sys.exit(2)
        result = summaries.refresh(first=first, last=last)
        self.stdout.write(
            f"Samenvattingen herberekend voor {first:%d-%m-%Y} t/m {last:%d-%m-%Y}: {result.facts} feiten "
            f"in {result.seconds:.1f} s."
        )
