"""Screens for the privacy officer: who saw person X, what did user Y see. Every lookup is logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from toegang.accounts.models import User
from toegang.audit import selectors
from toegang.audit import services as audit
from toegang.audit.forms import PersonLogForm, UserLogForm
from toegang.common.errors import DomainError
from toegang.common.numbers import whole_number
from toegang.common.pgcursor import value_plans
from toegang.common.views import current_user
from toegang.people.bsn import normalise_bsn
from toegang.privacy.scope import persons_of, users_of


def require_privacy_officer(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.is_active or (user.role != User.Role.PRIVACY_OFFICER and not user.is_superuser):
        raise PermissionDenied(_("Alleen de privacyfunctionaris ziet het logboek."))
    return user


def _before(request: HttpRequest) -> int | None:
    """The keyset cursor of the "older entries" link; a new search from the form starts at the newest."""
    value = request.GET.get("before", "")
    return whole_number(value)


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("before", None)
    return params.urlencode()


@value_plans()  # a period the privacy officer chooses (ADR 0014)
def person_log(request: HttpRequest) -> HttpResponse:
    user = require_privacy_officer(request)
    form = PersonLogForm(request.GET or None)
    context: dict = {"form": form, "rows": None}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            person = persons_of(user).filter(bsn=normalise_bsn(d["bsn"])).first()
        except DomainError as error:
            form.add_domain_error(error)
            person = None
        else:
            if person is None:
                form.add_error("bsn", _("BSN: er is geen persoon met dit nummer in uw gemeente geregistreerd."))
        if person is not None:
            rows, next_before = selectors.entries_about_person(
                person_id=person.pk, start=d["start"], end=d["end"], before=_before(request)
            )
            audit.record(
                actor=user,
                action=audit.Action.SEARCH,
                object_type="logboek",
                subjects=[person.pk],
                detail="wie zag deze persoon",
            )
            context.update(rows=rows, next_before=next_before, person=person, query=_query(request))
    return render(request, "audit/person_log.html", context, status=400 if form.errors else 200)


@value_plans()  # a period the privacy officer chooses (ADR 0014)
def user_log(request: HttpRequest) -> HttpResponse:
    user = require_privacy_officer(request)
    form = UserLogForm(request.GET or None)
    context: dict = {"form": form, "rows": None}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        if not users_of(user).filter(username=d["username"]).exists():
            form.add_error("username", _("Gebruikersnaam: er is geen gebruiker met deze naam in uw gemeente."))
            return render(request, "audit/user_log.html", context, status=400)
        rows, next_before = selectors.entries_by_user(
            username=d["username"], start=d["start"], end=d["end"], before=_before(request)
        )
        audit.record(
            actor=user,
            action=audit.Action.SEARCH,
            object_type="logboek",
            detail=f"wat zag gebruiker {d['username']}"[:300],
        )
        context.update(rows=rows, next_before=next_before, query=_query(request))
    return render(request, "audit/user_log.html", context, status=400 if form.errors else 200)
