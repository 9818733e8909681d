"""Household page, caseload, search and the trajectory's own actions (notes, regie, closure)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases import documents, selectors, services
from toegang.cases.forms import (
    CloseForm,
    InvolvementForm,
    MemberForm,
    NoteForm,
    PersonChangeForm,
    RegisseurForm,
    StandInForm,
)
from toegang.cases.models import Document, Involvement, StandIn, Trajectory
from toegang.cases.search import MAX_RESULTS, SearchForm, search_persons
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.exports import csv_response
from toegang.common.forms import UtrechtForm, field_label
from toegang.common.views import first_rows, require_case_reader, require_case_worker, submitted, trajectory_or_404
from toegang.people import services as people_services
from toegang.people.brp import prefill as brp_prefill
from toegang.people.brp.client import FIELDS_CORRECTION, FIELDS_MEMBER
from toegang.people.models import Household, Membership, Person, PersonSource
from toegang.people.selectors import member_ids_of_households
from toegang.plans import need_to_know
from toegang.plans import selectors as plan_selectors
from toegang.portal import selectors as portal_selectors
from toegang.portal.forms import RepresentationForm
from toegang.privacy.context import (
    STEERING_REFUSED,
    current_emergency,
    reached_only_through_emergency,
)
from toegang.privacy.models import Consent, RightsRequest


def caseload(request: HttpRequest) -> HttpResponse:
    user = require_case_reader(request)
    trajectories, capped = first_rows(selectors.caseload(user=user), 500)
    regisseur_ids = {t.regisseur_id for t in trajectories}  # type: ignore[attr-defined]
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=regisseur_ids)}
    for t in trajectories:
        t.regisseur_name = names.get(t.regisseur_id, "")  # type: ignore[attr-defined]
        t.i_am_regisseur = t.regisseur_id == user.pk  # type: ignore[attr-defined]
        t.standing_in = bool(t.acting_for)  # type: ignore[attr-defined]
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="caseload",
        subjects=member_ids_of_households([t.household_id for t in trajectories]),
        detail=f"{len(trajectories)} trajecten (huishoudniveau)",
    )
    return render(request, "cases/caseload.html", {"trajectories": trajectories, "capped": capped, "today": today()})


def team_overview(request: HttpRequest) -> HttpResponse:
    user = require_case_reader(request)
    if user.team_id is None:
        raise Http404
    trajectories, capped = first_rows(selectors.team_trajectories(user=user), 500)
    counts = selectors.team_caseload_counts(user=user)
    names = {member.pk: str(member) for member, _n in counts}
    for t in trajectories:
        t.regisseur_name = names.get(t.regisseur_id, "")  # type: ignore[attr-defined]
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="teamoverzicht",
        subjects=member_ids_of_households([t.household_id for t in trajectories]),
        detail=f"{len(trajectories)} trajecten",
    )
    context = {"trajectories": trajectories, "capped": capped, "counts": counts, "today": today(), "team": user.team}
    return render(request, "cases/team.html", context)


def team_export(request: HttpRequest) -> HttpResponse:
    """The team's open trajectories as CSV for the team lead's own planning: no content, only who and when."""
    user = require_case_reader(request)
    if user.team_id is None:
        raise Http404
    trajectories = list(selectors.team_trajectories(user=user)[:5000])
    names = {member.pk: str(member) for member, _n in selectors.team_caseload_counts(user=user)}
    audit.record(
        actor=user,
        action=audit.Action.EXPORT,
        object_type="teamoverzicht",
        subjects=member_ids_of_households([t.household_id for t in trajectories]),
        detail=f"{len(trajectories)} trajecten als CSV",
    )
    return csv_response(
        "team-trajecten.csv",
        ["huishouden", "gebied", "gestart", "regisseur", "volgende evaluatie"],
        (
            [
                t.household.name,
                t.household.area.name,
                t.started_on.isoformat(),
                names.get(getattr(t, "regisseur_id", 0), ""),  # annotated by the selector
                getattr(t, "next_review_on", None) or "",
            ]
            for t in trajectories
        ),
    )


def household_or_404(user: User, household_id: int) -> Household:
    try:
        return selectors.household_for_page(user=user, household_id=household_id)
    except Household.DoesNotExist:
        log_denied(user=user, object_type="household", object_id=household_id)
        raise Http404 from None


def _steering_refusal(user: User, trajectory_id: int) -> str | None:
    """Why the user may not steer the trajectory's case, or None. Handing over the regie, involving or
    releasing partners, closing and correcting a member's data are for the regisseur, the municipality's staff
    and team leads; a partner professional works on their own part of the plan. Break-the-glass opens a
    household to read and to record what was done, not to steer its case."""
    if reached_only_through_emergency(user, trajectory_id):
        return str(STEERING_REFUSED)
    if not need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=trajectory_id):
        return _("Dit doet de regisseur of een medewerker van de gemeente.")
    return None


def _require_lead(user: User, trajectory: Trajectory) -> None:
    refusal = _steering_refusal(user, trajectory.pk)
    if refusal is not None:
        raise PermissionDenied(refusal)


HOUSEHOLD_NOTES = 10  # on the household page; the notes page has them all, NOTES_PAGE at a time
NOTES_PAGE = 50


def household_page(request: HttpRequest, household_id: int) -> HttpResponse:
    user = require_case_reader(request)
    household = household_or_404(user, household_id)
    day = today()
    memberships = list(household.memberships.select_related("person").order_by("start_date", "pk"))
    current = [m for m in memberships if m.is_current_on(day)]
    former = [m for m in memberships if not m.is_current_on(day)]
    trajectories = list(selectors.household_trajectories(household=household))
    trajectory = trajectories[0] if trajectories else None
    context = {
        "household": household,
        "current_members": current,
        "former_members": former,
        "trajectories": trajectories,
        "trajectory": trajectory,
        "today": day,
        "can_edit": user.role in selectors.CASE_ROLES
        and trajectory is not None
        and trajectory.status == Trajectory.Status.OPEN,
    }
    if trajectory is not None:
        regisseur = next((a for a in trajectory.regisseur_assignments.all() if a.end_date is None), None)
        whole = need_to_know.sees_whole_plan(viewer=user, regisseur_id=regisseur.professional_id if regisseur else None)
        scope = None if whole else selectors.consent_scope(viewer=user, trajectory=trajectory)
        shares = (lambda category: True) if scope is None else scope.shares
        plan = plan_selectors.current_plan(trajectory=trajectory)
        goal_views = need_to_know.goal_views(plan=plan, viewer=user, whole=whole) if plan else []
        if not shares(Consent.Category.PLAN):  # only the goals the viewer's organisation works on
            goal_views = [gv for gv in goal_views if gv.full]
        if scope is not None and not shares(Consent.Category.HOUSEHOLD):  # only who gave the consent
            context["current_members"] = [m for m in current if m.person_id in scope.person_ids]
            context["former_members"] = []
        notes_shared = shares(Consent.Category.NOTES)  # and documents
        # the latest few; all of them on the notes page (one more read tells whether there are more)
        latest_notes = (
            list(selectors.recent_notes(trajectory=trajectory, viewer=user, limit=HOUSEHOLD_NOTES + 1))
            if notes_shared
            else []
        )
        context.update(
            regisseur=regisseur,
            whole_plan=whole,
            can_lead=context["can_edit"]
            and whole
            and not current_emergency.get().opened(household.pk, trajectory.team_id, user.team_id),
            consent_scope=scope,
            shares_contact=shares(Consent.Category.CONTACT),
            shares_plan=shares(Consent.Category.PLAN),
            plan=plan,
            goal_views=goal_views,
            visible_goal_ids={gv.goal.pk for gv in goal_views if gv.full},
            explorations=list(plan_selectors.explorations(trajectory=trajectory)[:5]) if whole else [],
            procedures=list(trajectory.procedures.select_related("person").order_by("-reported_on", "-pk")[:20])
            if whole
            else [],
            escalations=list(trajectory.escalations.select_related("level").order_by("-raised_on", "-pk")[:10])
            if whole
            else [],
            conferences=list(trajectory.conferences.order_by("-held_on", "-pk")[:10]) if whole else [],
            referrals=list(
                trajectory.referrals.select_related("organisation", "service").order_by("-proposed_on", "-pk")[:20]
            )
            if whole
            else [],
            reviews=list(plan_selectors.reviews(trajectory=trajectory)[:10]) if shares(Consent.Category.PLAN) else [],
            notes=latest_notes[:HOUSEHOLD_NOTES],
            more_notes=len(latest_notes) > HOUSEHOLD_NOTES,
            shares_notes=notes_shared,
            documents=list(trajectory.documents.select_related("uploaded_by")[:50]) if notes_shared else [],
            note_form=_empty_note_form(day, get_language()),
        )
    audit.record(actor=user, action=audit.Action.READ, obj=household, subjects=[m.person_id for m in memberships])
    return render(request, "cases/household.html", context)


@functools.lru_cache(maxsize=4)
def _empty_note_form(day: dt.date, language: str | None) -> str:
    """The household page's form for a new note, dated today: the same HTML for every household on a
    day, rendered once instead of on every request (3–4 ms of the page on seed M)."""
    return str(NoteForm(initial={"happened_on": day}))


def _shares_notes(user: User, trajectory: Trajectory) -> bool:
    """Notes and documents: for everyone who sees the whole plan, and for a partner in on consent only
    when that consent shares them."""
    if need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=trajectory.pk):
        return True
    scope = selectors.consent_scope(viewer=user, trajectory=trajectory)
    return scope is None or scope.shares(Consent.Category.NOTES)


def _note_cursor(text: str) -> tuple[dt.date, int] | None:
    """``vanaf=<date>.<id>`` of the last note of the page before; None when it is no such thing."""
    day, _sep, pk = text.partition(".")
    if not (pk.isascii() and pk.isdigit() and len(pk) <= 18):  # an id the database can hold
        return None
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def notes(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    """All notes of a trajectory that the user may read, newest first, NOTES_PAGE at a time."""
    user = require_case_reader(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    if not _shares_notes(user, trajectory):
        log_denied(user=user, object_type="trajectory", object_id=trajectory.pk)
        raise Http404
    before = None
    if "vanaf" in request.GET:
        before = _note_cursor(request.GET["vanaf"])
        if before is None:
            error = _("Vanaf: geen geldige vervolgpagina; begin bij de nieuwste notities.")
            return render(request, "cases/notes.html", {"trajectory": trajectory, "error": error}, status=400)
    rows = list(selectors.recent_notes(trajectory=trajectory, viewer=user, limit=NOTES_PAGE + 1, before=before))
    more = len(rows) > NOTES_PAGE
    rows = rows[:NOTES_PAGE]
    audit.record(
        actor=user,
        action=audit.Action.READ,
        obj=trajectory,
        subjects=member_ids_of_households([trajectory.household_id]),
        detail=f"notities ({len(rows)})",
    )
    last = rows[-1] if more else None
    context = {
        "trajectory": trajectory,
        "notes": rows,
        "next": f"{last.happened_on.isoformat()}.{last.pk}" if last else "",
        "continued": before is not None,
    }
    return render(request, "cases/notes.html", context)


def involved(request: HttpRequest, household_id: int) -> HttpResponse:
    """Who is involved with each member: organisations, since when, a contact person; never content."""
    user = require_case_reader(request)
    household = household_or_404(user, household_id)
    overview = selectors.who_is_involved(household=household, on=today())
    scope = selectors.household_consent_scope(viewer=user, household=household)
    if scope is not None and not scope.shares(Consent.Category.HOUSEHOLD):  # only who gave the consent
        overview = [(person, rows) for person, rows in overview if person.pk in scope.person_ids]
    audit.record(
        actor=user,
        action=audit.Action.READ,
        obj=household,
        object_type="betrokkenen",
        subjects=[person.pk for person, _rows in overview],
        detail="wie is betrokken",
    )
    return render(request, "cases/involved.html", {"household": household, "overview": overview})


def person_page(request: HttpRequest, household_id: int, person_id: int) -> HttpResponse:
    """One (former) member's personal data with the source and time of each value (docs/brp.md). Visible
    to who sees the household and, under a consent scope, only with contact data shared for that person."""
    user = require_case_reader(request)
    household, membership = member_or_404(user, household_id, person_id)
    person = membership.person
    sources = {s.field: s for s in person.sources.all()}
    brp_fields = [name for name, _label in PersonSource.FIELDS]  # what the BRP gives, then what only Toegang holds
    rows = [
        (name, field_label(Person, name), getattr(person, name), sources.get(name), name in brp_fields)
        for name in (*brp_fields, "telefoon", "email")
    ]
    audit.record(actor=user, action=audit.Action.READ, obj=person, subjects=[person.pk], detail="persoonsgegevens")
    may_change = _person_change_refusal(user, household, membership) is None
    context = {
        "household": household,
        "person": person,
        "membership": membership,
        "rows": rows,
        "representations": portal_selectors.representations_of(person),
        "representation_form": RepresentationForm(initial={"start_date": today()}),
        "may_change": may_change,
        "correction_requested": may_change
        and person.rights_requests.filter(
            kind=RightsRequest.Kind.CORRECTION, status=RightsRequest.Status.OPEN
        ).exists(),
    }
    return render(request, "people/person.html", context)


def _latest_trajectory_id(household: Household) -> int | None:
    return household.trajectories.order_by("-started_on", "-pk").values_list("pk", flat=True).first()


def _person_change_refusal(user: User, household: Household, membership: Membership) -> str | None:
    """Why the user may not change this member's data, or None: for who steers the case of the household the
    person belongs to now (``_steering_refusal`` on its latest trajectory). Not for a former member: a person is
    one record, and their data is for the household they live in now (or the privacy officer)."""
    if user.role not in selectors.CASE_ROLES and not user.is_superuser:
        return _("Uw rol mag dossiers inzien maar niet wijzigen.")
    if membership.end_date is not None and membership.end_date < today():
        return _(
            "Gegevens wijzigen: deze persoon hoort niet meer bij dit huishouden; dat doet het team van het "
            "huishouden waar de persoon nu bij hoort."
        )
    trajectory_id = _latest_trajectory_id(household)
    if trajectory_id is None:
        return _("Gegevens wijzigen: dit huishouden heeft geen traject.")
    return _steering_refusal(user, trajectory_id)


def person_change(request: HttpRequest, household_id: int, person_id: int) -> HttpResponse:
    """Correct or update a member's data (``_person_change_refusal`` says who may)."""
    user = require_case_worker(request)
    household, membership = member_or_404(user, household_id, person_id)
    refusal = _person_change_refusal(user, household, membership)
    if refusal is not None:
        raise PermissionDenied(refusal)
    back = reverse("household-person", args=[household.pk, person_id])
    return change_person_page(request, user, membership.person, back=back, household=household)


def change_person_page(
    request: HttpRequest, user: User, person: Person, *, back: str, household: Household | None = None
) -> HttpResponse:
    """The "Gegevens wijzigen" form of a person the caller has let ``user`` change, going ``back`` there after a
    save. "Ophalen uit de BRP" fills the form with the BRP's current values, which are saved with their source
    like at registration; only what differs from what the form showed is written
    (``people.services.change_person``)."""
    brp = brp_prefill.handle(
        request,
        user=user,
        form_fields=list(people_services.CHANGEABLE),
        fields=FIELDS_CORRECTION,
        use="gegevens wijzigen",
        bsn=person.bsn or "",
        fixed_bsn=True,
    )
    stored = {name: getattr(person, name) for name in people_services.CHANGEABLE}
    requests = list(person.rights_requests.filter(kind=RightsRequest.Kind.CORRECTION, status=RightsRequest.Status.OPEN))
    initial = {**stored, "shown": shown_token(person), "reason": "correctieverzoek" if requests else ""}
    page = {"household": household, "person": person, "back": back, "correction_requests": requests}
    if brp.acted:  # fill the form with the BRP's values, save nothing
        typed = brp_prefill.typed(request, PersonChangeForm())
        form = PersonChangeForm(
            initial={**initial, **typed, **brp.initial, **({"reason": "brp"} if brp.initial else {})}
        )
        return _person_change_page(request, user, form, brp, page, differences=_brp_differences(form, stored, brp))
    form = PersonChangeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        brp_prefill.keep_snapshot(request, brp)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                changed = people_services.change_person(
                    actor=user, person=person, values=d, reason=d["reason"], shown=_shown_on_form(d["shown"])
                )
                typed = {name: d[name] for name in people_services.CHANGEABLE}
                sources = brp_prefill.record(request, user=user, person=person, typed=typed)
                if sources and not changed:  # the BRP confirmed the data: its sources have a new moment
                    audit.record(
                        actor=user,
                        action=audit.Action.UPDATE,
                        obj=person,
                        subjects=[person.pk],
                        detail="herkomst uit de BRP bijgewerkt",
                    )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if changed:
                labels = ", ".join(str(form.fields[name].label).lower() for name in changed)
                messages.success(request, _("Gewijzigd: %(fields)s.") % {"fields": labels})
                if "bsn" in changed:
                    _tell_providers_of_old_bsn(request, person)
            elif sources:
                messages.info(request, _("Er is niets gewijzigd; de herkomst uit de BRP is bijgewerkt."))
            else:
                messages.info(request, _("Er is niets gewijzigd: de gegevens waren al zo."))
            return redirect(back)
    return _person_change_page(request, user, form, brp, page)


def _brp_differences(
    form: UtrechtForm, stored: dict[str, Any], brp: brp_prefill.Prefill
) -> list[tuple[str, str, str]] | None:
    """What the BRP has otherwise than Toegang, per field (label, in Toegang, in the BRP), for the notice above
    the filled-in form; None when the BRP gave nothing (the lookup failed or found no one)."""
    if not brp.initial:
        return None

    def text(value: Any) -> str:
        return f"{value:%-d-%-m-%Y}" if isinstance(value, dt.date) else str(value or "").strip()

    return [
        (str(form.fields[name].label), text(stored[name]), text(value))
        for name, value in brp.initial.items()
        if name in stored and text(value) != text(stored[name])
    ]


def _tell_providers_of_old_bsn(request: HttpRequest, person: Person) -> None:
    """A corrected BSN: the providers that received an assignment for the person know the old one (AVG art. 19
    asks the controller to tell the recipients of a correction); Toegang sends them nothing by itself."""
    from toegang.procedures.models import Decision, Provider

    names = sorted(
        Provider.objects.filter(
            provisions__decision__procedure__person=person, provisions__decision__status=Decision.Status.SENT
        )
        .values_list("name", flat=True)
        .distinct()
    )
    if names:
        messages.warning(
            request,
            _(
                "Deze aanbieders kregen een toewijzing met het oude BSN: %(names)s. Laat hun de correctie weten "
                "(AVG art. 19); Toegang stuurt hun daarover geen bericht."
            )
            % {"names": ", ".join(names)},
        )


SHOWN_SALT = "toegang.cases.person_change.shown"
SHOWN_MAX_AGE = 12 * 3600


def shown_token(person: Person) -> str:
    """What the form shows of the person, signed: sent back with the save (``_shown_on_form``)."""
    return signing.dumps(people_services.shown_values(person), salt=SHOWN_SALT, compress=True)


def _shown_on_form(token: str) -> dict[str, str]:
    """What the form showed when it was opened (signed), or DomainError when it is missing, altered or old."""
    try:
        shown = signing.loads(token, salt=SHOWN_SALT, max_age=SHOWN_MAX_AGE)
    except signing.BadSignature:
        shown = None
    if not isinstance(shown, dict):
        raise DomainError(_("Gegevens: het formulier is verlopen of onvolledig; open de gegevens opnieuw."))
    return {str(name): str(value) for name, value in shown.items()}


def _person_change_page(
    request: HttpRequest,
    user: User,
    form: UtrechtForm,
    brp: brp_prefill.Prefill,
    page: dict[str, Any],
    differences: list[tuple[str, str, str]] | None = None,
) -> HttpResponse:
    person = page["person"]
    audit.record(actor=user, action=audit.Action.READ, obj=person, subjects=[person.pk], detail="wijzigen")
    context = {**page, "title": _("Gegevens wijzigen"), "form": form, "brp": brp, "differences": differences}
    return render(request, "people/person_form.html", context, status=400 if form.errors or brp.failed else 200)


def member_or_404(user: User, household_id: int, person_id: int) -> tuple[Household, Membership]:
    """A (former) member of a household the user sees; under a consent scope only with contact data
    shared for that person."""
    household = household_or_404(user, household_id)
    membership = (
        household.memberships.filter(person_id=person_id).select_related("person").order_by("-start_date").first()
    )
    scope = selectors.household_consent_scope(viewer=user, household=household)
    if membership is None or (
        scope is not None and not (scope.shares(Consent.Category.CONTACT) and person_id in scope.person_ids)
    ):
        raise Http404
    return household, membership


def _form_page(request: HttpRequest, template: str, context: dict, form: UtrechtForm) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def add_member(request: HttpRequest, household_id: int) -> HttpResponse:
    user = require_case_worker(request)
    household = household_or_404(user, household_id)
    if selectors.open_trajectory_of(household=household) is None:
        messages.error(request, _("Lid toevoegen: dit huishouden heeft geen lopend traject."))
        return redirect("household", household_id=household.pk)
    brp = brp_prefill.handle(
        request,
        user=user,
        form_fields=MEMBER_PERSON_FIELDS,
        fields=FIELDS_MEMBER,
        use="lid toevoegen",
        address={"postcode": household.postcode, "huisnummer": household.huisnummer},
    )
    if brp.acted:  # "Ophalen uit de BRP": fill the form, save nothing
        form = MemberForm(initial={"start_date": today(), **brp_prefill.typed(request, MemberForm()), **brp.initial})
        return _member_page(request, household, form, brp)
    form = MemberForm(request.POST or None, initial={"start_date": today()})
    if request.method == "POST":
        brp_prefill.keep_snapshot(request, brp)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                person = people_services.register_person(
                    actor=user,
                    bsn=d["bsn"] or None,
                    voornamen=d["voornamen"],
                    voorvoegsel=d["voorvoegsel"],
                    geslachtsnaam=d["geslachtsnaam"],
                    geboortedatum=d["geboortedatum"],
                )
                person_values = {name: d[name] for name in MEMBER_PERSON_FIELDS}
                brp_prefill.record(request, user=user, person=person, typed=person_values)
                people_services.add_member(
                    actor=user,
                    household=household,
                    person=person,
                    role=d["role"],
                    start_date=d["start_date"],
                    end_date=d["end_date"],
                )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            # name the person as the user typed them (a BSN alone says nothing about whom it belongs to)
            typed = " ".join(part for part in (d["voornamen"], d["voorvoegsel"], d["geslachtsnaam"]) if part)
            messages.success(
                request, _("%(who)s is toegevoegd aan het huishouden.") % {"who": typed or _("De persoon")}
            )
            brp_prefill.tell_not_taken(request, form, people_services.not_taken(person, person_values))
            return redirect("household", household_id=household.pk)
    return _member_page(request, household, form, brp)


MEMBER_PERSON_FIELDS = ["bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum"]


def _member_page(
    request: HttpRequest, household: Household, form: UtrechtForm, brp: brp_prefill.Prefill
) -> HttpResponse:
    context = {"household": household, "title": _("Lid toevoegen"), "form": form, "brp": brp}
    return render(request, "people/member_form.html", context, status=400 if form.errors or brp.failed else 200)


def _trajectory_form(
    request: HttpRequest,
    trajectory: Trajectory,
    form: UtrechtForm,
    call: Callable[[dict[str, Any]], object],
    success: Callable[[], str],
    title: str,
) -> HttpResponse:
    """One change to a trajectory from a small form page; back to the household when it went through."""
    if submitted(request, form, call):
        messages.success(request, success())
        return redirect("household", household_id=trajectory.household_id)
    return _form_page(request, "cases/form.html", {"household": trajectory.household, "title": title}, form)


@require_POST
def add_note(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    return _trajectory_form(
        request,
        trajectory,
        NoteForm(request.POST),
        lambda d: services.add_note(actor=user, trajectory=trajectory, **d),
        lambda: _("De notitie is opgeslagen."),
        _("Notitie toevoegen"),
    )


def change_regisseur(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    _require_lead(user, trajectory)
    colleagues = User.objects.filter(
        team_id=trajectory.team_id, is_active=True, role__in=selectors.CASE_ROLES
    ).select_related("organisation")
    form = RegisseurForm(request.POST or None, initial={"on": today()}, professionals=colleagues)
    return _trajectory_form(
        request,
        trajectory,
        form,
        lambda d: services.change_regisseur(actor=user, trajectory=trajectory, **d),
        lambda: _("De regie is overgedragen."),
        _("Regie overdragen"),
    )


def add_involvement(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    _require_lead(user, trajectory)
    professionals = User.objects.filter(
        is_active=True, role__in=selectors.CASE_ROLES, team__area__municipality_id=trajectory.household.municipality_id
    ).select_related("organisation", "team")
    form = InvolvementForm(request.POST or None, initial={"start_date": today()}, professionals=professionals)
    return _trajectory_form(
        request,
        trajectory,
        form,
        lambda d: services.add_involvement(actor=user, trajectory=trajectory, **d),
        lambda: _("%(name)s is betrokken bij het traject.") % {"name": form.cleaned_data["professional"]},
        _("Professional betrekken"),
    )


@require_POST
def upload_document(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Bestand: kies een bestand."))
    else:
        try:
            documents.add_document(actor=user, trajectory=trajectory, upload=upload)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Het document is toegevoegd."))
    return redirect("household", household_id=trajectory.household_id)


def download_document(request: HttpRequest, document_id: int) -> FileResponse:
    user = require_case_reader(request)
    document = (
        Document.objects.filter(trajectory__in=selectors.trajectories_visible_to(user).values("pk"), pk=document_id)
        .select_related("trajectory")
        .first()
    )
    if document is not None and not _shares_notes(user, document.trajectory):
        document = None  # the resident's consent does not cover notes and documents
    if document is None:
        log_denied(user=user, object_type="document", object_id=document_id)
        raise Http404
    audit.record(
        actor=user,
        action=audit.Action.EXPORT,
        obj=document,
        subjects=member_ids_of_households([document.trajectory.household_id]),
        detail=document.name,
    )
    return FileResponse(
        documents.path_of(document).open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type,
    )


@require_POST
def end_involvement(request: HttpRequest, involvement_id: int) -> HttpResponse:
    user = require_case_worker(request)
    involvement = (
        Involvement.objects.filter(trajectory__in=selectors.trajectories_visible_to(user).values("pk"))
        .select_related("trajectory", "professional")
        .filter(pk=involvement_id)
        .first()
    )
    if involvement is None:
        raise Http404
    if involvement.professional_id != user.pk:
        _require_lead(user, involvement.trajectory)
    try:
        services.end_involvement(actor=user, involvement=involvement, end_date=today())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is niet meer betrokken.") % {"name": involvement.professional})
    return redirect("household", household_id=involvement.trajectory.household_id)


def close_trajectory(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    _require_lead(user, trajectory)
    form = CloseForm(request.POST or None, initial={"closed_on": today()})
    return _trajectory_form(
        request,
        trajectory,
        form,
        lambda d: services.close_trajectory(actor=user, trajectory=trajectory, **d),
        lambda: _("Het traject is afgesloten."),
        _("Traject afsluiten"),
    )


def search(request: HttpRequest) -> HttpResponse:
    user = require_case_reader(request)
    form = SearchForm(request.GET or None)
    results, capped = None, False
    if form.is_bound and form.is_valid():
        try:
            results, capped = first_rows(search_persons(user=user, **form.cleaned_data), MAX_RESULTS)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            audit.record(
                actor=user,
                action=audit.Action.SEARCH,
                object_type="persoon",
                subjects=[r.person_id for r in results],
                detail=form.kind(),
            )
    context = {"form": form, "results": results, "capped": capped}
    return render(request, "cases/search.html", context, status=400 if form.errors else 200)


def overdue(request: HttpRequest) -> HttpResponse:
    user = require_case_reader(request)
    day = today()
    mine = request.GET.get("alleen") == "mij"
    actions, actions_capped = first_rows(plan_selectors.overdue_actions(user=user, on=day, mine=mine), 300)
    reviews, reviews_capped = first_rows(plan_selectors.overdue_reviews(user=user, on=day, mine=mine), 300)
    for plan in reviews:
        plan.days_overdue = (day - plan.next_review_on).days if plan.next_review_on else 0  # type: ignore[attr-defined]
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="achterstallig",
        subjects=member_ids_of_households(
            [a.goal.plan.household_id for a in actions] + [p.household_id for p in reviews]
        ),
        detail=f"{len(actions)} acties, {len(reviews)} evaluaties",
    )
    return render(
        request,
        "cases/overdue.html",
        {
            "actions": actions,
            "reviews": reviews,
            "today": day,
            "mine": mine,
            "capped": actions_capped or reviews_capped,
        },
    )


def stand_ins(request: HttpRequest) -> HttpResponse:
    """Waarneming in the team: who stands in for whom, now and planned; arrange or end one."""
    user = require_case_worker(request)
    if user.team_id is None:
        raise Http404
    colleagues = selectors.team_colleagues(user=user).order_by("first_name", "last_name")
    absent = colleagues if user.role == User.Role.TEAM_LEAD else colleagues.filter(pk=user.pk)
    form = StandInForm(
        request.POST or None,
        absent=absent,
        colleagues=colleagues,
        initial={"absent": user.pk, "start_date": today(), "end_date": today()},
    )
    if submitted(request, form, lambda d: services.arrange_stand_in(actor=user, **d)):
        messages.success(request, _("De waarneming is geregeld; de waarnemer heeft een bericht gekregen."))
        return redirect("stand-ins")
    rows = list(
        StandIn.objects.filter(absent__team_id=user.team_id, withdrawn_at__isnull=True, end_date__gte=today())
        .select_related("absent", "stand_in")
        .order_by("start_date", "pk")
    )
    context = {"rows": rows, "form": form, "today": today(), "is_lead": user.role == User.Role.TEAM_LEAD}
    return render(request, "cases/stand_ins.html", context, status=400 if form.errors else 200)


@require_POST
def stand_in_withdraw(request: HttpRequest, stand_in_id: int) -> HttpResponse:
    user = require_case_worker(request)
    arrangement = StandIn.objects.filter(pk=stand_in_id, absent__team_id=user.team_id or 0).first()
    if arrangement is None:
        raise Http404
    try:
        services.withdraw_stand_in(actor=user, arrangement=arrangement)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("De waarneming is beëindigd."))
    return redirect("stand-ins")
