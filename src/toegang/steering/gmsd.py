"""The Wmo delivery of the Gemeentelijke Monitor Sociaal Domein (GMSD): per half year, one line per Wmo
maatwerkvoorziening that ran in it, which the municipality uploads to the CBS (DOMAIN.md §4.2).

The fields and their order follow the Aanleverprotocol Gemeentelijke Monitor Sociaal Domein (VNG and
CBS, version of 15 December 2015, part II §2.2–2.14, "Wet maatschappelijke ondersteuning –
specialistisch"). That protocol's code lists for the type of provider and the delivery form are not
reproduced here: Toegang writes the provider's AGB code and ZIN/PGB, and the CBS's technical check of
the upload is the judge (docs/steering.md). This is a file of persons (with BSN), not an aggregate:
it is for the municipality's own staff, and every export is logged with its subjects.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Sum

from toegang.accounts.models import Municipality
from toegang.istandaarden.models import ClaimLine
from toegang.procedures.models import Decision, Provision

HEADER = [
    "aanmaakdatum_bestand",
    "gemeentecode",
    "bsn",
    "type_maatwerkarrangement",
    "aanbieder",
    "beoogde_startdatum",
    "beoogde_einddatum",
    "leveringsvorm",
    "datum_start_ondersteuning",
    "einddatum_ondersteuning",
    "intensiteit",
    "betaald_bedrag",
    "reden_beeindiging",
]


@dataclass(frozen=True)
class HalfYear:
    year: int
    half: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        return f"{self.half}e halfjaar {self.year}"


@dataclass
class Delivery:
    content: str
    lines: int
    person_ids: list[int]
    without_bsn: int


def _day(value: dt.date | None) -> str:
    return f"{value:%Y%m%d}" if value else ""


def wmo_delivery(*, municipality: Municipality, half: HalfYear, made_on: dt.date) -> Delivery:
    """The delivery file for one municipality and half year (semicolon-separated, UTF-8, with header)."""
    provisions = list(
        Provision.objects.filter(
            decision__status=Decision.Status.SENT,
            decision__procedure__law="wmo",
            decision__procedure__trajectory__household__municipality=municipality,
            start_date__lte=half.end,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=half.start))
        .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=half.start))
        .select_related("category", "provider", "decision__procedure__person")
        .order_by("pk")
    )
    paid: dict[int, int] = defaultdict(int)
    for provision_id, credit, amount in (
        ClaimLine.objects.filter(
            provision_id__any_of=[p.pk for p in provisions],
            approved=True,
            period_start__lte=half.end,
            period_end__gte=half.start,
        )
        .values("provision_id", "credit")
        .annotate(total=Sum("amount_cents"))
        .values_list("provision_id", "credit", "total")
    ):
        paid[provision_id] += -(amount or 0) if credit else (amount or 0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    persons: set[int] = set()
    without_bsn = lines = 0
    for provision in provisions:
        person = provision.decision.procedure.person
        if not person.bsn:
            without_bsn += 1
            continue
        persons.add(person.pk)
        intensity = ""
        if provision.volume is not None:
            intensity = f"{provision.volume} {provision.get_unit_display()} {provision.get_frequency_display()}".strip()
        cents = paid.get(provision.pk, 0)
        writer.writerow(
            [
                _day(made_on),
                municipality.code,
                person.bsn,
                provision.category.code,
                provision.provider.agb_code if provision.provider else "",
                _day(provision.start_date),
                _day(provision.end_date),
                provision.delivery.upper(),
                _day(provision.started_on),
                _day(provision.stopped_on),
                intensity,
                f"{cents / 100:.2f}".replace(".", ","),
                provision.stop_reason,
            ]
        )
        lines += 1
    return Delivery(content=buffer.getvalue(), lines=lines, person_ids=sorted(persons), without_bsn=without_bsn)
