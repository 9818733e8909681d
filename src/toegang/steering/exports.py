"""Time-series exports of a dashboard that run in the background: a board's indicators per month over
up to ten years, as CSV or XLSX, every value small-cell protected exactly as the board's own export
prints it.

``start`` records the request and hands ``run`` to the worker (common/jobs.py). ``run`` computes the
months one by one, saving its progress after each, writes the whole file under a temporary name in
EXPORT_DIR, flushes it to disk and only then renames it to its final name and marks the export done.
Whatever goes wrong (a full disk included), the temporary file is removed and the export is marked as
failed with a message for the user; a finished export is never a partial file. ``remove_old`` deletes
exports and files after EXPORT_KEEP_DAYS (``manage.py sturing opruimen``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from toegang.accounts.models import User
from toegang.common import jobs
from toegang.common.dates import DECENTRALISATION, add_months
from toegang.common.errors import DomainError
from toegang.common.periods import Period
from toegang.steering import selectors, summaries, views
from toegang.steering.models import Export, Refresh

logger = logging.getLogger(__name__)

EARLIEST = DECENTRALISATION  # no summaries before the decentralisation of the social domain
MAX_MONTHS = 120
MAX_UNFINISHED = 3  # per user, waiting or running
HEADER = ["indicator", "naam", "eenheid", "maand", "waarde"]
DISK_FULL = "De export is mislukt: de schijf is vol. Probeer het later opnieuw of vraag de beheerder."
FAULT = (
    "De export is mislukt door een fout in het systeem. Probeer het opnieuw; lukt het dan weer niet, "
    "vraag de beheerder (de fout staat in het logboek)."
)
NOT_STARTED = (
    "De export is niet gestart: de achtergrondverwerking is niet bereikbaar. Probeer het later opnieuw "
    "of vraag de beheerder."
)
ABANDONED = (
    "De export is afgebroken: de achtergrondverwerking stopte voordat het bestand klaar was. Probeer het opnieuw."
)
STALE_AFTER = dt.timedelta(days=1)  # an export still waiting or running after a day will not finish
OUR_FILES = re.compile(r"^(export-\d+\.(csv|xlsx)|\.export-\d+-.+\.tmp)$")


@dataclass(frozen=True)
class Series:
    """What an export covers: the months from ``first`` to ``last`` (codes "2017-01") under the board's
    filters; ``description`` names them for the file's first line."""

    first: str
    last: str
    municipality_id: int
    law: str = ""
    area_id: int | None = None
    team_id: int | None = None
    organisation_id: int | None = None
    description: str = ""

    def months(self) -> list[Period]:
        start, end = Period.parse(self.first).start, Period.parse(self.last).start
        found = []
        while start <= end:
            found.append(Period.month(start.year, start.month))
            start = add_months(start, 1)
        return found

    def filters(self, month: Period) -> selectors.Filters:
        return selectors.Filters(
            municipality_id=self.municipality_id,
            period=month,
            law=self.law,
            area_id=self.area_id,
            team_id=self.team_id,
            organisation_id=self.organisation_id,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Series:
        return cls(**data)


def month_count(first: dt.date, last: dt.date) -> int:
    """How many months from the month of ``first`` up to and including that of ``last``."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def exports_of(user: User) -> QuerySet[Export]:
    """The exports one person may see: only their own (anyone else's is not found)."""
    return Export.objects.filter(user=user)


@transaction.atomic
def start(*, user: User, board: views.Board, series: Series, fmt: str) -> Export:
    """Record a time-series export and hand it to the worker once this transaction commits."""
    from toegang.steering import tasks  # tasks imports this module

    unfinished = Export.objects.filter(user=user, state__in=(Export.State.WAITING, Export.State.RUNNING)).count()
    if unfinished >= MAX_UNFINISHED:
        raise DomainError(
            f"U heeft al {MAX_UNFINISHED} exports in de wachtrij of bezig; start een nieuwe als er een klaar is."
        )
    export = Export.objects.create(
        user=user, board=board.code, parameters=asdict(series), format=fmt, months_total=len(series.months())
    )
    jobs.enqueue(tasks.run_export, export.pk, on_failure=lambda _error: _fail(export.pk, NOT_STARTED))
    return export


def retry(*, user: User, export: Export) -> Export:
    """Start a failed export again, as a new export with the same months, filters and format."""
    if export.state != Export.State.FAILED:
        raise DomainError("Alleen een mislukte export kan opnieuw.")
    return start(
        user=user, board=views.BOARDS[export.board], series=Series.from_json(export.parameters), fmt=export.format
    )


def month_lines(board: views.Board, filters: selectors.Filters, run: Refresh | None) -> list[list[str]]:
    """One line per indicator of the board for the month of ``filters``, its value exactly as the board's
    export prints it (the same protected rows, through the same ``views.show``)."""
    chosen = views.Chosen(filters, [], [], [])
    return [
        [
            row.indicator.code,
            row.indicator.name,
            row.indicator.get_unit_display(),
            filters.period.code,
            views.Shown(views.show(row.indicator, row.now, protected=True)),
        ]
        for row in views._rows(board, chosen, run, protect=True)
    ]


def run(export_id: int) -> None:
    """Compute and write one export, recording its progress and its outcome on its row; never raises for
    a fault of the export itself (the worker has no one to tell)."""
    claimed = Export.objects.filter(pk=export_id, state=Export.State.WAITING).update(
        state=Export.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # done or running already (a job delivered twice), or removed
        return
    export = Export.objects.get(pk=export_id)
    directory = Path(settings.EXPORT_DIR)
    final = directory / f"export-{export.pk}.{export.format}"
    try:
        series = Series.from_json(export.parameters)
        board = views.BOARDS[export.board]
        refresh = summaries.latest()
        table = [HEADER]
        for done, month in enumerate(series.months(), start=1):
            table += month_lines(board, series.filters(month), refresh)
            Export.objects.filter(pk=export.pk).update(months_done=done)  # its own short commit: the page sees it
        description = f"maanden {series.first} t/m {series.last}" + (
            f", {series.description}" if series.description else ""
        )
        content = views.export_file(export.format, table, title=f"{board.title}: tijdreeks", description=description)
        directory.mkdir(parents=True, exist_ok=True)
        write_whole(final, content)
        if not Export.objects.filter(pk=export.pk, state=Export.State.RUNNING).update(
            state=Export.State.DONE, file_name=final.name, finished_at=timezone.now()
        ):
            final.unlink(missing_ok=True)  # removed while it ran: leave no file behind
    except Exception as error:  # noqa: BLE001 - every fault ends as a failed export with a message, never a file
        logger.exception("Tijdreeksexport %s mislukt", export_id)
        with contextlib.suppress(OSError):
            final.unlink(missing_ok=True)
        _fail(export_id, DISK_FULL if _disk_full(error) else FAULT)


def write_whole(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` so that the name never shows a partial file: a temporary file in the
    same directory, flushed to disk, then renamed over the name in one step. On any error the temporary
    file is removed and ``path`` is untouched."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), 0o640)  # the web processes (same group) serve what the worker wrote
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def _disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def _fail(export_id: int, message: str) -> None:
    Export.objects.filter(pk=export_id).exclude(state=Export.State.DONE).update(
        state=Export.State.FAILED, error=message, file_name="", finished_at=timezone.now()
    )


def file_path(export: Export) -> Path | None:
    """The complete file of a finished export, or None (not finished, or its file is gone)."""
    if export.state != Export.State.DONE or not export.file_name:
        return None
    path = Path(settings.EXPORT_DIR) / export.file_name
    return path if path.is_file() else None


@dataclass
class Cleanup:
    exports: int
    files: int
    abandoned: int


def remove_old(*, now: dt.datetime | None = None) -> Cleanup:
    """Remove exports older than EXPORT_KEEP_DAYS with their files, and files of ours in EXPORT_DIR that
    are that old and belong to no export (left by a worker that was stopped); mark exports that are still
    waiting or running after a day as failed (their worker stopped; the user may start them again)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    directory = Path(settings.EXPORT_DIR)
    old = Export.objects.filter(created_at__lt=cutoff)
    names = set(old.exclude(file_name="").values_list("file_name", flat=True))
    files = 0
    for name in names:
        if (directory / name).is_file():
            (directory / name).unlink()
            files += 1
    removed, _per_model = old.delete()
    abandoned = Export.objects.filter(
        state__in=(Export.State.WAITING, Export.State.RUNNING), created_at__lt=now - STALE_AFTER
    ).update(state=Export.State.FAILED, error=ABANDONED, finished_at=now)
    if directory.is_dir():
        kept = set(Export.objects.exclude(file_name="").values_list("file_name", flat=True))
        for path in directory.iterdir():
            if OUR_FILES.match(path.name) and path.name not in kept and path.is_file():
                modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
                if modified < cutoff or (path.suffix == ".tmp" and modified < now - STALE_AFTER):
                    path.unlink()
                    files += 1
    return Cleanup(exports=removed, files=files, abandoned=abandoned)
