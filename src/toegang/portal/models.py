"""Legal representation: who may act in the portal for someone else (a parent with authority for a young
child, a guardian, a curator, a mentor, a bewindvoerder). Recorded by the team from a named source (the
gezagsregister, the curatele- en bewindregister, a court order), dated, and checked at every request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Representation(models.Model):
    class Kind(models.TextChoices):
        # Burgerlijk Wetboek boek 1: gezag art. 1:245 ff., curatele 1:378 ff., bewind 1:431 ff., mentorschap
        # 1:450 ff.; the iJw code list WJ003 has voogdij 06, bewindvoering 07, mentorschap 08, curatele 09.
        PARENT = "gezag", _("Ouder met gezag")
        GUARDIAN = "voogdij", _("Voogd")
        CURATOR = "curatele", _("Curator")
        MENTOR = "mentorschap", _("Mentor")
        TRUSTEE = "bewind", _("Bewindvoerder")

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="representations", verbose_name=_("vertegenwoordigde")
    )
    representative_bsn = models.CharField(_("BSN vertegenwoordiger"), max_length=9, db_index=True)
    representative_name = models.CharField(_("naam vertegenwoordiger"), max_length=200)
    kind = models.CharField(_("soort vertegenwoordiging"), max_length=12, choices=Kind.choices)
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)
    source = models.CharField(_("bron"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd"))

    class Meta:
        verbose_name = _("vertegenwoordiging")
        verbose_name_plural = _("vertegenwoordigingen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="representation_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.representative_name} ({self.get_kind_display()})"
