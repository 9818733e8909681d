"""Prepare the load test (issue 10): sessions and subjects for the simulated users, from a seeded
PostgreSQL database, written to ``var/load-context.json`` for ``locustfile.py``.

The simulated users do not log in through the login form: every one gets a real session made the way
the login does it (the user logged in, a confirmed TOTP device verified for the session), so the load
is the working day's pages and not a stream of logins and second factors. Per simulated professional:
a professional of the municipality with open trajectories of their own as regisseur, their households,
the trajectories with an agreed plan, and surnames to search for.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.run import setup_django  # noqa: E402 - after the project is on the path

CONTEXT = PROJECT / "var" / "load-context.json"


def session_for(username: str) -> str:
    """A logged-in, second-factor-verified session for ``username`` (its session cookie value)."""
    from benchmarks.run import client_for

    return str(client_for(username).cookies["sessionid"].value)


def professionals(limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` professionals with the most open trajectories as regisseur, each with their subjects."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.username, array_agg(DISTINCT t.household_id), array_agg(DISTINCT t.id)
              FROM accounts_user u
              JOIN cases_regisseurassignment r ON r.professional_id = u.id AND r.end_date IS NULL
              JOIN cases_trajectory t ON t.id = r.trajectory_id AND t.status = 'open'
              JOIN plans_plan p ON p.trajectory_id = t.id AND p.status = 'akkoord'
             WHERE u.role = 'professional' AND u.is_active
             GROUP BY u.username
             ORDER BY count(DISTINCT t.id) DESC, u.username
             LIMIT %s
            """,
            [limit],
        )
        found = []
        for username, households, trajectories in cursor.fetchall():
            cursor.execute(
                """
                SELECT DISTINCT p.geslachtsnaam FROM people_person p
                  JOIN people_membership m ON m.person_id = p.id
                 WHERE m.household_id = ANY(%s) LIMIT 20
                """,
                [households[:20]],
            )
            surnames = [row[0] for row in cursor.fetchall()]
            found.append(
                {
                    "username": username,
                    "households": households[:50],
                    "trajectories": trajectories[:50],
                    "surnames": surnames,
                }
            )
    return found


def bsns(count: int) -> list[str]:
    """BSNs of persons in the privacy officer's municipality (the log search looks only there)."""
    from django.db import connection

    from toegang.accounts.models import User

    municipality = User.objects.get(username="privacy").municipality_id
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.bsn FROM people_person p
              JOIN people_membership m ON m.person_id = p.id
              JOIN people_household h ON h.id = m.household_id
             WHERE p.bsn IS NOT NULL AND h.municipality_id = %s
             ORDER BY p.id LIMIT %s
            """,
            [municipality, count],
        )
        return [row[0] for row in cursor.fetchall()]


def main(database_url: str, users: int) -> None:
    setup_django(database_url)
    from toegang.common.dates import today

    staff = professionals(users)
    if not staff:
        raise SystemExit("Geen professionals met open trajecten en een plan: is de database gevuld?")
    for person in staff:
        person["session"] = session_for(person["username"])
    context = {
        "today": today().isoformat(),
        "professionals": staff,
        "team_lead": session_for("teamleider"),
        "manager": session_for("manager"),
        "privacy": session_for("privacy"),
        "bsns": bsns(50),
    }
    CONTEXT.parent.mkdir(exist_ok=True)
    CONTEXT.write_text(json.dumps(context, indent=1))
    print(f"{len(staff)} professionals, context in {CONTEXT.relative_to(PROJECT)}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--users", type=int, default=20)
    arguments = parser.parse_args()
    main(arguments.database_url, arguments.users)
