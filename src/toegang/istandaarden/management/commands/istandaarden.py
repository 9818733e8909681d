"""manage.py istandaarden export --out DIR: write the pending outgoing iWmo/iJw messages as files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.istandaarden import services


class Command(BaseCommand):
    help = "iWmo/iJw-berichten uitwisselen: 'export --out MAP' schrijft de klaarstaande berichten weg."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        export = sub.add_parser("export", help="Schrijf elk klaarstaand bericht als <BERICHT>_<id>.xml.")
        export.add_argument("--out", required=True, help="De map waarin de berichten komen.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("action") != "export":
            self.stderr.write("istandaarden: kies 'export --out MAP'.")
            sys.exit(2)
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            self.stderr.write(f"--out: {out} is geen map.")
            sys.exit(2)
        written = services.export_pending(out=out)
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(f"{len(written)} bericht(en) weggeschreven naar {out}.")
