"""manage.py mcda evaluate FILE.json (or ``-`` for standard input): evaluate an MCDA problem and print the result
as JSON on standard output (exit 0). Invalid JSON or an invalid problem: one Dutch line on standard error naming
the offending field, nothing on standard output, exit 2. The same code path as the UI:
``toegang.governance.mcda.evaluate``. The format is documented in docs/mcda.md."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from toegang.governance.mcda import ProblemError, evaluate


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


class Command(BaseCommand):
    help = (
        "Multicriteria-analyse (organisatiekeuze): 'evaluate BESTAND.json' (of '-' voor standaardinvoer) rekent "
        "een probleem door en schrijft het resultaat als JSON; zie docs/mcda.md voor het formaat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["evaluate"])
        parser.add_argument("file", help="JSON-bestand met het probleem, of '-' voor standaardinvoer.")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(f"mcda: {message}")
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            if name == "-":
                text = sys.stdin.read()
            else:
                with open(name, encoding="utf-8") as handle:
                    text = handle.read()
        except FileNotFoundError:
            self._fail(f"{name}: bestand niet gevonden")
        except (OSError, UnicodeDecodeError) as error:
            self._fail(f"{name}: bestand niet leesbaar ({error.__class__.__name__})")
        try:
            problem = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            self._fail(f"{name}: geen geldige JSON (regel {error.lineno}, kolom {error.colno}: {error.msg})")
        except ValueError as error:
            self._fail(f"{name}: geen geldige JSON ({error} is geen JSON-getal)")
        except RecursionError:
            self._fail(f"{name}: geen geldige JSON (te diep genest)")
        try:
            result = evaluate(problem)
        except ProblemError as error:
            self._fail(str(error))
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False))
