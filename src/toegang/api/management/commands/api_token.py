"""manage.py api_token: the functional administrator issues, lists and revokes user-bound API tokens
(docs/api.md). The token text is printed once; only its digest is stored. Exits non-zero with one line
on stderr when the service refuses."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toegang.accounts.models import User
from toegang.api.models import ApiToken
from toegang.api.tokens import issue_token, revoke_token
from toegang.common.errors import DomainError


class Command(BaseCommand):
    help = "API-tokens: 'uitgeven' aan een gebruiker, 'lijst' van de tokens, 'intrekken' van een token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["uitgeven", "lijst", "intrekken"])
        parser.add_argument("--door", help="Gebruikersnaam van de functioneel beheerder die dit doet.")
        parser.add_argument("--gebruiker", help="Gebruikersnaam van wie het token krijgt (uitgeven).")
        parser.add_argument("--bevoegdheden", default="", help="Door komma's gescheiden, bv. cases:read,signals:read.")
        parser.add_argument("--naam", default="", help="Waarvoor het token dient (uitgeven).")
        parser.add_argument("--dagen", type=int, default=None, help="Geldigheid in dagen (standaard 90).")
        parser.add_argument("--kenmerk", help="Het kenmerk van het token (intrekken), zie 'lijst'.")

    def _user(self, username: str | None, option: str) -> User:
        user = User.objects.filter(username=username or "").first()
        if user is None:
            self._fail(f"{option}: gebruiker '{username or ''}' bestaat niet.")
        assert user is not None  # noqa: S101 - _fail exits
        return user

    def _fail(self, message: str) -> None:
        self.stderr.write(f"api_token: {message}")
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "lijst":
            for token in ApiToken.objects.select_related("user").order_by("pk"):
                state = "ingetrokken" if token.revoked_at else ("geldig" if token.is_usable() else "verlopen")
                self.stdout.write(
                    f"{token.prefix}  {token.user.username}  {' '.join(token.scopes)}  "
                    f"tot {token.expires_at:%Y-%m-%d}  {state}  {token.name}"
                )
            return
        actor = self._user(options["door"], "--door")
        try:
            if options["subcommand"] == "uitgeven":
                issued = issue_token(
                    actor=actor,
                    user=self._user(options["gebruiker"], "--gebruiker"),
                    name=options["naam"],
                    scopes=[s.strip() for s in options["bevoegdheden"].split(",") if s.strip()],
                    days=options["dagen"],
                )
                self.stdout.write(f"Token (wordt niet opnieuw getoond): {issued.secret}")
                self.stdout.write(f"Kenmerk {issued.token.prefix}, geldig tot {issued.token.expires_at:%Y-%m-%d}.")
            else:
                found = ApiToken.objects.filter(prefix=options["kenmerk"] or "").first()
                if found is None:
                    self._fail("--kenmerk: geen token met dit kenmerk.")
                assert found is not None  # noqa: S101 - _fail exits
                revoke_token(actor=actor, token=found)
                self.stdout.write(f"Token {found.prefix} is ingetrokken.")
        except DomainError as error:
            self._fail(error.message)
