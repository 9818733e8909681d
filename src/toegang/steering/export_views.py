"""The pages of the background time-series export: the form on /sturing/<board>/tijdreeks/ (months,
format and the board's filters, with the person's recent exports), and per export its status page
(progress while it runs, the download once done, the message and a retry when it failed). An export
is seen only by the person who asked for it: anyone else gets "not found"."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from toegang.common.dates import add_months, today
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm
from toegang.common.periods import Period
from toegang.common.views import HtmxHttpRequest, current_user
from toegang.procedures.models import TermRule
from toegang.steering import exports, views
from toegang.steering.models import Export

logger = logging.getLogger(__name__)
RECENT = 10


class TimeSeriesForm(UtrechtForm):
    eerste = forms.CharField(label=_("Eerste maand"), widget=forms.Select)
    laatste = forms.CharField(label=_("Laatste maand"), widget=forms.Select)
    formaat = forms.ChoiceField(
        label=_("Formaat"), choices=Export.Format.choices, widget=forms.RadioSelect, initial=Export.Format.CSV
    )

    def __init__(self, *args: Any, on: dt.date, **kwargs: Any) -> None:
        self.current = Period.containing(on, "maand")
        kwargs.setdefault(
            "initial", {"eerste": Period.containing(add_months(on, -35), "maand").code, "laatste": self.current.code}
        )
        super().__init__(*args, **kwargs)
        months = []
        month = self.current
        while month.start >= exports.EARLIEST:
            months.append((month.code, month.label))
            month = month.previous()
        for name in ("eerste", "laatste"):
            self.fields[name].widget.choices = months

    def _month(self, name: str) -> Period:
        try:
            month = Period.parse(self.cleaned_data[name])
        except ValueError:
            month = None
        if month is None or month.kind != "maand":
            raise forms.ValidationError(_("kies een maand uit de lijst."))
        if month.start < exports.EARLIEST:
            raise forms.ValidationError(_("kies januari 2015 of later; van eerder zijn er geen cijfers."))
        if month.start > self.current.start:
            raise forms.ValidationError(
                _("kies %(month)s of eerder; van latere maanden zijn er nog geen cijfers.")
                % {"month": self.current.label}
            )
        return month

    def clean_eerste(self) -> Period:
        return self._month("eerste")

    def clean_laatste(self) -> Period:
        return self._month("laatste")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("eerste"), data.get("laatste")
        if isinstance(first, Period) and isinstance(last, Period):
            count = exports.month_count(first.start, last.start)
            if count < 1:
                self.add_error("laatste", _("ligt voor de eerste maand; kies dezelfde of een latere maand."))
            elif count > exports.MAX_MONTHS:
                self.add_error(
                    "laatste",
                    _(
                        "een tijdreeks loopt over hoogstens %(max)s maanden (10 jaar); van %(first)s tot en met "
                        "%(last)s zijn het er %(count)s."
                    )
                    % {"max": exports.MAX_MONTHS, "first": first.label, "last": last.label, "count": count},
                )
        return data


def _describe(chosen: views.Chosen) -> str:
    """The board's filters by name, for the first line of the file (empty for the whole municipality)."""
    filters = chosen.filters
    parts = [f"wet {TermRule.Law(filters.law).label}"] if filters.law else []
    for label, chosen_id, rows in (
        ("wijk/kern", filters.area_id, chosen.areas),
        ("team", filters.team_id, chosen.teams),
        ("organisatie", filters.organisation_id, chosen.organisations),
    ):
        if chosen_id:
            parts.append(f"{label} {next(row.name for row in rows if row.pk == chosen_id)}")
    return ", ".join(parts)


@require_http_methods(["GET", "HEAD", "POST"])
def timeseries(request: HttpRequest, board_code: str) -> HttpResponse:
    """The form; a valid POST records the export and goes to its status page, anything else names the
    field and its rule and records nothing."""
    user, board = views._board(request, board_code)
    on = today()
    status = 200
    if request.method == "POST":
        chosen = views._choose(request, user, board, params=request.POST)
        form = TimeSeriesForm(request.POST, on=on)
        if form.is_valid() and not chosen.errors:
            series = exports.Series(
                first=form.cleaned_data["eerste"].code,
                last=form.cleaned_data["laatste"].code,
                municipality_id=chosen.filters.municipality_id,
                law=chosen.filters.law,
                area_id=chosen.filters.area_id,
                team_id=chosen.filters.team_id,
                organisation_id=chosen.filters.organisation_id,
                description=_describe(chosen),
            )
            try:
                export = exports.start(user=user, board=board, series=series, fmt=form.cleaned_data["formaat"])
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return redirect("steering-export-status", export.pk)
        status = 400
    else:
        params = request.GET.copy()
        params.pop("periode", None)  # the dashboard's period: the form asks for months instead
        chosen = views._choose(request, user, board, params=params)
        form = TimeSeriesForm(on=on)
    return render(
        request,
        "steering/timeseries.html",
        {
            "board": board,
            "form": form,
            "chosen": chosen,
            "filters": chosen.filters,
            "laws": TermRule.Law.choices,
            "recent": list(exports.exports_of(user).order_by("-created_at")[:RECENT]),
            "protection_note": views.PROTECTION_NOTE,
        },
        status=status,
    )


@require_safe
def status(request: HtmxHttpRequest, export_id: int) -> HttpResponse:
    """How far an export is; while it waits or runs, the state part asks again every two seconds (htmx)
    and its text is read out politely."""
    export = get_object_or_404(exports.exports_of(current_user(request)), pk=export_id)
    path = exports.file_path(export)
    context = {
        "export": export,
        "board": views.BOARDS.get(export.board),
        "size": path.stat().st_size if path else None,
        "keep_days": settings.EXPORT_KEEP_DAYS,
    }
    template = "steering/export_state.html" if request.htmx else "steering/export_status.html"
    return render(request, template, context)


@require_safe
def download(request: HttpRequest, export_id: int) -> FileResponse:
    """The complete file of a finished export (not found while it runs, when it failed, or for anyone
    else)."""
    export = get_object_or_404(exports.exports_of(current_user(request)), pk=export_id)
    path = exports.file_path(export)
    if path is None:
        raise Http404
    try:
        handle = path.open("rb")
    except OSError:  # for instance a worker that wrote it as a user the web process may not read as
        logger.exception("Exportbestand %s niet te lezen", path)
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export.download_name,
        content_type=views.CONTENT_TYPES[export.format],
    )


@require_POST
def retry(request: HttpRequest, export_id: int) -> HttpResponse:
    """Start a failed export again (a new export with the same months, filters and format)."""
    user = current_user(request)
    export = get_object_or_404(exports.exports_of(user), pk=export_id)
    views._board(request, export.board)  # still allowed to export this board
    try:
        again = exports.retry(user=user, export=export)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("steering-export-status", export.pk)
    return redirect("steering-export-status", again.pk)
