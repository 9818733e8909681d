"""Synthetic contact persons and partner agreements for the demo: fictional names, example.org/example.nl
addresses and fake phone numbers, written in bulk without audit rows like the rest of the demo data.
Deterministic: the same organisations and areas give the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from toegang.accounts.models import Area, Municipality, Organisation
from toegang.common.dates import today
from toegang.network.models import ContactPerson, PartnerAgreement

FIRST_NAMES = ["Anouk", "Bram", "Chantal", "Daan", "Esra", "Floor", "Gijs", "Hira", "Ilse", "Jorrit", "Kim", "Lotte"]
LAST_NAMES = ["de Wit", "Bakker", "Yilmaz", "Verhoeven", "El Amrani", "Jansen", "van Dijk", "Kok", "Smits", "Peeters"]
FUNCTIONS = ["Wijkcoördinator", "Coördinator aanmeldingen", "Teamleider", "Consulent", "Ketenregisseur"]
ANSWER_DAYS, START_DAYS = 5, 10


@dataclass
class SeededPartners:
    contact_persons: int
    agreements: int


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())[:20] or "partner"


def seed_partners(
    *, municipality: Municipality, organisations: Sequence[Organisation], areas: Sequence[Area]
) -> SeededPartners:
    """For each organisation: one contact person for the whole municipality and one for each of (up to)
    three areas, and agreements valid from the first day of last year: answer within 5 working days,
    start within 10, and a capacity of 4 to 12 referrals a month. Seeding is not a user action, so the
    rows are written in bulk without audit rows (as the rest of the demo data). Organisations that
    already have agreements are left as they are."""
    since = dt.date(today().year - 1, 1, 1)
    having = set(PartnerAgreement.objects.filter(municipality=municipality).values_list("organisation_id", flat=True))
    people: list[ContactPerson] = []
    agreements: list[PartnerAgreement] = []
    for i, organisation in enumerate(organisations):
        if organisation.pk in having:
            continue
        domain = f"{_slug(organisation.name)}.example.{'nl' if i % 2 else 'org'}"
        chosen_areas: list[Area | None] = [None, *list(areas)[i % max(len(areas), 1) :][:3]]
        for area in chosen_areas:
            n = len(people)
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 7 + i) % len(LAST_NAMES)]
            people.append(
                ContactPerson(
                    organisation=organisation,
                    municipality=municipality,
                    area=area,
                    name=f"{first} {last}",
                    function=FUNCTIONS[n % len(FUNCTIONS)],
                    email=f"{first.lower()}.{_slug(last)}@{domain}",
                    phone=f"06-1234{5600 + n % 100:04d}" if n % 3 else f"0800-{1000 + n % 9000:04d}",
                )
            )
        agreements.extend(
            PartnerAgreement(
                organisation=organisation,
                municipality=municipality,
                kind=kind,
                value=value,
                valid_from=since,
                note="Demo: fictieve afspraak",
            )
            for kind, value in (
                (PartnerAgreement.Kind.ANSWER, ANSWER_DAYS),
                (PartnerAgreement.Kind.START, START_DAYS),
                (PartnerAgreement.Kind.CAPACITY, 4 + (i * 3) % 9),
            )
        )
    ContactPerson.objects.bulk_create(people)
    PartnerAgreement.objects.bulk_create(agreements)
    return SeededPartners(contact_persons=len(people), agreements=len(agreements))


def demo_counts(municipality: Municipality) -> tuple[int, int]:
    """How many contact persons and agreements the municipality has (for the seed's summary line)."""
    return (
        ContactPerson.objects.filter(municipality=municipality).count(),
        PartnerAgreement.objects.filter(municipality=municipality).count(),
    )
