"""Writes of steering's configuration: the inhabitants per year and the agreed norms, by the
municipality's functional administrator, each with its audit row."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.steering.models import Indicator, Norm, Population


def _require_admin(actor: User) -> int:
    if actor.role != User.Role.FUNCTIONAL_ADMIN or actor.municipality_id is None:
        raise DomainError("Sturing: de functioneel beheerder van de gemeente legt inwonertallen en normen vast.")
    return actor.municipality_id


@transaction.atomic
def set_population(
    *, actor: User, year: int | None, inhabitants: int | None, under_18: int | None, source: str
) -> Population:
    """The inhabitants of the actor's municipality on 1 January of a year (replacing that year's row)."""
    municipality_id = _require_admin(actor)
    if year is None or not 2000 <= year <= today().year + 1:
        raise DomainError("Jaar: kies een jaar van 2000 tot en met volgend jaar.", field="year")
    if inhabitants is None or inhabitants < 1:
        raise DomainError("Inwoners: vul het aantal inwoners in (minstens 1).", field="inhabitants")
    if under_18 is None or under_18 < 0:
        raise DomainError("Jonger dan 18: vul het aantal inwoners jonger dan 18 in.", field="under_18")
    if under_18 > inhabitants:
        raise DomainError("Jonger dan 18: kan niet meer zijn dan het aantal inwoners.", field="under_18")
    if not source.strip():
        raise DomainError("Bron: noem waar het inwonertal vandaan komt (bijvoorbeeld CBS StatLine 03759ned).",
                          field="source")  # fmt: skip
    population, _created = Population.objects.update_or_create(
        municipality_id=municipality_id,
        year=year,
        defaults={"inhabitants": inhabitants, "under_18": under_18, "source": source.strip()[:300]},
    )
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=population, detail=f"{year}: {inhabitants} inwoners")
    return population


@transaction.atomic
def set_norm(*, actor: User, indicator: Indicator | None, low: Decimal | None, high: Decimal | None, note: str) -> Norm:
    municipality_id = _require_admin(actor)
    if indicator is None:
        raise DomainError("Indicator: kies een indicator uit de catalogus.", field="indicator")
    if low is None and high is None:
        raise DomainError("Ondergrens: vul een ondergrens, een bovengrens of allebei in.", field="low")
    if low is not None and high is not None and low > high:
        raise DomainError("Bovengrens: ligt onder de ondergrens.", field="high")
    if not note.strip():
        raise DomainError("Afspraak: noem waar de norm is afgesproken (besluit, contract, datum).", field="note")
    norm, _created = Norm.objects.update_or_create(
        indicator=indicator,
        municipality_id=municipality_id,
        defaults={"low": low, "high": high, "note": note.strip()[:300]},
    )
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=norm, detail=f"{indicator.code}: {low}–{high}")
    return norm
