"""The functional administrator's form of the ZGW configuration (labels are the field names of messages)."""

from __future__ import annotations

from typing import Any

from django import forms

from toegang.common.forms import UtrechtForm
from toegang.zgw.models import Configuration

URL_LABELS = {
    "catalogus": "Catalogus",
    "zaaktype_trajectory": "Zaaktype traject",
    "statustype_trajectory_started": "Statustype traject gestart",
    "statustype_trajectory_closed": "Statustype traject afgesloten",
    "zaaktype_wmo": "Zaaktype aanvraag Wmo",
    "zaaktype_jeugd": "Zaaktype aanvraag Jeugdwet",
    "zaaktype_pw": "Zaaktype aanvraag Participatiewet",
    "statustype_procedure_received": "Statustype melding ontvangen",
    "statustype_procedure_decided": "Statustype besloten",
    "besluittype_wmo": "Besluittype beschikking Wmo",
    "besluittype_jeugd": "Besluittype beschikking Jeugdwet",
    "besluittype_pw": "Besluittype beschikking Participatiewet",
}


class ConfigurationForm(UtrechtForm):
    active = forms.BooleanField(label="Registreren", required=False, help_text="Uit: er wordt niets geregistreerd.")
    zaken_api_root = forms.CharField(
        label="Zaken API",
        max_length=255,
        required=False,
        help_text="Bijvoorbeeld https://openzaak.gemeente.nl/zaken/api/v1/",
    )
    besluiten_api_root = forms.CharField(
        label="Besluiten API", max_length=255, required=False,
        help_text="Bijvoorbeeld https://openzaak.gemeente.nl/besluiten/api/v1/",
    )  # fmt: skip
    client_id = forms.CharField(label="Client-id", max_length=255, required=False)
    secret = forms.CharField(
        label="Secret", max_length=255, required=False, widget=forms.PasswordInput,
        help_text="Leeg laten om het bewaarde secret te houden.",
    )  # fmt: skip
    rsin = forms.CharField(label="RSIN van de gemeente (bronorganisatie)", max_length=9, required=False)
    vertrouwelijkheidaanduiding = forms.ChoiceField(
        label="Vertrouwelijkheidaanduiding", choices=Configuration.Confidentiality.choices
    )
    resultaattypen = forms.CharField(
        label="Resultaattypen per resultaat (Selectielijst)", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Eén regel per resultaat: code = adres van het resultaattype, bijvoorbeeld wmo = https://…",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in URL_LABELS.items():
            self.fields[name] = forms.CharField(label=label, max_length=1000, required=False)
        self.conditional_fields = tuple(self.fields)

    def clean_resultaattypen(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["resultaattypen"].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, url = line.partition("=")
            if not sep or not code.strip() or not url.strip():
                raise forms.ValidationError(f"regel {number}: schrijf code = adres.")
            found[code.strip()] = url.strip()
        return found

    @classmethod
    def initial_of(cls, config: Configuration | None) -> dict[str, Any]:
        if config is None:
            return {"vertrouwelijkheidaanduiding": Configuration.Confidentiality.CONFIDENTIAL}
        initial: dict[str, Any] = {name: getattr(config, name) for name in URL_LABELS}
        initial.update(
            active=config.active, rsin=config.rsin, vertrouwelijkheidaanduiding=config.vertrouwelijkheidaanduiding,
            zaken_api_root=config.zaken_service.api_root if config.zaken_service else "",
            besluiten_api_root=config.besluiten_service.api_root if config.besluiten_service else "",
            client_id=config.zaken_service.client_id if config.zaken_service else "",
            resultaattypen="\n".join(f"{k} = {v}" for k, v in sorted(config.resultaattypen.items())),
        )  # fmt: skip
        return initial
