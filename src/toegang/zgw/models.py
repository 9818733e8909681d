"""ZGW registration (docs/zgw.md): per municipality the configuration of its case registry (the Zaken and
Besluiten API services of zgw-consumers, the catalogue's zaaktypen, statustypen, resultaattypen and
besluittypen), and the outbox of registrations: one row per change to register, written in the same
transaction as the change and sent afterwards by the worker, with retries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from zgw_consumers.constants import APITypes
from zgw_consumers.models import Service

from toegang.accounts.models import Municipality
from toegang.common.forms import field_label

LAWS = ("wmo", "jeugd", "pw")  # the laws whose procedures can be registered as deelzaken
STATUS_STEPS = ("received", "decided", "closed")  # the statuses of a procedure's zaak


class Configuration(models.Model):
    """How one municipality registers in its ZGW registry. Inactive (the default): nothing is registered."""

    class Confidentiality(models.TextChoices):  # Zaken API: VertrouwelijkheidaanduidingEnum
        INTERN = "intern", _("intern")
        CASE_CONFIDENTIAL = "zaakvertrouwelijk", _("zaakvertrouwelijk")
        CONFIDENTIAL = "vertrouwelijk", _("vertrouwelijk")
        CONFIDENTIEEL = "confidentieel", _("confidentieel")

    municipality = models.OneToOneField(
        Municipality, verbose_name=_("gemeente"), on_delete=models.CASCADE, related_name="zgw_configuration"
    )
    active = models.BooleanField(_("registreren"), default=False)
    zaken_service = models.ForeignKey(
        Service,
        verbose_name=_("Zaken API"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"api_type": APITypes.zrc},
    )
    besluiten_service = models.ForeignKey(
        Service,
        verbose_name=_("Besluiten API"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"api_type": APITypes.brc},
    )
    rsin = models.CharField(_("RSIN van de gemeente (bronorganisatie)"), max_length=9, blank=True)
    catalogus = models.URLField(_("catalogus"), max_length=1000, blank=True)
    vertrouwelijkheidaanduiding = models.CharField(
        _("vertrouwelijkheidaanduiding"), max_length=20, choices=Confidentiality.choices,
        default=Confidentiality.CONFIDENTIAL,
    )  # fmt: skip
    # the trajectory: hoofdzaak "Ondersteuningsvraag huishouden" (DOMAIN.md §6.2)
    zaaktype_trajectory = models.URLField(_("zaaktype traject"), max_length=1000, blank=True)
    statustype_trajectory_started = models.URLField(_("statustype traject gestart"), max_length=1000, blank=True)
    statustype_trajectory_closed = models.URLField(_("statustype traject afgesloten"), max_length=1000, blank=True)
    # per Selectielijst result (privacy.RetentionRule code) the resultaattype URL: {"wmo": "https://…", …}
    resultaattypen = models.JSONField(_("resultaattypen per resultaat (Selectielijst)"), default=dict, blank=True)
    # the statutory procedures: deelzaken "Aanvraag maatwerkvoorziening Wmo", Jeugdwet, Participatiewet
    zaaktype_wmo = models.URLField(_("zaaktype aanvraag Wmo"), max_length=1000, blank=True)
    zaaktype_jeugd = models.URLField(_("zaaktype aanvraag Jeugdwet"), max_length=1000, blank=True)
    zaaktype_pw = models.URLField(_("zaaktype aanvraag Participatiewet"), max_length=1000, blank=True)
    # per law the statuses of its zaaktype aanvraag: a statustype belongs to one zaaktype, and the registry refuses
    # a status whose statustype is of another zaaktype than the zaak's; "afgerond" is the eindstatus, set when the
    # procedure ends (decided or withdrawn), and may be the same statustype as "besloten" when that is the last one
    statustype_received_wmo = models.URLField(_("statustype melding ontvangen Wmo"), max_length=1000, blank=True)
    statustype_decided_wmo = models.URLField(_("statustype besloten Wmo"), max_length=1000, blank=True)
    statustype_closed_wmo = models.URLField(_("statustype afgerond Wmo"), max_length=1000, blank=True)
    statustype_received_jeugd = models.URLField(_("statustype melding ontvangen Jeugdwet"), max_length=1000, blank=True)
    statustype_decided_jeugd = models.URLField(_("statustype besloten Jeugdwet"), max_length=1000, blank=True)
    statustype_closed_jeugd = models.URLField(_("statustype afgerond Jeugdwet"), max_length=1000, blank=True)
    statustype_received_pw = models.URLField(
        _("statustype melding ontvangen Participatiewet"), max_length=1000, blank=True
    )
    statustype_decided_pw = models.URLField(_("statustype besloten Participatiewet"), max_length=1000, blank=True)
    statustype_closed_pw = models.URLField(_("statustype afgerond Participatiewet"), max_length=1000, blank=True)
    # per law, per Selectielijst result (privacy.RetentionRule code) the resultaattype of that law's zaaktype: a
    # resultaattype belongs to one zaaktype, so a deelzaak cannot take the trajectory's (``resultaattypen``)
    resultaattypen_wmo = models.JSONField(_("resultaattypen aanvraag Wmo"), default=dict, blank=True)
    resultaattypen_jeugd = models.JSONField(_("resultaattypen aanvraag Jeugdwet"), default=dict, blank=True)
    resultaattypen_pw = models.JSONField(_("resultaattypen aanvraag Participatiewet"), default=dict, blank=True)
    besluittype_wmo = models.URLField(_("besluittype beschikking Wmo"), max_length=1000, blank=True)
    besluittype_jeugd = models.URLField(_("besluittype beschikking Jeugdwet"), max_length=1000, blank=True)
    besluittype_pw = models.URLField(_("besluittype beschikking Participatiewet"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("ZGW-instelling")
        verbose_name_plural = _("ZGW-instellingen")

    def __str__(self) -> str:
        return f"ZGW-registratie {self.municipality}"

    def zaaktype_for(self, law: str) -> str:
        return {"wmo": self.zaaktype_wmo, "jeugd": self.zaaktype_jeugd, "pw": self.zaaktype_pw}.get(law, "")

    @classmethod
    def label_of(cls, field: str) -> str:
        """The field's name as messages and the form write it (its verbose name, capitalised)."""
        return field_label(cls, field)

    def statustype_for(self, law: str, step: str) -> str:
        """The statustype of the law's zaaktype aanvraag for ``step`` ("received", "decided", "closed")."""
        return str(getattr(self, f"statustype_{step}_{law}", "") or "") if law in LAWS else ""

    def besluittype_for(self, law: str) -> str:
        return {"wmo": self.besluittype_wmo, "jeugd": self.besluittype_jeugd, "pw": self.besluittype_pw}.get(law, "")

    def resultaattypen_for(self, law: str) -> dict[str, str]:
        found = {"wmo": self.resultaattypen_wmo, "jeugd": self.resultaattypen_jeugd, "pw": self.resultaattypen_pw}
        value = found.get(law)
        return value if isinstance(value, dict) else {}

    @staticmethod
    def resultaattypen_field(law: str) -> str:
        return {"wmo": "resultaattypen_wmo", "jeugd": "resultaattypen_jeugd", "pw": "resultaattypen_pw"}[law]


class Registration(models.Model):
    """One change to register in the ZGW registry: written in the transaction of the change, sent later."""

    class Kind(models.TextChoices):
        TRAJECTORY_STARTED = "traject_gestart", _("Traject gestart: zaak aanmaken")
        TRAJECTORY_CLOSED = "traject_afgesloten", _("Traject afgesloten: resultaat, archivering en eindstatus")
        PROCEDURE_STARTED = "procedure_gestart", _("Procedure gestart: zaak aanmaken")
        DECISION_SENT = "besluit_bekendgemaakt", _("Beschikking bekendgemaakt: besluit aanmaken")
        PROCEDURE_CLOSED = "procedure_afgerond", _("Procedure afgerond: resultaat, archivering en eindstatus")

    class State(models.TextChoices):
        WAITING = "wachtend", _("Wachtend")
        REGISTERED = "geregistreerd", _("Geregistreerd")
        FAILED = "mislukt", _("Mislukt (volgt opnieuw)")
        GIVEN_UP = "opgegeven", _("Opgegeven")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))  # the trajectory, procedure or decision
    state = models.CharField(_("stand"), max_length=15, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"))
    last_attempt_at = models.DateTimeField(_("laatste poging"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("laatste HTTP-status"), null=True, blank=True)
    last_error = models.TextField(_("laatste fout"), blank=True, default="")
    # what the registry made, each kept as soon as it is made (a retry goes on from the step that failed)
    zaak_url = models.URLField(_("zaak"), max_length=1000, blank=True, default="")
    resultaat_url = models.URLField(_("resultaat"), max_length=1000, blank=True, default="")
    archived = models.BooleanField(_("archiefgegevens gezet"), default=False)
    status_url = models.URLField(_("status"), max_length=1000, blank=True, default="")
    besluit_url = models.URLField(_("besluit"), max_length=1000, blank=True, default="")
    created_at = models.DateTimeField(_("aangemaakt"))
    registered_at = models.DateTimeField(_("geregistreerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("ZGW-registratie")
        verbose_name_plural = _("ZGW-registraties")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="zgw_registration_due_idx"),
            models.Index(fields=["kind", "object_id"], name="zgw_registration_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} ({self.get_state_display()})"
