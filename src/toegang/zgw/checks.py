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


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def problems(config: Configuration) -> list[str]:
    """What is wrong or missing; an inactive configuration is only checked for what is filled in."""
    found: list[str] = []
    if config.zaken_service is not None and config.zaken_service.api_type != APITypes.zrc:
        found.append(f"{_label('zaken_service')}: de gekozen service is geen Zaken API (type zrc).")
    if config.besluiten_service is not None and config.besluiten_service.api_type != APITypes.brc:
        found.append(f"{_label('besluiten_service')}: de gekozen service is geen Besluiten API (type brc).")
    if config.rsin and not bsn.is_valid(config.rsin):
        found.append(f"{_label('rsin')}: geen geldig RSIN (9 cijfers die de elfproef doorstaan).")
    for field in URL_FIELDS:
        value = getattr(config, field)
        if value and not _is_url(value):
            found.append(f"{_label(field)}: dit is geen geldig adres (https://…).")
    if not isinstance(config.resultaattypen, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and _is_url(v) for k, v in config.resultaattypen.items()
    ):
        found.append(f"{_label('resultaattypen')}: geef per resultaatcode een adres (https://…).")
    else:
        from toegang.privacy.models import RetentionRule

        known = set(RetentionRule.objects.values_list("code", flat=True))
        unknown = sorted(set(config.resultaattypen) - known)
        if unknown:
            found.append(f"{_label('resultaattypen')}: onbekende resultaatcodes {', '.join(unknown)}.")
    if config.active:
        if config.zaken_service is None:
            found.append(f"{_label('zaken_service')}: kies de Zaken API om te kunnen registreren.")
        if not config.rsin:
            found.append(f"{_label('rsin')}: vul het RSIN van de gemeente in.")
        found.extend(
            f"{_label(field)}: vul het adres in." for field in REQUIRED_WHEN_ACTIVE if not getattr(config, field)
        )
        if not (config.zaaktype_wmo or config.zaaktype_jeugd or config.zaaktype_pw):
            found.append("Zaaktypen aanvraag: vul ten minste één zaaktype in (Wmo, Jeugdwet of Participatiewet).")
        if (config.besluittype_wmo or config.besluittype_jeugd or config.besluittype_pw) and (
            config.besluiten_service is None
        ):
            found.append(f"{_label('besluiten_service')}: kies de Besluiten API om besluiten te registreren.")
    return found
