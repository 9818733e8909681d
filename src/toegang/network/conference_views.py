"""Screens of the case conference (MDO): plan it from the household, one page per conference whose
content depends on the viewer's basis, the invitations waiting for me, and the PDFs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases.models import Involvement
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm
from toegang.common.views import current_user, first_rows, require_case_worker, submitted, trajectory_or_404
from toegang.network import conferences, partners, pdf
from toegang.network.conferences import View
from toegang.network.forms import (
    AgendaItemForm,
    CancelConferenceForm,
    CloseConferenceForm,
    ConferenceDecisionForm,
    ConferenceForm,
    InviteForm,
    MinutesForm,
    PreparationForm,
    UninviteForm,
)
from toegang.network.models import CaseConference, Participant
from toegang.people.selectors import current_members, member_ids
from toegang.plans import selectors as plan_selectors


def conference_new(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_case_worker(request)
    trajectory = trajectory_or_404(user, trajectory_id)
    form = ConferenceForm(request.POST or None, initial={"held_on": today()})
    created: list[CaseConference] = []
    if submitted(
        request, form, lambda d: created.append(conferences.plan_conference(actor=user, trajectory=trajectory, **d))
    ):
        messages.success(request, _("Casusoverleg gepland; het huishouden en zijn netwerk staan op de lijst."))
        return redirect("conference", conference_id=created[0].pk)
    return render(
        request,
        "network/conference_new.html",
        {"trajectory": trajectory, "household": trajectory.household, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _conference_for(user: User, conference_id: int) -> tuple[CaseConference, str, Participant | None, Any]:
    if not user.is_active:
        raise PermissionDenied
    try:
        conference = conferences.for_page(conference_id=conference_id)
        view, seat, basis = conferences.view_of(user=user, conference=conference)
    except CaseConference.DoesNotExist:
        log_denied(user=user, object_type="caseconference", object_id=conference_id)
        raise Http404 from None
    return conference, view, seat, basis


def _forms(
    conference: CaseConference,
    view: str,
    seat: Participant | None,
    participants: list[Participant],
    posted: tuple[str, Any] = ("", None),
) -> dict[str, UtrechtForm]:
    """The forms the viewer may use on this page, built from rows the page has read already plus the few
    lists only the organiser needs; ``posted`` (action, data) binds the one that was submitted."""
    forms: dict[str, UtrechtForm] = {}

    def make(name: str, cls: type[UtrechtForm], **kwargs: Any) -> None:
        data = posted[1] if posted[0] == name else None
        if data is not None:
            kwargs.pop("initial", None)
        forms[name] = cls(data, prefix=name, **kwargs)

    planned = conference.status == CaseConference.Status.PLANNED
    invited = [p for p in participants if p.invited]
    if conference.status == CaseConference.Status.CANCELLED:
        return forms
    items = list(conference.agenda.all())
    if view == View.FULL:
        trajectory = conference.trajectory
        persons = [m.person for m in current_members(household=trajectory.household, on=today())]
        involved = [
            i.professional
            for i in Involvement.objects.filter(trajectory=trajectory, end_date__isnull=True).select_related(
                "professional__organisation"
            )
        ]
        goals = plan_selectors.open_goals(trajectory=trajectory)
        organisations = sorted(
            {p.organisation for p in invited if p.organisation}
            | {p.user.organisation for p in invited if p.user and p.user.organisation},
            key=lambda o: o.name,
        )
        if planned:
            colleagues = list(
                User.objects.filter(is_active=True, role__in=conferences.SEAT_ROLES)
                .filter(
                    Q(team__area__municipality_id=trajectory.household.municipality_id)
                    | Q(team__isnull=True, municipality_id=trajectory.household.municipality_id)
                )
                .select_related("organisation")
                .order_by("last_name", "first_name")[:500]
            )
            make(
                "invite",
                InviteForm,
                users=colleagues,
                persons=persons,
                organisations=partners.organisations_for(trajectory.household.municipality_id),
            )
            make("uninvite", UninviteForm, participants=invited)
            make("agenda", AgendaItemForm, participants=invited)
            make(
                "prepare",
                PreparationForm,
                participants=[p for p in invited if p.kind != Participant.Kind.PROFESSIONAL or p == seat],
            )
            make("close", CloseConferenceForm, participants=invited, initial={"attended": [p.pk for p in invited]})
            make("cancel", CancelConferenceForm)
        make("minutes", MinutesForm, items=items, organisations=organisations)
        make(
            "decision",
            ConferenceDecisionForm,
            goals=goals,
            persons=persons,
            professionals=involved,
            initial={"due_on": today()},
        )
        return forms
    if seat is not None and planned:
        make("agenda", AgendaItemForm, participants=[seat], initial={"brought_in_by": seat.pk})
        make(
            "prepare", PreparationForm, participants=[seat], initial={"participant": seat.pk, "text": seat.preparation}
        )
    if view == View.BASIS:
        own = [o for o in (seat.user.organisation if seat and seat.user else None,) if o is not None]
        make("minutes", MinutesForm, items=items, organisations=own)
    return forms


def _call(action: str, user: User, conference: CaseConference, data: dict[str, Any]) -> object:
    if action == "invite":
        return conferences.invite(actor=user, conference=conference, **data)
    if action == "uninvite":
        if data["participant"] is None:
            raise DomainError("Deelnemer: kies een deelnemer.", field="participant")
        return conferences.uninvite(actor=user, participant=data["participant"])
    if action == "agenda":
        return conferences.add_agenda_item(actor=user, conference=conference, **data)
    if action == "prepare":
        if data["participant"] is None:
            raise DomainError("Voor deelnemer: kies een deelnemer.", field="participant")
        return conferences.prepare(actor=user, participant=data["participant"], text=data["text"])
    if action == "minutes":
        return conferences.write_minutes(actor=user, conference=conference, **data)
    if action == "decision":
        return conferences.record_decision(actor=user, conference=conference, **data)
    if action == "close":
        return conferences.close(actor=user, conference=conference, attended=data["attended"])
    if action == "cancel":
        return conferences.cancel(actor=user, conference=conference, reason=data["reason"])
    raise Http404


DONE = {
    "invite": "Deelnemer uitgenodigd.",
    "uninvite": "Deelnemer van de lijst gehaald.",
    "agenda": "Agendapunt toegevoegd.",
    "prepare": "Voorbereiding opgeslagen.",
    "minutes": "Verslag aangevuld.",
    "decision": "Besluit vastgelegd en als actie in het plan (concept) gezet.",
    "close": "Overleg vastgelegd als gehouden.",
    "cancel": "Overleg geannuleerd.",
}


def conference_page(request: HttpRequest, conference_id: int, action: str = "") -> HttpResponse:
    """One conference. A POST names its action in the URL; an invalid POST shows the page again with the
    errors at the field (status 400) and changes nothing."""
    user = current_user(request)
    conference, view, seat, basis = _conference_for(user, conference_id)
    participants = list(conference.participants.all())
    posting = request.method == "POST"
    forms = _forms(conference, view, seat, participants, (action, request.POST) if posting else ("", None))
    status = 200
    if posting:
        if action not in forms:
            if action in DONE:
                raise PermissionDenied(_("Dit kunt u bij dit overleg niet doen."))
            raise Http404
        if submitted(request, forms[action], lambda d: _call(action, user, conference, d)):
            messages.success(request, _(DONE[action]))
            return redirect("conference", conference_id=conference.pk)
        status = 400
    trajectory = conference.trajectory
    on = today()
    bases = conferences.bases(conference=conference, participants=participants, on=on) if view == View.FULL else {}
    content = view in (View.FULL, View.BASIS)
    minutes = conferences.visible_minutes(conference=conference, viewer=user, view=view)
    decisions = conferences.decisions_with_actions(conference) if content else []
    audit.record(
        actor=user,
        action=audit.Action.READ,
        obj=conference,
        subjects=member_ids(household_id=trajectory.household_id),  # the agenda too is about them
        legal_basis=basis.text[:150] if basis else "",
        detail="" if content else "alleen agenda (geen grondslag)",
    )
    return render(
        request,
        "network/conference.html",
        {
            "c": conference,
            "view": view,
            "full": view == View.FULL,
            "content": content,
            "seat": seat,
            "basis": basis,
            "participants": [(p, bases.get(p.pk)) for p in participants if p.invited or view == View.FULL],
            "minutes": minutes,
            "decisions": decisions,
            "forms": forms,
            "today": on,
        },
        status=status,
    )


def conference_pdf(request: HttpRequest, conference_id: int, kind: str) -> HttpResponse:
    """The invitation (agenda, and for those with a basis the purpose and the invited) or the minutes
    (only for those with a basis, with the sections they may read)."""
    user = current_user(request)
    conference, view, _seat, _basis = _conference_for(user, conference_id)
    content = view in (View.FULL, View.BASIS)
    participants = [p for p in conference.participants.all() if p.invited]
    if kind == "uitnodiging":
        body = pdf.invitation(conference, participants=participants, content=content)
    elif kind == "verslag":
        if not content:
            raise PermissionDenied(_("Zonder grondslag of toestemming ziet u alleen de agenda, niet het verslag."))
        body = pdf.minutes(
            conference,
            participants=participants,
            sections=conferences.visible_minutes(conference=conference, viewer=user, view=view),
            decisions=conferences.decisions_with_actions(conference),
        )
    else:
        raise Http404
    audit.record(
        actor=user,
        action=audit.Action.EXPORT,
        obj=conference,
        subjects=member_ids(household_id=conference.trajectory.household_id),
        detail=f"{kind}.pdf",
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="casusoverleg-{conference.pk}-{kind}.pdf"'
    return response


def my_conferences(request: HttpRequest) -> HttpResponse:
    """The planned conferences I am invited to or organise."""
    user = current_user(request)
    if not user.is_active or user.role not in conferences.SEAT_ROLES:
        raise PermissionDenied(_("Casusoverleggen zijn er voor professionals."))
    rows, more = first_rows(conferences.invited_to(user=user), 100)
    audit.record(
        actor=user, action=audit.Action.READ, object_type="casusoverleggen", detail=f"{len(rows)} uitnodigingen"
    )
    return render(request, "network/conferences.html", {"rows": rows, "more": more, "today": today()})
