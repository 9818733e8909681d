"""manage.py istandaarden export --out DIR | import FILE... : exchange iWmo/iJw messages as files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from toegang.istandaarden import inbound, services, transport


class Command(BaseCommand):
    help = (
        "iWmo/iJw-berichten uitwisselen: 'export --out MAP' schrijft de klaarstaande berichten weg; "
        "'import BESTAND...' leest berichten van aanbieders in (één JSON-regel per bestand); 'exchange' doet "
        "beide via het ingestelde transport."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        export = sub.add_parser("export", help="Schrijf elk klaarstaand bericht als <BERICHT>_<id>.xml.")
        export.add_argument("--out", required=True, help="De map waarin de berichten komen.")
        read = sub.add_parser("import", help="Lees berichten van aanbieders in en beantwoord ze.")
        read.add_argument("files", nargs="+", help="De berichtbestanden (XML).")
        read.add_argument(
            "--out",
            default=None,
            help="De map voor de antwoordberichten (standaard: TOEGANG_ISTANDAARDEN_DIR/uit).",
        )
        sub.add_parser(
            "exchange",
            help="Verwerk binnengekomen berichten en verstuur de klaarstaande (het ingestelde transport).",
        )

    def _directory(self, value: str | None) -> Path:
        out = Path(value) if value else Path(settings.ISTANDAARDEN_DIR) / "uit"
        if out.exists() and not out.is_dir():
            self.stderr.write(f"--out: {out} is geen map.")
            sys.exit(2)
        return out

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action == "export":
            out = self._directory(options["out"])
            written = services.export_pending(out=out)
            for path in written:
                self.stdout.write(str(path))
            self.stdout.write(f"{len(written)} bericht(en) weggeschreven naar {out}.")
        elif action == "import":
            out = self._directory(options["out"])
            for name in options["files"]:
                self.stdout.write(inbound.import_file(Path(name), out=out).as_json())
        elif action == "exchange":
            adapter = transport.configured()
            for outcome in adapter.receive():
                self.stdout.write(outcome.as_json())
            self.stdout.write(f"{len(adapter.send())} bericht(en) verzonden.")
        else:
            self.stderr.write("istandaarden: kies 'export --out MAP', 'import BESTAND...' of 'exchange'.")
            sys.exit(2)
