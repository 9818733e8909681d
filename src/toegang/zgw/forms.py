"""The functional administrator's form of the ZGW configuration (labels are the field names of messages).

What is needed only when "Registreren" is ticked is a conditional field (no "(niet verplicht)"; its help says when
it is needed); what is never needed carries "(niet verplicht)". The fields are shown in groups (``groups``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BoundField

from toegang.common.forms import UtrechtForm
from toegang.zgw.models import LAWS, Configuration

LAW_NAMES = {"wmo": "Wmo", "jeugd": "Jeugdwet", "pw": "Participatiewet"}
URL_LABELS = {
    "catalogus": "Catalogus",
    "zaaktype_trajectory": "Zaaktype traject",
    "statustype_trajectory_started": "Statustype traject gestart",
    "statustype_trajectory_closed": "Statustype traject afgesloten",
    **{
        name: label
        for law, law_name in LAW_NAMES.items()
        for name, label in (
            (f"zaaktype_{law}", f"Zaaktype aanvraag {law_name}"),
            (f"statustype_received_{law}", f"Statustype melding ontvangen {law_name}"),
            (f"statustype_decided_{law}", f"Statustype besloten {law_name}"),
            (f"statustype_closed_{law}", f"Statustype afgerond {law_name}"),
            (f"besluittype_{law}", f"Besluittype beschikking {law_name}"),
        )
    },
}
WHEN_ACTIVE = "Nodig als Registreren aan staat."
ONE_OF = "Als Registreren aan staat, is ten minste één zaaktype aanvraag nodig (Wmo, Jeugdwet of Participatiewet)."
URL_HELP = {
    "catalogus": "Ingevuld: alle adressen hieronder moeten onder dezelfde Catalogi API liggen. Het adres van de "
    "catalogus, bijvoorbeeld https://openzaak.gemeente.nl/catalogi/api/v1/catalogussen/…",
    "zaaktype_trajectory": f"De hoofdzaak van een traject (…/zaaktypen/…). {WHEN_ACTIVE}",
    "statustype_trajectory_started": f"De eerste status (…/statustypen/…). {WHEN_ACTIVE}",
    "statustype_trajectory_closed": f"De eindstatus (…/statustypen/…). {WHEN_ACTIVE}",
    "zaaktype_wmo": f"De deelzaak van een procedure (…/zaaktypen/…). {ONE_OF}",
    "zaaktype_jeugd": ONE_OF,
    "zaaktype_pw": ONE_OF,
    **{
        f"statustype_closed_{law}": "De eindstatus van de zaak van een procedure, gezet als de procedure is besloten "
        "of ingetrokken (…/statustypen/…, van het zaaktype hierboven); mag hetzelfde zijn als Statustype besloten als "
        "dat de laatste status is. Nodig als Registreren aan staat en het zaaktype is ingevuld."
        for law in LAWS
    },
    **{
        f"statustype_{step}_{law}": "Van het zaaktype hierboven (…/statustypen/…); leeg: deze status wordt niet gezet."
        for law in LAWS
        for step in ("received", "decided")
    },
}
CONDITIONAL = (
    "zaken_api_root", "besluiten_api_root", "client_id", "rsin", "resultaattypen", "zaaktype_trajectory",
    "statustype_trajectory_started", "statustype_trajectory_closed", "zaaktype_wmo", "zaaktype_jeugd", "zaaktype_pw",
    "statustype_closed_wmo", "statustype_closed_jeugd", "statustype_closed_pw", "resultaattypen_wmo",
    "resultaattypen_jeugd", "resultaattypen_pw",
)  # fmt: skip
GROUPS = (
    ("Registreren", ("active",)),
    ("Verbinding met de zaakregistratie", ("zaken_api_root", "besluiten_api_root", "client_id", "secret")),
    ("Gemeente", ("rsin", "vertrouwelijkheidaanduiding")),
    (
        "Traject (hoofdzaak)",
        (
            "catalogus",
            "zaaktype_trajectory",
            "statustype_trajectory_started",
            "statustype_trajectory_closed",
            "resultaattypen",
        ),
    ),
    *(
        (
            f"Aanvraag {law_name} (deelzaak en beschikking)",
            (
                f"zaaktype_{law}",
                f"statustype_received_{law}",
                f"statustype_decided_{law}",
                f"statustype_closed_{law}",
                f"resultaattypen_{law}",
                f"besluittype_{law}",
            ),
        )
        for law, law_name in LAW_NAMES.items()
    ),
)


def _address(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, max_length=1000, required=False, help_text=help_text,
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
    )  # fmt: skip


class ConfigurationForm(UtrechtForm):
    active = forms.BooleanField(
        label="Registreren",
        required=False,
        help_text="Aangevinkt: wat vanaf nu begint, besloten of afgesloten wordt, wordt geregistreerd (trajecten en "
        "procedures van vóór het aanzetten niet). Niet aangevinkt: er wordt niets geregistreerd.",
    )
    zaken_api_root = forms.CharField(
        label="Zaken API", max_length=255, required=False, widget=forms.URLInput(attrs={"spellcheck": "false"}),
        help_text=f"{WHEN_ACTIVE} Bijvoorbeeld https://openzaak.gemeente.nl/zaken/api/v1/",
    )  # fmt: skip
    besluiten_api_root = forms.CharField(
        label="Besluiten API", max_length=255, required=False, widget=forms.URLInput(attrs={"spellcheck": "false"}),
        help_text="Nodig om beschikkingen als besluiten te registreren. Bijvoorbeeld "
        "https://openzaak.gemeente.nl/besluiten/api/v1/",
    )  # fmt: skip
    client_id = forms.CharField(
        label="Client-id", max_length=255, required=False,
        help_text="De client-id die de zaakregistratie voor Toegang heeft. Nodig zodra een adres is ingevuld.",
    )  # fmt: skip
    secret = forms.CharField(
        label="Secret", max_length=255, required=False, widget=forms.PasswordInput,
        help_text="Nodig zodra een adres is ingevuld.",
    )  # fmt: skip
    rsin = forms.CharField(
        label="RSIN van de gemeente (bronorganisatie)", max_length=9, required=False,
        help_text=f"9 cijfers. {WHEN_ACTIVE}",
    )  # fmt: skip
    vertrouwelijkheidaanduiding = forms.ChoiceField(
        label="Vertrouwelijkheidaanduiding", choices=Configuration.Confidentiality.choices
    )
    resultaattypen = forms.CharField(
        label="Resultaattypen per resultaat (Selectielijst)", required=False, widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip

    def __init__(self, *args: Any, has_secret: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in URL_LABELS.items():
            self.fields[name] = _address(label, URL_HELP.get(name, ""))
        for law, name in LAW_NAMES.items():
            self.fields[f"resultaattypen_{law}"] = forms.CharField(
                label=f"Resultaattypen aanvraag {name}", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                help_text=self._law_help(law, name),
            )  # fmt: skip
        if has_secret:
            self.fields["secret"].help_text = "Leeg laten om het bewaarde secret te houden."
            conditional: tuple[str, ...] = CONDITIONAL
        else:
            conditional = (*CONDITIONAL, "secret")
        self.fields["resultaattypen"].help_text = self._resultaattypen_help()
        self.conditional_fields = conditional
        self._apply_widget_classes()  # again: the fields above came after the first round

    @staticmethod
    def _resultaattypen_help() -> str:
        from toegang.zgw.checks import closing_codes

        text = "Eén regel per resultaat: code = adres van het resultaattype (…/resultaattypen/…), bijvoorbeeld wmo = https://…."
        codes = closing_codes()
        if codes:
            text += (
                " Nodig als Registreren aan staat, voor elk resultaat waarmee een traject kan worden afgesloten: "
                f"{', '.join(codes)}."
            )
        return text

    @staticmethod
    def _law_help(law: str, name: str) -> str:
        from toegang.zgw.registration import LAW_RESULT, REFUSED_RESULT, WITHDRAWN_RESULT

        return (
            f"De resultaattypen van het zaaktype aanvraag {name}, één regel per resultaat: code = adres "
            "(…/resultaattypen/…). Nodig als Registreren aan staat en het zaaktype is ingevuld, voor "
            f"{LAW_RESULT.get(law, law)} (toegekend), {REFUSED_RESULT} en {WITHDRAWN_RESULT} (ingetrokken)."
        )

    def groups(self) -> list[tuple[str, list[BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in GROUPS]

    def clean_resultaattypen(self) -> dict[str, str]:
        return self._lines("resultaattypen")

    def clean_resultaattypen_wmo(self) -> dict[str, str]:
        return self._lines("resultaattypen_wmo")

    def clean_resultaattypen_jeugd(self) -> dict[str, str]:
        return self._lines("resultaattypen_jeugd")

    def clean_resultaattypen_pw(self) -> dict[str, str]:
        return self._lines("resultaattypen_pw")

    def _lines(self, name: str) -> dict[str, str]:
        """Lines ``code = adres`` as a map (empty lines skipped)."""
        found: dict[str, str] = {}
        line_of: dict[str, int] = {}
        for number, line in enumerate(self.cleaned_data[name].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, url = line.partition("=")
            if not sep or not code.strip() or not url.strip():
                raise forms.ValidationError(f"regel {number}: schrijf code = adres.")
            code = code.strip()
            if code in line_of:
                raise forms.ValidationError(f"regel {number}: de code {code} staat er al (regel {line_of[code]}).")
            line_of[code] = number
            found[code] = url.strip()
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
            resultaattypen=_as_lines(config.resultaattypen),
        )  # fmt: skip
        for law in LAW_NAMES:
            field = Configuration.resultaattypen_field(law)
            initial[field] = _as_lines(getattr(config, field))
        return initial


def _as_lines(mapping: object) -> str:
    return "\n".join(f"{k} = {v}" for k, v in sorted(mapping.items())) if isinstance(mapping, dict) else ""
