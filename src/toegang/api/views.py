"""The API's endpoints. Thin: each starts from the same access predicate as the UI (DESIGN.md rule 1),
reads a page with explicit joins, writes one audit row with the page's subjects, and renders.
Writes call the same service as the UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from toegang.accounts.models import User
from toegang.api import serializers as s
from toegang.audit import services as audit
from toegang.cases.models import Trajectory
from toegang.cases.selectors import (
    CASE_ROLES,
    consent_scopes_by_household,
    current_regisseur_subquery,
    households_visible_to,
    involved_on_consent,
    sees_case_content,
    trajectories_visible_to,
    visible_household,
)
from toegang.common.converters import parse_id
from toegang.common.dates import today
from toegang.network import referrals, socialmap
from toegang.network.models import CommunityService, Referral
from toegang.network.socialmap_views import require_social_map_user
from toegang.people import services as people_services
from toegang.people.models import Household, Membership, Person
from toegang.people.selectors import member_ids_of_households, member_rows_of_households
from toegang.plans import need_to_know
from toegang.plans.models import LifeDomain, Plan
from toegang.plans.selectors import plan_with_content
from toegang.privacy.models import Consent
from toegang.procedures.models import Decision
from toegang.signals import services as signal_services
from toegang.signals.models import Signal
from toegang.signals.selectors import person_and_life_domain_ids, signals_visible_to
from toegang.steering.views import BOARDS

PROBLEM = {"application/problem+json": {"type": "object"}}


def check_query(request: Request, allowed: Iterable[str]) -> None:
    """A query parameter the endpoint does not know is an error (a typo must not widen a list), and so is
    one given twice (which of the two would count?)."""
    params = request.query_params
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise exceptions.ValidationError({name: [_("Onbekende parameter.")] for name in unknown})
    repeated = sorted(name for name in params if len(params.getlist(name)) > 1)
    if repeated:
        raise exceptions.ValidationError({name: [_("Geef deze parameter één keer.")] for name in repeated})


def _choice_filter(request: Request, name: str, choices: Iterable[str]) -> str | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if value not in set(choices):
        raise exceptions.ValidationError({name: [_("Kies uit: %(c)s.") % {"c": ", ".join(choices)}]})
    return value


class ReadOnlyResource(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A list and a detail, both from ``visible(user)``; one audit row per request with its subjects.
    A detail outside the user's access is a 404, logged as a denied attempt like the UI does."""

    required_scopes = {"GET": "cases:read"}
    audit_type = ""
    denied_type = ""  # object_type for audit.log_denied ("household", "trajectory") when the UI logs it

    def user(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # noqa: S101 - BearerAuthentication returns a User
        return user

    def check_role(self, user: User) -> None:
        if not sees_case_content(user):
            raise exceptions.PermissionDenied(_("Uw rol geeft geen toegang tot dossiers van inwoners."))

    def visible(self, user: User) -> QuerySet[Any]:
        raise NotImplementedError

    def for_list(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs

    def for_detail(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return self.for_list(qs)

    def shown(self, rows: list[Any]) -> list[Any]:
        """Hook after the page is read (consent scopes): one query for the whole page at most."""
        return rows

    def subjects(self, rows: Sequence[Any]) -> list[int]:
        raise NotImplementedError

    def denied_subjects(self, number: int) -> list[int]:
        """The persons a refused detail concerns, read without the access predicate: the attempt is logged
        under them, so the privacy officer sees it on their log (as the UI's ``log_denied``). The
        caller gets the same 404 whether the row exists or not."""
        model = self.get_serializer_class().Meta.model
        return self.subjects(list(self.for_detail(model._default_manager.filter(pk=number))))

    def get_queryset(self) -> QuerySet[Any]:
        return self.visible(self.user())

    filters: tuple[str, ...] = ()  # query parameters a list takes besides the cursor and page_size

    def check_params(self, allowed: Iterable[str]) -> None:
        check_query(self.request, allowed)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_params(("cursor", "page_size", *self.filters))
        user = self.user()
        self.check_role(user)
        page = self.paginate_queryset(self.for_list(self.get_queryset()))
        rows = self.shown(list(page or []))
        audit.record(
            actor=user,
            action=audit.Action.READ,
            object_type=f"api:{self.audit_type}",
            subjects=self.subjects(rows),
            detail=f"API {request.get_full_path()}"[:300],
        )
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_params(())
        user = self.user()
        self.check_role(user)
        obj = self.find(user, self.kwargs["pk"])
        audit.record(
            actor=user,
            action=audit.Action.READ,
            obj=obj,
            subjects=self.subjects([obj]),
            detail=f"API {request.get_full_path()}"[:300],
        )
        return Response(self.detail_data(user, obj))

    def find(self, user: User, pk: str) -> Any:
        number = parse_id(str(pk))  # a number beyond the id columns exists nowhere
        if number is None:
            raise exceptions.NotFound(_("Niet gevonden, of u heeft er geen toegang toe."))
        found = self.shown(list(self.for_detail(self.visible(user)).filter(pk=number)[:1]))
        if not found:
            if self.denied_type:
                audit.log_denied(user=user, object_type=self.denied_type, object_id=number)
            else:
                audit.record(
                    actor=user,
                    action=audit.Action.DENIED,
                    object_type=self.audit_type,
                    object_id=pk,
                    subjects=self.denied_subjects(number),
                    detail="API: geen toegang of onbekend (404)",
                )
            raise exceptions.NotFound(_("Niet gevonden, of u heeft er geen toegang toe."))
        return found[0]

    def detail_data(self, user: User, obj: Any) -> Any:
        return self.get_serializer(obj).data


# --- signals -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Meldingen",
        description="De meldingen die de gebruiker in de applicatie ziet (team, of zelf geregistreerd).",
        parameters=[OpenApiParameter("status", str, enum=Signal.Status.values, description="Alleen deze status.")],
    ),
    retrieve=extend_schema(summary="Eén melding"),
    create=extend_schema(
        summary="Melding registreren",
        description=(
            "Registreert een melding voor het team van de gebruiker, via dezelfde dienst als het "
            "meldingsformulier. De personen zijn bij BSN bekende personen."
        ),
        request=s.SignalCreateSerializer,
        responses={201: s.SignalSerializer},
    ),
)
class SignalViewSet(mixins.CreateModelMixin, ReadOnlyResource):
    required_scopes = {"GET": "signals:read", "POST": "signals:write"}
    filters = ("status",)
    serializer_class = s.SignalSerializer
    audit_type = "signal"

    def visible(self, user: User) -> QuerySet[Signal]:
        qs = signals_visible_to(user)
        status = _choice_filter(self.request, "status", Signal.Status.values)
        return qs.filter(status=status) if status else qs

    def shown(self, rows: list[Signal]) -> list[Signal]:
        """The page's persons and life domains as ids, in one statement: the serializer lists only ids, and
        a prefetch would build a related manager and a queryset per row for them."""
        ids = person_and_life_domain_ids([signal.pk for signal in rows]) if rows else {}
        for signal in rows:
            signal.person_ids, signal.life_domain_ids = ids[signal.pk]  # type: ignore[attr-defined]
        return rows

    def subjects(self, rows: Sequence[Signal]) -> list[int]:
        return sorted({pk for signal in rows for pk in signal.person_ids})  # type: ignore[attr-defined]

    def denied_subjects(self, number: int) -> list[int]:
        return person_and_life_domain_ids([number])[number][0]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_params(())  # a query parameter on a write was ignored; on a read it is an error
        user = self.user()
        if not user.is_active or (user.role not in CASE_ROLES and not user.is_superuser) or user.team is None:
            raise exceptions.PermissionDenied(
                _("Meldingen registreren doen professionals en teamleiders van een team.")
            )
        incoming = s.SignalCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        domain_ids = list(dict.fromkeys(data["life_domains"]))
        domains = list(LifeDomain.objects.filter(pk__in=domain_ids))
        if len(domains) != len(domain_ids):
            raise exceptions.ValidationError({"life_domains": [_("Een of meer leefdomeinen bestaan niet.")]})
        with transaction.atomic():  # the service writes the signal and its one audit row together
            persons = people_services.known_persons_by_bsn(
                data["persons"], field="persons", label=_("Betrokken personen")
            )
            signal = signal_services.register_signal(
                actor=user,
                team=user.team,
                source=data["source"],
                channel=data["channel"],
                received_on=data["received_on"],
                description=data["description"],
                persons=persons,
                urgency=data["urgency"],
                reporter=data["reporter"],
                life_domains=domains,
            )
        return Response(s.SignalSerializer(self.shown([signal])[0]).data, status=201)


# --- households and persons ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Huishoudens", description="De huishoudens die de gebruiker in de applicatie ziet."),
    retrieve=extend_schema(summary="Eén huishouden"),
)
class HouseholdViewSet(ReadOnlyResource):
    serializer_class = s.HouseholdSerializer
    audit_type = "household"
    denied_type = "household"

    def visible(self, user: User) -> QuerySet[Household]:
        return households_visible_to(user)

    def for_list(self, qs: QuerySet[Household]) -> QuerySet[Household]:
        return qs.select_related("municipality")

    def shown(self, rows: list[Household]) -> list[Household]:
        """The members as plain rows, one query for the page. Under a consent scope (a partner involved on
        consent only): the consented members only, and the address only when contact data is shared, as
        on the household page."""
        ids = [h.pk for h in rows]
        member_rows = member_rows_of_households(ids)
        scopes = consent_scopes_by_household(viewer=self.user(), household_ids=ids)
        for household in rows:
            scope = scopes.get(household.pk)
            members = member_rows[household.pk]
            if scope is not None:
                if not scope.shares(Consent.Category.HOUSEHOLD):
                    members = [m for m in members if m.person_id in scope.person_ids]
                if not scope.shares(Consent.Category.CONTACT):
                    household.postcode = household.huisnummer = household.straat = household.woonplaats = ""
            household.shown_members = members  # type: ignore[attr-defined]
        return rows

    def subjects(self, rows: Sequence[Household]) -> list[int]:
        return sorted({m.person_id for h in rows for m in getattr(h, "shown_members", [])})


@extend_schema_view(
    list=extend_schema(
        summary="Personen",
        description="De (vroegere) leden van de huishoudens die de gebruiker ziet; onder een toestemming alleen "
        "wie en wat die toestemming deelt.",
    ),
    retrieve=extend_schema(summary="Eén persoon"),
)
class PersonViewSet(ReadOnlyResource):
    serializer_class = s.PersonSerializer
    audit_type = "person"

    def visible(self, user: User) -> QuerySet[Person]:
        condition = visible_household(user, "household_id")
        memberships = Membership.objects.filter(person_id=OuterRef("pk"))
        if condition is not None:
            memberships = memberships.filter(condition)
        return Person.objects.filter(Exists(memberships))

    def shown(self, rows: list[Person]) -> list[Person]:
        """A person reached only through consent-scoped households: shown when the consent covers the
        household or names them; BSN and birth date only when contact data is shared (as in search)."""
        user = self.user()
        if user.role != User.Role.PROFESSIONAL or not rows or not involved_on_consent(user):
            return rows  # nothing a consent limits (cases/selectors.py)
        condition = visible_household(user, "household_id")
        memberships = Membership.objects.filter(person_id__in=[p.pk for p in rows])
        if condition is not None:
            memberships = memberships.filter(condition)
        pairs = list(memberships.values_list("person_id", "household_id"))
        scopes = consent_scopes_by_household(viewer=user, household_ids={h for _p, h in pairs})
        households_of: dict[int, list[int]] = {}
        for person_id, household_id in pairs:
            households_of.setdefault(person_id, []).append(household_id)
        result = []
        for person in rows:
            households = households_of.get(person.pk, [])
            limits = [scopes.get(h) for h in households]
            if any(scope is None for scope in limits):
                result.append(person)  # one household without a limit: the person as the UI shows them
                continue
            covering = [
                sc
                for sc in limits
                if sc is not None and (sc.shares(Consent.Category.HOUSEHOLD) or person.pk in sc.person_ids)
            ]
            if not covering:
                continue
            if not any(sc.shares(Consent.Category.CONTACT) for sc in covering):
                person.bsn = None
                person.geboortedatum = None
            result.append(person)
        return result

    def subjects(self, rows: Sequence[Person]) -> list[int]:
        return sorted(p.pk for p in rows)


# --- trajectories and plans ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Trajecten",
        description="De trajecten die de gebruiker in de applicatie ziet.",
        parameters=[OpenApiParameter("status", str, enum=Trajectory.Status.values, description="Alleen deze status.")],
    ),
    retrieve=extend_schema(summary="Eén traject"),
)
class TrajectoryViewSet(ReadOnlyResource):
    serializer_class = s.TrajectorySerializer
    filters = ("status",)
    audit_type = "trajectory"
    denied_type = "trajectory"

    def visible(self, user: User) -> QuerySet[Trajectory]:
        qs = trajectories_visible_to(user)
        status = _choice_filter(self.request, "status", Trajectory.Status.values)
        return qs.filter(status=status) if status else qs

    def for_list(self, qs: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
        return qs.annotate(regisseur_id=current_regisseur_subquery())

    def subjects(self, rows: Sequence[Trajectory]) -> list[int]:
        return member_ids_of_households(sorted({t.household_id for t in rows}))


@extend_schema_view(
    list=extend_schema(
        summary="Plannen", description="Plannen (alleen de kop) van de trajecten die de gebruiker ziet."
    ),
    retrieve=extend_schema(
        summary="Eén plan met doelen en acties",
        description="Met need-to-know: een professional van een partnerorganisatie ziet de doelen waarin de "
        "eigen organisatie een actie heeft volledig, van andere doelen alleen dát er een organisatie bij "
        "betrokken is.",
        responses=s.PlanDetailSerializer,
    ),
)
class PlanViewSet(ReadOnlyResource):
    serializer_class = s.PlanSerializer
    audit_type = "plan"

    def visible(self, user: User) -> QuerySet[Plan]:
        return Plan.objects.filter(trajectory__in=trajectories_visible_to(user))

    def subjects(self, rows: Sequence[Plan]) -> list[int]:
        return member_ids_of_households(sorted({p.household_id for p in rows}))

    def detail_data(self, user: User, obj: Plan) -> Any:
        # the same rules as the plan page (plans.views._plan_context)
        from toegang.cases.selectors import consent_scope

        plan = plan_with_content(plan_id=obj.pk)
        whole = need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=plan.trajectory_id)
        views = need_to_know.goal_views(plan=plan, viewer=user, whole=whole)
        scope = None if whole else consent_scope(viewer=user, trajectory=plan.trajectory)
        if scope is not None and not scope.shares(Consent.Category.PLAN):
            views = [gv for gv in views if gv.full]
        return s.PlanDetailSerializer(plan, context={"whole": whole, "goal_views": views}).data


# --- referrals, decisions and the social map -----------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Verwijzingen",
        description="Wat de organisatie van de gebruiker ontving, en de verwijzingen van de zaken waarvan de "
        "gebruiker het hele plan ziet. Is de toestemming waarop een overdracht rust vervallen, dan ziet de "
        "ontvanger alleen de stand.",
    ),
    retrieve=extend_schema(summary="Eén verwijzing"),
)
class ReferralViewSet(ReadOnlyResource):
    serializer_class = s.ReferralSerializer
    audit_type = "referral"

    def check_role(self, user: User) -> None:
        receiving = user.role in referrals.RECEIVING_ROLES and user.organisation_id is not None
        if not user.is_active or not (receiving or user.role in CASE_ROLES or sees_case_content(user)):
            raise exceptions.PermissionDenied(_("Verwijzingen zijn er voor de regie en de ontvangende organisaties."))

    def visible(self, user: User) -> QuerySet[Referral]:
        return referrals.visible_to(user)

    def for_list(self, qs: QuerySet[Referral]) -> QuerySet[Referral]:
        return qs.select_related("consent")

    def shown(self, rows: list[Referral]) -> list[Referral]:
        user, on = self.user(), today()
        for referral in rows:  # the receiving side reads the handover only while its basis holds (as the UI)
            receiving = referral.organisation_id == user.organisation_id
            referral.content_shown = not receiving or referrals.shows_content(referral=referral, on=on)  # type: ignore[attr-defined]
        return rows

    def subjects(self, rows: Sequence[Referral]) -> list[int]:
        return sorted({r.person_id for r in rows if getattr(r, "content_shown", True)})


@extend_schema_view(
    list=extend_schema(
        summary="Beschikkingen",
        description="De beschikkingen van de trajecten die de gebruiker ziet en waarvan hij de wettelijke procedure "
        "volgt: de regisseur en de medewerkers van de gemeente, niet een partnerorganisatie.",
    ),
    retrieve=extend_schema(summary="Eén beschikking"),
)
class DecisionViewSet(ReadOnlyResource):
    serializer_class = s.DecisionSerializer
    audit_type = "decision"

    def visible(self, user: User) -> QuerySet[Decision]:
        # as procedures.views: through the trajectories the user sees, and only where the statutory
        # procedure is theirs to follow (the regisseur and the municipality's staff, not a partner)
        qs = Decision.objects.filter(procedure__trajectory__in=trajectories_visible_to(user).values("pk"))
        whole = need_to_know.whole_plan_condition(user, "procedure__trajectory_id")
        return qs if whole is None else qs.filter(whole)

    def for_list(self, qs: QuerySet[Decision]) -> QuerySet[Decision]:
        return qs.select_related("procedure")

    def subjects(self, rows: Sequence[Decision]) -> list[int]:
        return sorted({d.procedure.person_id for d in rows})


@extend_schema_view(
    list=extend_schema(
        summary="Sociale kaart",
        description="De actieve voorzieningen van het voorliggend veld in de gemeente van de gebruiker.",
    ),
    retrieve=extend_schema(summary="Eén voorziening"),
)
class ServiceViewSet(ReadOnlyResource):
    required_scopes = {"GET": "socialmap:read"}
    serializer_class = s.ServiceSerializer
    audit_type = "communityservice"

    def check_role(self, user: User) -> None:
        require_social_map_user(self.request._request)  # the social map page's own rule

    def visible(self, user: User) -> QuerySet[CommunityService]:
        return socialmap.search(user.municipality_id or 0)

    def for_list(self, qs: QuerySet[CommunityService]) -> QuerySet[CommunityService]:
        return qs.prefetch_related("areas", "domains", "target_groups")

    def subjects(self, rows: Sequence[CommunityService]) -> list[int]:
        return []  # no client data


# --- steering indicators -------------------------------------------------------------------------------


@extend_schema(
    summary="Sturingsindicatoren van een dashboard",
    description=(
        "De indicatoren van een dashboard (team, manager, opdrachtgever) voor wie dat dashboard mag openen, "
        "altijd kleine-aantallen-beschermd zoals de exports: aantallen onder 5 als <5, de rest afgerond op "
        "vijftallen. Filters als op het dashboard: periode, wet, gebied, team, organisatie. De waarden zijn "
        "tekst zoals het dashboard ze toont (Nederlandse notatie met eenheid: `20%`, `4,9`, `€ 1.250`, "
        "`12 dagen`; `—` als er niets te berekenen is), met ernaast hetzelfde getal als JSON-getal (`number`; "
        "null waar de tekst geen getal is, zoals `<5`); zie docs/api.md."
    ),
    parameters=[
        OpenApiParameter(
            "board",
            str,
            OpenApiParameter.PATH,
            enum=list(BOARDS),
            description="Het dashboard: team (teamleider, eigen team), manager of opdrachtgever.",
        ),
        OpenApiParameter("periode", str, description="Maand, kwartaal of jaar, bv. 2026-K3; standaard dit kwartaal."),
        OpenApiParameter("wet", str, description="wmo, jw of pw."),
        OpenApiParameter("gebied", int, description="Id van een wijk of kern."),
        OpenApiParameter("team", int, description="Id van een team."),
        OpenApiParameter("organisatie", int, description="Id van een organisatie."),
    ],
    responses=s.IndicatorBoardSerializer,
)
class IndicatorView(GenericAPIView):
    required_scopes = {"GET": "steering:read"}
    serializer_class = s.IndicatorBoardSerializer
    pagination_class = None

    def get(self, request: Request, board: str) -> Response:
        from toegang.steering import summaries
        from toegang.steering import views as steering

        check_query(request, ("periode", "wet", "gebied", "team", "organisatie"))
        for name in ("gebied", "team", "organisatie"):  # steering's pick() takes "¹" for a digit, int() does not
            value = request.query_params.get(name, "")
            if value and not (value.isascii() and value.isdigit()):
                raise exceptions.ValidationError({name: [_("Kies een id (een geheel getal).")]})
        user, chosen_board = steering._board(request._request, board)
        chosen = steering._choose(request._request, user, chosen_board, params=request.query_params)
        if chosen.errors:
            raise exceptions.ValidationError({name: [str(message)] for name, message in chosen.invalid.items()})
        rows = steering._rows(chosen_board, chosen, summaries.latest(), protect=True)
        audit.record(
            actor=user,
            action=audit.Action.READ,
            object_type="api:indicators",
            object_id=chosen_board.code,
            detail=f"API {request.get_full_path()}"[:300],
        )
        indicators = []
        for row in rows:
            value = steering.show(row.indicator, row.now, protected=True)
            previous = steering.show(row.indicator, row.before, protected=True)
            indicators.append(
                {
                    "code": row.indicator.code,
                    "name": row.indicator.name,
                    "group": row.indicator.group,
                    "unit": row.indicator.unit,
                    "value": value,
                    "number": steering.number(value),
                    "previous": previous,
                    "previous_number": steering.number(previous),
                    "breakdown": [
                        {"label": label, "value": shown, "number": steering.number(shown)}
                        for label, shown in steering._breakdown(row.now, protected=True)
                    ],
                }
            )
        body = {
            "board": chosen_board.code,
            "period": chosen.filters.period.code,
            "protected": True,
            "indicators": indicators,
        }
        return Response(body)
