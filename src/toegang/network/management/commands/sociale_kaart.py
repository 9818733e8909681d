"""manage.py sociale_kaart import FILE --gemeente CODE | export --gemeente CODE [--out FILE]: exchange the
social map in the Open Referral HSDS 3.0 JSON format."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.accounts.models import Municipality
from toegang.network import socialmap


class Command(BaseCommand):
    help = "Sociale kaart in HSDS 3.0 (JSON): 'import BESTAND --gemeente CODE' of 'export --gemeente CODE'."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        read = sub.add_parser("import", help="Lees diensten in (alles of niets).")
        read.add_argument("file")
        read.add_argument("--gemeente", required=True, help="CBS-code van de gemeente")
        write = sub.add_parser("export", help="Schrijf de diensten van een gemeente.")
        write.add_argument("--gemeente", required=True, help="CBS-code van de gemeente")
        write.add_argument("--out", default="-", help="Bestand (standaard: het scherm)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action not in ("import", "export"):
            self.stderr.write("sociale_kaart: kies 'import BESTAND --gemeente CODE' of 'export --gemeente CODE'.")
            sys.exit(2)
        municipality = Municipality.objects.filter(code=options["gemeente"]).first()
        if municipality is None:
            self.stderr.write(f"--gemeente: {options['gemeente']} is geen gemeente van deze Toegang.")
            sys.exit(2)
        if action == "export":
            text = json.dumps(socialmap.export(municipality), ensure_ascii=False, indent=2)
            if options["out"] == "-":
                self.stdout.write(text)
            else:
                Path(options["out"]).write_text(text + "\n", encoding="utf-8")
                self.stdout.write(f"Sociale kaart van {municipality.name} geschreven naar {options['out']}.")
            return
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            self.stderr.write(f"bestand: {options['file']} kan niet worden gelezen ({error.strerror}).")
            sys.exit(1)
        result = socialmap.import_hsds(data, municipality)
        for problem in result.errors:
            self.stdout.write(problem)
        if result.errors:
            self.stdout.write(f"{len(result.errors)} fout(en): er is niets ingelezen.")
            sys.exit(1)
        self.stdout.write(f"{result.created} dienst(en) toegevoegd, {result.updated} bijgewerkt.")
