"""The load test of a working day (issue 10, point 3), for Locust against gunicorn and PostgreSQL.

The mix of the issue, with think time between the steps of each simulated user:

| share | step | request(s) |
|---|---|---|
| 25 % | caseload | GET /mijn-caseload/ |
| 25 % | household page | GET /huishoudens/<id>/ (one of the professional's own households) |
| 15 % | search | GET /zoeken/?naam=<surname> |
| 12 % | add a note | POST /trajecten/<id>/notities/nieuw/ |
| 8 % | update the plan | GET the plan, then POST the status of one of its actions (with the plan's revision) |
| 5 % | status change | GET the team queue, open a new signal, POST its triage (answered with advice) |
| 3 % | intake | POST /meldingen/nieuw/ (a new signal about a new, synthetic person) |
| 5 % | dashboards | GET /sturing/manager/ or /sturing/team/ (``ManagerUser``, ``TeamLeadUser``) |
| 1 % | privacy officer | GET /privacy/logboek/persoon/?bsn=<bsn> (``PrivacyOfficer``) |
| 1 % | export | GET /team/trajecten.csv (``TeamLeadUser``) |

The professionals' steps are the tasks of ``WorkingDay`` with these weights; the manager, the team lead and
the privacy officer are users of their own (``fixed_count``), so their share of the requests follows
from how many there are: the run's report gives the shares that were actually measured.

Sessions and subjects come from ``prepare.py`` (var/load-context.json). The run stops after
``LOAD_MAX_REQUESTS`` requests (default 3,000) or Locust's ``--run-time``, whichever comes first.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from locust import FastHttpUser, between, events, task
from requests.cookies import create_cookie

CONTEXT = json.loads((Path(__file__).resolve().parents[2] / "var" / "load-context.json").read_text())
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "3000"))
_people = itertools.cycle(CONTEXT["professionals"])
_serial = itertools.count(1)
_done = itertools.count(1)

ACTION_FORM = re.compile(r'action="/acties/(\d+)/status/".*?name="expected_revision" value="(\d+)"', re.S)
SIGNAL_LINK = re.compile(r'href="/meldingen/(\d+)/"')
LIFE_DOMAIN = re.compile(r'name="life_domains" value="(\d+)"')
ALERT = re.compile(r'role="alert"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)')
# where the application sends a request whose session does not hold (no login, or no second factor)
SESSION_LOST = ("/inloggen/", "/tweestaps/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


_environment: Any = None


@events.init.add_listener
def _keep_environment(environment: Any, **_kwargs: Any) -> None:
    global _environment  # noqa: PLW0603 - Locust hands the environment over only through this event
    _environment = environment


@events.request.add_listener
def _stop_after_max(**_kwargs: Any) -> None:
    """Bounded in request count as well as in time: stop the whole run after MAX_REQUESTS requests."""
    if next(_done) == MAX_REQUESTS and _environment is not None and _environment.runner is not None:
        _environment.runner.quit()


def elfproef_bsn(serial: int) -> str:
    """A synthetic BSN in the 9999 test range that passes the elfproef (the intake's new person)."""
    for tail in range(serial * 10, serial * 10 + 10_000):
        digits = f"9999{tail % 100_000:05d}"
        total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
        if total % 11 == 0:
            return digits
    raise ValueError("no BSN found")


class Simulated(FastHttpUser):
    """A user of Toegang with a session of their own. Locust's FastHttpUser (geventhttpclient) rather than
    HttpUser (requests), which Locust's documentation gives as the cheaper client per request: the load
    generator shares the two cores with gunicorn and PostgreSQL (here it takes about 1.3 ms of CPU per
    request, the run's ``cpu`` figures)."""

    abstract = True
    wait_time = between(float(os.environ.get("LOAD_THINK_MIN", "0.5")), float(os.environ.get("LOAD_THINK_MAX", "1.5")))

    def use_session(self, session: str) -> None:
        """The session cookie, for the host under test (a cookie jar sends it to that host only)."""
        host = urlparse(self.host or "").hostname or "127.0.0.1"
        self.client.cookiejar.set_cookie(create_cookie("sessionid", session, domain=host))

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.client.cookiejar if c.name == name), "")


class WorkingDay(Simulated):
    """A professional of the Toegang: their own caseload, households, plans and the team queue."""

    weight = 100

    def on_start(self) -> None:
        self.me = next(_people)
        self.use_session(self.me["session"])
        # not followed: a session that does not hold is sent to the login page, and the run says so
        with self.client.get(
            "/meldingen/nieuw/", name="(start) melding-formulier", allow_redirects=False, catch_response=True
        ) as form:
            if form.status_code != 200:
                went = (form.headers or {}).get("Location", "")
                form.failure(f"HTTP {form.status_code} naar {went}: de sessie geldt niet")
        self.csrf = self.cookie("csrftoken")
        found = CSRF.search(form.text or "")
        self.form_token = found.group(1) if found else self.csrf
        self.domains = LIFE_DOMAIN.findall(form.text or "")[:2]

    def _post(self, url: str, data: dict[str, Any], name: str, *, lost_race: str = "") -> None:
        """A form post; it succeeded only when the application redirects (a 200 is the form again, with
        an error message). ``lost_race``: the message with which the application rightly refuses a step
        another simulated user has just taken (two people triaging one signal); such an answer is counted
        under its own name, ``<name> (al gedaan)``, not as a failure, so the report shows how often."""
        body = urlencode({"csrfmiddlewaretoken": self.form_token, **data}, doseq=True)  # lists as repeated fields
        headers = {"X-CSRFToken": self.csrf, "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(
            url, data=body, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = (response.headers or {}).get("Location", "")
            if response.status_code == 302 and location.startswith(SESSION_LOST):  # the run would measure nothing
                response.failure(f"doorgestuurd naar {location}: de sessie geldt niet")
            elif response.status_code == 302:
                response.success()
            elif lost_race and response.status_code == 400 and lost_race in (response.text or ""):
                response.request_meta["name"] = f"{name} (al gedaan)"
                response.success()
            else:
                said = ALERT.search(response.text or "")  # the application's own message, for the report
                response.failure(f"HTTP {response.status_code}: {said.group(1).strip() if said else 'het formulier'}")

    @task(25)
    def caseload(self) -> None:
        self.client.get("/mijn-caseload/", name="caseload")

    @task(25)
    def household(self) -> None:
        self.client.get(f"/huishoudens/{random.choice(self.me['households'])}/", name="household")  # noqa: S311

    @task(15)
    def search(self) -> None:
        self.client.get(f"/zoeken/?naam={random.choice(self.me['surnames'])}", name="search")  # noqa: S311

    @task(12)
    def note(self) -> None:
        trajectory = random.choice(self.me["trajectories"])  # noqa: S311
        self._post(
            f"/trajecten/{trajectory}/notities/nieuw/",
            {
                "kind": "contact",
                "channel": "telefoon",
                "happened_on": CONTEXT["today"],
                "text": "Telefonisch contact over de voortgang (belastingtest).",
            },  # fmt: skip
            "note-add",
        )

    @task(8)
    def plan(self) -> None:
        trajectory = random.choice(self.me["trajectories"])  # noqa: S311
        page = self.client.get(f"/trajecten/{trajectory}/plan/", name="plan")
        forms = ACTION_FORM.findall(page.text or "")
        if forms:
            action, revision = random.choice(forms)  # noqa: S311
            status = random.choice(["open", "gedaan"])  # noqa: S311
            self._post(f"/acties/{action}/status/", {"expected_revision": revision, "status": status}, "action-status")

    @task(5)
    def triage(self) -> None:
        queue = self.client.get("/team/wachtrij/", name="team-queue")
        signals = SIGNAL_LINK.findall(queue.text or "")
        if signals:
            signal = random.choice(signals)  # noqa: S311
            self.client.get(f"/meldingen/{signal}/", name="signal-detail")
            self._post(
                f"/meldingen/{signal}/triage/",
                {"outcome": "advies", "on": CONTEXT["today"], "note": "Vraag direct beantwoord (belastingtest)."},
                "triage",
                lost_race="deze melding is al getriageerd",
            )

    @task(3)
    def intake(self) -> None:
        serial = next(_serial)
        self._post(
            "/meldingen/nieuw/",
            {
                "bsn": elfproef_bsn(serial),
                "voornamen": "Test",
                "geslachtsnaam": f"Belasting{serial}",
                "source": "zelfmelder",
                "channel": "telefoon",
                "received_on": CONTEXT["today"],
                "urgency": "normaal",
                "life_domains": self.domains,
                "description": "Vraag om ondersteuning (belastingtest).",
            },  # fmt: skip
            "signal-new",
        )


class ManagerUser(Simulated):
    """The manager: the manager's dashboard (one session per simulated user, so cookies never mix)."""

    fixed_count = 1

    def on_start(self) -> None:
        self.use_session(CONTEXT["manager"])

    @task
    def dashboard(self) -> None:
        self.client.get("/sturing/manager/", name="dashboard")


class TeamLeadUser(Simulated):
    """The team lead: the team's dashboard (5) and the team's export (1)."""

    fixed_count = 1

    def on_start(self) -> None:
        self.use_session(CONTEXT["team_lead"])

    @task(5)
    def dashboard(self) -> None:
        self.client.get("/sturing/team/", name="dashboard")

    @task(1)
    def export(self) -> None:
        self.client.get("/team/trajecten.csv", name="team-export")


class PrivacyOfficer(Simulated):
    """The privacy officer: who saw this person."""

    fixed_count = 1

    def on_start(self) -> None:
        self.use_session(CONTEXT["privacy"])

    @task
    def person_log(self) -> None:
        self.client.get(f"/privacy/logboek/persoon/?bsn={random.choice(CONTEXT['bsns'])}", name="audit-person")  # noqa: S311
