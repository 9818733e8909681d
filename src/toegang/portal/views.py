"""Pages of the resident portal (/mijn/). Each page about a person starts from ``selectors.acting_for``: the
resident themself or someone they legally represent today, for the sections that representation allows;
any other id is not found. Each page writes one audit row about that person (the representation in it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.audit import context as audit_context
from toegang.audit import selectors as audit_selectors
from toegang.audit import services as audit
from toegang.audit.labels import who_for_resident
from toegang.common.dates import today
from toegang.common.numbers import whole_number
from toegang.common.views import current_user, submitted
from toegang.people.models import Person
from toegang.portal import selectors, services
from toegang.portal.forms import ConsentForm, FirstSignalForm, RequestForm, SignalForm
from toegang.portal.oidc import LOGIN_ERROR
from toegang.privacy import rights
from toegang.privacy.models import Consent, RightsRequest
from toegang.privacy.services import ConsentExists
from toegang.procedures import letters

RECEIVED = gettext_lazy("Uw melding is ontvangen. Binnen vijf werkdagen neemt een medewerker contact met u op.")


def require_resident(request: HttpRequest) -> User:
    user = current_user(request)
    if user.role != User.Role.RESIDENT:
        raise PermissionDenied(_("Dit is het portaal voor inwoners; medewerkers werken in Toegang zelf."))
    return user


def _acting(request: HttpRequest, person_id: int, section: str) -> tuple[User, selectors.Acting]:
    """The resident and the person of the URL they may act for (``selectors.acting_for``); else 404, and
    the attempt logged under the person asked for. A representative's ground goes into every audit row
    of the request."""
    user = require_resident(request)
    acting = selectors.acting_for(user, person_id, section)
    if acting is None:
        audit.record(
            actor=user,
            action=audit.Action.DENIED,
            object_type="portaal-persoon",
            object_id=person_id,
            subjects=Person.objects.filter(pk=person_id).values_list("pk", flat=True),
            detail=f"portaal, {section}: geen toegang (404 getoond)",
        )
        raise Http404
    audit_context.act_as_representative(acting.on_behalf)
    return user, acting


def _page(request: HttpRequest, template: str, acting: selectors.Acting, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(request, f"portal/{template}", {"acting": acting, **context}, status=status)


def _log_read(user: User, acting: selectors.Acting, what: str) -> None:
    audit.record(actor=user, action=audit.Action.READ, object_type=f"portaal-{what}", subjects=[acting.person.pk])


def login_page(request: HttpRequest) -> HttpResponse:
    if not settings.PORTAL_ENABLED:
        raise Http404
    error = request.session.pop(LOGIN_ERROR, "") if request.GET.get("digid") == "mislukt" else ""
    if request.GET.get("digid") == "mislukt" and not error:
        error = _("Inloggen met DigiD is niet gelukt of afgebroken. Probeer het opnieuw.")
    return render(request, "portal/login.html", {"error": error, "next": request.GET.get("next", "")})


logout = auth_views.LogoutView.as_view(next_page="portal-login")


def home(request: HttpRequest) -> HttpResponse:
    """Whom the resident can act for: themself and whom they represent. With only themself, straight on."""
    user = require_resident(request)
    options = selectors.acting_options(user)
    if len(options) == 1 and options[0].representation is None:
        return redirect("portal-person", person_id=options[0].person.pk)
    has_own = any(o.representation is None for o in options)
    represented = [o.person.pk for o in options if o.representation is not None]
    if represented:  # their names are on the page
        audit.record(actor=user, action=audit.Action.READ, object_type="portaal-start", subjects=represented)
    return render(request, "portal/home.html", {"options": options, "has_own": has_own})


def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """The overview: the plan with goals and actions, what is coming up, the latest decisions."""
    user, acting = _acting(request, person_id, selectors.DECISIONS)
    day = today()
    plans, subjects = selectors.plan_views(acting, day) if acting.may(selectors.PLAN) else ([], [acting.person.pk])
    meetings = selectors.upcoming_meetings(acting.person, plans, day) if acting.may(selectors.MEETINGS) else []
    decisions = list(selectors.decisions_of(acting.person)[:3])
    audit.record(actor=user, action=audit.Action.READ, object_type="portaal-overzicht", subjects=subjects)
    return _page(request, "person.html", acting, plans=plans, meetings=meetings, decisions=decisions)


def decisions(request: HttpRequest, person_id: int) -> HttpResponse:
    user, acting = _acting(request, person_id, selectors.DECISIONS)
    rows = list(selectors.decisions_of(acting.person)[:100])
    _log_read(user, acting, "beschikkingen")
    return _page(request, "decisions.html", acting, rows=rows)


def decision_letter(request: HttpRequest, person_id: int, decision_id: int) -> HttpResponse:
    user, acting = _acting(request, person_id, selectors.DECISIONS)
    decision = selectors.decisions_of(acting.person).filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    audit.record(actor=user, action=audit.Action.EXPORT, obj=decision, subjects=[acting.person.pk], detail="brief")
    response = HttpResponse(letters.decision_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beschikking-{decision.pk}.pdf"'
    return response


def signal_new(request: HttpRequest, person_id: int) -> HttpResponse:
    user, acting = _acting(request, person_id, selectors.SIGNAL)
    form = SignalForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda d: services.submit_signal(
            actor=user, acting=acting, description=d["description"], life_domains=list(d["life_domains"])
        ),
    ):
        messages.success(request, RECEIVED)
        return redirect("portal-person", person_id=acting.person.pk)
    return _page(request, "signal.html", acting, form=form, status=400 if form.errors else 200)


def first_signal(request: HttpRequest) -> HttpResponse:
    """A melding from a resident we hold nothing about yet (with a dossier they use ``signal_new``)."""
    user = require_resident(request)
    if request.method != "POST" and selectors.own_person(user) is not None:
        return redirect("portal-home")
    # a POST goes on also when we know the resident by now: the same form sent twice (a double click)
    # is answered as received by the service, anything else is refused there
    form = FirstSignalForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda d: services.submit_first_signal(actor=user, **{**d, "life_domains": list(d["life_domains"])}),
    ):
        messages.success(request, RECEIVED)
        return redirect("portal-home")
    return render(request, "portal/first_signal.html", {"form": form}, status=400 if form.errors else 200)


def consents(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's consents (given by anyone: the team records them too), and a form to give one."""
    user, acting = _acting(request, person_id, selectors.CONSENTS)
    form = ConsentForm(request.POST or None, initial={"valid_until": today() + dt.timedelta(days=365)})
    if submitted(request, form, lambda d: _give_consent(user, acting, d)):
        messages.success(request, _("Uw toestemming is vastgelegd."))
        return redirect("portal-consents", person_id=acting.person.pk)
    rows = list(
        Consent.objects.filter(person=acting.person)
        .select_related("activity")
        .prefetch_related("organisations")
        .order_by("-given_on", "-pk")
    )
    _log_read(user, acting, "toestemmingen")
    return _page(
        request, "consents.html", acting, rows=rows, form=form, today=today(), status=400 if form.errors else 200
    )


def _give_consent(user: User, acting: selectors.Acting, data: dict[str, Any]) -> Consent:
    """The same consent sent again (a double click, a second tab) is the one already recorded."""
    try:
        return services.give_consent(actor=user, acting=acting, **data)
    except ConsentExists as exists:
        return exists.consent


@require_POST
def consent_withdraw(request: HttpRequest, person_id: int, consent_id: int) -> HttpResponse:
    user, acting = _acting(request, person_id, selectors.CONSENTS)
    try:
        services.withdraw_consent(actor=user, acting=acting, consent_id=consent_id)
    except services.DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Uw toestemming is ingetrokken. Delen op grond ervan stopt meteen."))
    return redirect("portal-consents", person_id=acting.person.pk)


def access_log(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who looked at or changed the person's data (NEN 7513), newest first, a hundred rows per page."""
    user, acting = _acting(request, person_id, selectors.ACCESS_LOG)
    before = whole_number(request.GET.get("voor", ""))
    rows, next_before = audit_selectors.entries_about_person(person_id=acting.person.pk, before=before)
    for row in rows:
        row.who = who_for_resident(row, user.pk)  # type: ignore[attr-defined]  # as the inzage says it
    _log_read(user, acting, "logboek")
    return _page(request, "access_log.html", acting, rows=rows, next_before=next_before)


def export(request: HttpRequest, person_id: int, fmt: str) -> HttpResponse:
    """Inzage (AVG art. 15): everything held about the person, at once, as PDF or JSON."""
    user, acting = _acting(request, person_id, selectors.EXPORT)
    if fmt not in ("pdf", "json"):
        raise Http404
    data = rights.export_person(
        actor=user,
        person=acting.person,
        municipality_id=selectors.export_municipality_id(acting.person),
        working_material=False,
        own_part_only=selectors.own_part_only(acting, today()),
        reader=user,
    )
    # a parent downloads their own file and their child's: the first name and the day tell them apart
    first_name = slugify((acting.person.voornamen.split() or [""])[0])
    return rights.export_response(data, fmt=fmt, name=f"inzage-{first_name or acting.person.pk}-{today():%Y-%m-%d}")


def rights_requests(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's requests to the privacy officer (inzage, correctie, bezwaar), and a form to file one."""
    user, acting = _acting(request, person_id, selectors.EXPORT)
    form = RequestForm(request.POST or None)
    if submitted(request, form, lambda d: rights.request_from_portal(actor=user, person=acting.person, **d)):
        messages.success(request, _("Uw verzoek is ontvangen. U krijgt binnen een maand antwoord."))
        return redirect("portal-requests", person_id=acting.person.pk)
    rows = list(RightsRequest.objects.filter(person=acting.person).order_by("-received_on", "-pk")[:50])
    _log_read(user, acting, "verzoeken")
    return _page(request, "requests.html", acting, rows=rows, form=form, status=400 if form.errors else 200)
