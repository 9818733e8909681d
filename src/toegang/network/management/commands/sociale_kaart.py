"""manage.py sociale_kaart import FILE --gemeente CODE [--formaat json|csv] | export --gemeente CODE
[--formaat json|csv] [--out FILE]: exchange the social map in Open Referral HSDS 3.0, as JSON (a list of
service objects) or as CSV (a ZIP with one CSV file per HSDS table and a datapackage.json). Problems go to
stderr, one line each, and the command then exits non-zero."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from toegang.accounts.models import Municipality
from toegang.network import socialmap, socialmap_csv

FORMATS = ("json", "csv")


class Command(BaseCommand):
    help = (
        "Sociale kaart in HSDS 3.0 (JSON of CSV in een ZIP-bestand): "
        "'import BESTAND --gemeente CODE' of 'export --gemeente CODE'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        read = sub.add_parser("import", help="Lees diensten in (alles of niets).")
        read.add_argument("file")
        read.add_argument("--gemeente", required=True, help="CBS-code van de gemeente")
        read.add_argument("--formaat", choices=FORMATS, default="json", help="json (standaard) of csv (ZIP)")
        write = sub.add_parser("export", help="Schrijf de diensten van een gemeente.")
        write.add_argument("--gemeente", required=True, help="CBS-code van de gemeente")
        write.add_argument("--formaat", choices=FORMATS, default="json", help="json (standaard) of csv (ZIP)")
        write.add_argument("--out", default="-", help="Bestand (standaard: het scherm; bij csv verplicht)")

    def fail(self, lines: list[str], code: int = 1) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        sys.exit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action not in ("import", "export"):
            self.fail(["sociale_kaart: kies 'import BESTAND --gemeente CODE' of 'export --gemeente CODE'."], 2)
        municipality = Municipality.objects.filter(code=options["gemeente"]).first()
        if municipality is None:
            self.fail([f"--gemeente: {options['gemeente']} is geen gemeente van deze Toegang."], 2)
        csv_form = options["formaat"] == "csv"
        if action == "export":
            self.export(municipality, csv_form=csv_form, out=options["out"])
            return
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            self.fail([f"bestand: {options['file']} kan niet worden gelezen ({error.strerror})."])
        result = socialmap_csv.import_zip(data, municipality) if csv_form else socialmap.import_hsds(data, municipality)
        if result.errors:
            self.fail([*result.errors, f"{len(result.errors)} fout(en): er is niets ingelezen."])
        self.stdout.write(f"{result.created} dienst(en) toegevoegd, {result.updated} bijgewerkt.")

    def export(self, municipality: Municipality, *, csv_form: bool, out: str) -> None:
        if csv_form and out == "-":
            self.fail(["--out: geef een bestand op; de CSV-vorm is een ZIP-bestand."], 2)
        try:
            if csv_form:
                Path(out).write_bytes(socialmap_csv.export_zip(municipality))
            else:
                text = json.dumps(socialmap.export(municipality), ensure_ascii=False, indent=2)
                if out == "-":
                    self.stdout.write(text)
                    return
                Path(out).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            self.fail([f"--out: {out} kan niet worden geschreven ({error.strerror})."])
        self.stdout.write(f"Sociale kaart van {municipality.name} geschreven naar {out}.")
