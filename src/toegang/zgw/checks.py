"""Checking a municipality's ZGW configuration: every problem as a Dutch line naming the field."""

from __future__ import annotations

from urllib.parse import urlsplit

from stdnum.nl import bsn
from zgw_consumers.constants import APITypes

from toegang.zgw.models import Configuration

URL_FIELDS = [
    "catalogus",
    "zaaktype_trajectory",
    "statustype_trajectory_started",
    "statustype_trajectory_closed",
    "zaaktype_wmo",
    "zaaktype_jeugd",
    "zaaktype_pw",
    "statustype_procedure_received",
    "statustype_procedure_decided",
    "besluittype_wmo",
    "besluittype_jeugd",
    "besluittype_pw",
]
REQUIRED_WHEN_ACTIVE = ["zaaktype_trajectory", "statustype_trajectory_started", "statustype_trajectory_closed"]


def _label(field: str) -> str:
    label = str(getattr(Configuration._meta.get_field(field), "verbose_name", field))
    return label[:1].upper() + label[1:]


def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def problems(config: Configuration) -> list[str]:
    """What is wrong or missing; an inactive configuration is only checked for what is filled in."""
    return [message for _field, message in problems_by_field(config)]


class _Found(list[tuple[str, str]]):
    def add(self, field: str, message: str) -> None:
        self.append((field, message))


def problems_by_field(config: Configuration) -> list[tuple[str, str]]:
    """(field, message) for everything wrong or missing, the message starting with the field's label."""
    found = _Found()
    if config.zaken_service is not None and config.zaken_service.api_type != APITypes.zrc:
        found.add("zaken_service", f"{_label('zaken_service')}: de gekozen service is geen Zaken API (type zrc).")
    if config.besluiten_service is not None and config.besluiten_service.api_type != APITypes.brc:
        found.add(
            "besluiten_service", f"{_label('besluiten_service')}: de gekozen service is geen Besluiten API (type brc)."
        )
    if config.rsin and not bsn.is_valid(config.rsin):
        found.add("rsin", f"{_label('rsin')}: geen geldig RSIN (9 cijfers die de elfproef doorstaan).")
    for field in URL_FIELDS:
        value = getattr(config, field)
        if value and not is_url(value):
            found.add(field, f"{_label(field)}: dit is geen geldig adres (https://…).")
    if not isinstance(config.resultaattypen, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and is_url(v) for k, v in config.resultaattypen.items()
    ):
        found.add("resultaattypen", f"{_label('resultaattypen')}: geef per resultaatcode een adres (https://…).")
    else:
        from toegang.privacy.models import RetentionRule

        known = set(RetentionRule.objects.values_list("code", flat=True))
        unknown = sorted(set(config.resultaattypen) - known)
        if unknown:
            found.add("resultaattypen", f"{_label('resultaattypen')}: onbekende resultaatcodes {', '.join(unknown)}.")
    if config.active:
        if config.zaken_service is None:
            found.add("zaken_service", f"{_label('zaken_service')}: kies de Zaken API om te kunnen registreren.")
        if not config.rsin:
            found.add("rsin", f"{_label('rsin')}: vul het RSIN van de gemeente in.")
        for field in REQUIRED_WHEN_ACTIVE:
            if not getattr(config, field):
                found.add(field, f"{_label(field)}: vul het adres in.")
        if not (config.zaaktype_wmo or config.zaaktype_jeugd or config.zaaktype_pw):
            found.add(
                "zaaktype_wmo", "Zaaktypen aanvraag: vul ten minste één zaaktype in (Wmo, Jeugdwet of Participatiewet)."
            )
        if (config.besluittype_wmo or config.besluittype_jeugd or config.besluittype_pw) and (
            config.besluiten_service is None
        ):
            found.add(
                "besluiten_service",
                f"{_label('besluiten_service')}: kies de Besluiten API om besluiten te registreren.",
            )
    return found
