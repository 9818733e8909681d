"""What the API shows of each resource: flat rows with ids, nothing computed per row that costs a query.
Writes go through ``StrictSerializer``: a field the endpoint does not know is an error, not ignored."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from toegang.api import fields
from toegang.cases.models import Trajectory
from toegang.network.models import CommunityService, Referral
from toegang.people.models import Household, Membership, Person
from toegang.plans.models import Action, Plan
from toegang.procedures.models import Decision
from toegang.signals.models import Signal


# Its subclasses take their fields from api/fields.py, which answer in Dutch. (A comment: the docstring
# is the schema's description.)
class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not declare (a typo must not silently drop data) and a body that is no object."""

    default_error_messages = {
        "invalid": _("Stuur een JSON-object."),
        "null": _("Stuur een JSON-object, geen null."),
    }

    @property
    def errors(self) -> Any:
        found = super().errors
        # DRF writes a fixed English "No data provided" for a body that is null
        hint = found.get(api_settings.NON_FIELD_ERRORS_KEY) if isinstance(found, dict) else None
        if hint and getattr(hint[0], "code", None) == "null":
            found[api_settings.NON_FIELD_ERRORS_KEY] = [ErrorDetail(str(self.error_messages["null"]), code="null")]
        return found

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({key: [_("Onbekend veld.")] for key in unknown})
        return super().to_internal_value(data)


_SKIP = object()
# fields whose output depends on the serializer's context (the request for a link, a nested serializer's
# own context): a reader made once per class cannot hold them
_USES_CONTEXT = (serializers.BaseSerializer, serializers.HyperlinkedRelatedField)
# serializer fields that may read a plain attribute (an annotation, a list the view set) directly
_PLAIN = (
    serializers.IntegerField,
    serializers.CharField,
    serializers.BooleanField,
    serializers.DateField,
    serializers.ChoiceField,
    serializers.ListField,
)


# A row exactly as DRF writes it, without DRF's per-field lookup machinery: how to read each field is
# worked out once per serializer class, then a row is an attribute read, a None check and the field's own
# ``to_representation``. DRF's generic path cost 5 ms for a page of 50 signals, more than the page's SQL
# (issue 9). A foreign key's id is read from its column (what DRF's pk-only shortcut gives); any other
# field outside the plain kinds goes DRF's own way. tests/test_api_rows.py holds every list
# and detail against DRF's own output. (A comment, not a docstring: the schema would take it as the
# description of every resource.)
#
# Once per class, not per serializer: building a ModelSerializer's fields from the model took 0.3-2 ms a
# request (signals the most), as much as writing the page's 50 rows (issue 9). The readers come from a
# prototype without context; a field that reads the serializer (a SerializerMethodField, which may use
# the context) is called on the serializer at hand, every other kind reads only the row.
class FlatRowSerializer(serializers.ModelSerializer):
    _plans: ClassVar[dict[type, list[tuple[str, Callable[[Any], Any] | None, str]]]] = {}

    @classmethod
    def _row_plan(cls) -> list[tuple[str, Callable[[Any], Any] | None, str]]:
        plan = FlatRowSerializer._plans.get(cls)
        if plan is None:
            prototype = cls()
            concrete = {f.name: f for f in cls.Meta.model._meta.concrete_fields}
            for field in prototype._readable_fields:  # a reader would carry the prototype's empty context
                if isinstance(field, _USES_CONTEXT):
                    raise TypeError(f"{cls.__name__}.{field.field_name}: a nested or linked field reads the context")
            plan = [
                (field.field_name, None, field.method_name)
                if isinstance(field, serializers.SerializerMethodField)
                else (field.field_name, _reader(field, concrete), "")
                for field in prototype._readable_fields
            ]
            FlatRowSerializer._plans[cls] = plan
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        row = {}
        for name, read, method in self._row_plan():
            value = getattr(self, method)(instance) if read is None else read(instance)
            if value is not _SKIP:
                row[name] = value
        return row


def _reader(field: serializers.Field, concrete: dict[str, Any]) -> Callable[[Any], Any]:
    def drf(instance: Any) -> Any:  # Serializer.to_representation, for one field
        try:
            attribute = field.get_attribute(instance)
        except serializers.SkipField:
            return _SKIP
        value = attribute.pk if isinstance(attribute, serializers.PKOnlyObject) else attribute
        return None if value is None else field.to_representation(attribute)

    if len(field.source_attrs) != 1:
        return drf
    name = field.source_attrs[0]
    model_field = concrete.get(name)
    if type(field) is serializers.PrimaryKeyRelatedField and field.pk_field is None and model_field is not None:
        return attrgetter(model_field.attname)  # the id itself, as DRF's pk-only optimisation gives
    if model_field is not None and model_field.is_relation or not isinstance(field, _PLAIN):
        return drf
    get, represent = attrgetter(name), field.to_representation

    def plain(instance: Any) -> Any:
        try:
            value = get(instance)
        except AttributeError:
            return drf(instance)  # DRF decides: a default, None or leaving the field out
        if callable(value):
            return drf(instance)
        return None if value is None else represent(value)

    return plain


class SignalSerializer(FlatRowSerializer):
    # ids read for the whole page by the view (SignalViewSet.shown)
    persons = serializers.ListField(
        child=serializers.IntegerField(),
        source="person_ids",
        read_only=True,
        help_text="Ids van de betrokken personen.",
    )
    life_domains = serializers.ListField(
        child=serializers.IntegerField(), source="life_domain_ids", read_only=True, help_text="Ids van de leefdomeinen."
    )

    class Meta:
        model = Signal
        fields = [
            "id",
            "status",
            "source",
            "channel",
            "received_on",
            "urgency",
            "reporter",
            "description",
            "main_person",
            "persons",
            "life_domains",
            "team",
            "area",
            "outcome",
            "triaged_on",
            "trajectory",
        ]


class SignalCreateSerializer(StrictSerializer):
    source = fields.ChoiceField(choices=Signal.Source.choices, help_text="Wie de melding doet.")
    channel = fields.ChoiceField(choices=Signal.Channel.choices, help_text="Hoe de melding binnenkwam.")
    received_on = fields.DateField(help_text="Datum melding (niet in de toekomst).")
    urgency = fields.ChoiceField(choices=Signal.Urgency.choices, default=Signal.Urgency.NORMAL)
    reporter = fields.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = fields.CharField(max_length=10000, help_text="Omschrijving van de vraag of zorg.")
    persons = fields.ListField(
        child=fields.TextField(max_length=11),
        min_length=1,
        max_length=20,
        help_text="BSN's van bekende personen om wie de melding gaat; de eerste is de hoofdpersoon.",
    )
    life_domains = fields.ListField(
        child=fields.IntegerField(min_value=1, max_value=2**31 - 1),
        max_length=20,
        required=False,
        default=list,
        help_text="Ids van leefdomeinen.",
    )


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["person", "role", "start_date", "end_date"]


class HouseholdSerializer(FlatRowSerializer):
    members = serializers.SerializerMethodField(help_text="Leden (ook vroegere) die u mag zien.")
    municipality = serializers.CharField(source="municipality.code", read_only=True)

    class Meta:
        model = Household
        fields = ["id", "name", "municipality", "area", "postcode", "huisnummer", "straat", "woonplaats", "members"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, household: Household) -> list[dict[str, Any]]:
        # plain dicts: a nested serializer per row costs more than the page's SQL (DESIGN.md §1)
        return [
            {
                "person": m.person_id,
                "role": m.role,
                "start_date": m.start_date.isoformat(),
                "end_date": m.end_date.isoformat() if m.end_date else None,
            }
            for m in getattr(household, "shown_members", [])
        ]


class PersonSerializer(FlatRowSerializer):
    bsn = serializers.CharField(allow_null=True, read_only=True, help_text="Leeg als de toestemming dit niet deelt.")
    geboortedatum = serializers.DateField(allow_null=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum"]


class TrajectorySerializer(FlatRowSerializer):
    regisseur = serializers.IntegerField(
        source="regisseur_id", allow_null=True, read_only=True, help_text="Id van de huidige regisseur."
    )

    class Meta:
        model = Trajectory
        fields = ["id", "household", "team", "status", "started_on", "closed_on", "closure_reason", "regisseur"]


class PlanSerializer(FlatRowSerializer):
    version = serializers.IntegerField(read_only=True)  # not the database's range: the schema is the same on each

    class Meta:
        model = Plan
        fields = ["id", "trajectory", "household", "version", "status", "agreed_on", "next_review_on"]


class ActionSerializer(FlatRowSerializer):
    organisation = serializers.CharField(
        source="professional.organisation.name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Action
        fields = ["id", "description", "party", "member", "network_name", "professional", "organisation", "due_on"]
        fields += ["status", "done_on"]


# A goal as the viewer may see it: in full, or (a partner's view of another organisation's goal) only
# *that* organisations are involved. (A comment: the docstring is the schema's description.)
class GoalSerializer(serializers.Serializer):
    """Een doel zoals de gebruiker het mag zien: volledig, of (een partner bij een doel van een andere
    organisatie) alleen dát er organisaties bij betrokken zijn ("dat, niet wat")."""

    id = serializers.IntegerField(source="goal.pk")
    full = serializers.BooleanField(help_text="Onwaar: alleen dát er een organisatie bij betrokken is.")
    organisations = serializers.ListField(child=serializers.CharField())
    domain = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_domain(self, view: Any) -> str | None:
        return view.goal.domain.name if view.full else None

    def get_result(self, view: Any) -> str | None:
        return view.goal.result if view.full else None

    def get_due_on(self, view: Any) -> str | None:
        return view.goal.due_on.isoformat() if view.full else None

    def get_status(self, view: Any) -> str | None:
        return view.goal.status if view.full else None

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, view: Any) -> list[dict[str, Any]]:
        return [ActionSerializer(a).data for a in view.actions]


class PlanDetailSerializer(PlanSerializer):
    what_goes_well = serializers.SerializerMethodField()
    household_wishes = serializers.SerializerMethodField()
    whole_plan = serializers.SerializerMethodField(help_text="Onwaar: u ziet alleen de doelen van uw organisatie.")
    goals = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "whole_plan", "what_goes_well", "household_wishes", "goals"]

    def get_whole_plan(self, plan: Plan) -> bool:
        return bool(self.context["whole"])

    def get_what_goes_well(self, plan: Plan) -> str | None:
        return plan.what_goes_well if self.context["whole"] else None

    def get_household_wishes(self, plan: Plan) -> str | None:
        return plan.household_wishes if self.context["whole"] else None

    @extend_schema_field(GoalSerializer(many=True))
    def get_goals(self, plan: Plan) -> list[dict[str, Any]]:
        return [GoalSerializer(view).data for view in self.context["goal_views"]]


class ReferralSerializer(FlatRowSerializer):
    question = serializers.SerializerMethodField(help_text="Leeg als de grondslag voor de ontvanger is vervallen.")
    handover = serializers.SerializerMethodField(help_text="Leeg als de grondslag voor de ontvanger is vervallen.")
    content_shown = serializers.SerializerMethodField(help_text="Onwaar: alleen de stand, de grondslag is vervallen.")

    class Meta:
        model = Referral
        fields = ["id", "trajectory", "goal", "person", "service", "organisation", "status", "proposed_on"]
        fields += ["sent_on", "answered_on", "started_on", "closed_on", "feedback_due_on", "helped"]
        fields += ["content_shown", "question", "handover"]

    def _content(self, referral: Referral) -> bool:
        return bool(getattr(referral, "content_shown", True))

    def get_content_shown(self, referral: Referral) -> bool:
        return self._content(referral)

    def get_question(self, referral: Referral) -> str | None:
        return referral.question if self._content(referral) else None

    def get_handover(self, referral: Referral) -> str | None:
        return referral.handover if self._content(referral) else None


class DecisionSerializer(FlatRowSerializer):
    trajectory = serializers.IntegerField(source="procedure.trajectory_id", read_only=True)
    person = serializers.IntegerField(source="procedure.person_id", read_only=True)
    law = serializers.CharField(source="procedure.law", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "procedure", "trajectory", "person", "law", "outcome", "status", "approved_at", "sent_on"]


class ServiceSerializer(FlatRowSerializer):
    domains = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    areas = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    target_groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    minimum_age = serializers.IntegerField(allow_null=True, read_only=True)
    maximum_age = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = CommunityService
        fields = ["id", "hsds_id", "name", "organization_name", "description", "status", "email", "url", "phone"]
        fields += ["eligibility", "minimum_age", "maximum_age", "free", "fees", "opening_hours"]
        fields += ["domains", "areas", "target_groups"]


PROTECTED_VALUE = (
    "Tekst zoals het dashboard hem toont, met eenheid (bv. `20%`, `4,9`, `€ 1.250`, `12 dagen`, `—`). "
    "Beschermd: een aantal onder 5 als `<5`, andere aantallen afgerond op vijftallen; een aandeel, "
    "gemiddelde of bedrag over minder dan 5 gevallen als `<5 gevallen`; `x` als een totaal is weggelaten "
    "omdat het anders een beschermd aantal elders zou verraden."
)


PROTECTED_NUMBER = (
    "Het getal dat `value` toont, als JSON-getal in de eenheid van de indicator (`€ 1.250` → 1250, "
    "`20%` → 20, `4,9` → 4.9, `12 dagen` → 12); null als de tekst geen getal is (`<5`, `<5 gevallen`, "
    "`x`, `—`). Gelezen uit de getoonde tekst: het zegt nooit meer dan die."
)


class BreakdownSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField(help_text=PROTECTED_VALUE)
    number = serializers.FloatField(allow_null=True, help_text=PROTECTED_NUMBER)


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.CharField(help_text=PROTECTED_VALUE)
    number = serializers.FloatField(allow_null=True, help_text=PROTECTED_NUMBER)
    previous = serializers.CharField(help_text="De waarde in de vorige periode, op dezelfde manier.")
    previous_number = serializers.FloatField(allow_null=True, help_text="Het getal van `previous`, als `number`.")
    breakdown = BreakdownSerializer(many=True)


class IndicatorBoardSerializer(serializers.Serializer):
    board = serializers.CharField()
    period = serializers.CharField()
    protected = serializers.BooleanField()
    indicators = IndicatorSerializer(many=True)
