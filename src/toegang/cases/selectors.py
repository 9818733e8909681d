"""The access predicate and the reads of trajectories.

``households_visible_to`` is the one place that decides which dossiers a user may see; every list,
detail, search and export starts from it (DESIGN.md rule 1). It returns a queryset whose WHERE
clause is a single predicate of subqueries, so access costs no query per object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Count, Expression, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query
from django.utils import timezone

from toegang.accounts.models import User
from toegang.audit.context import act_on_behalf_of
from toegang.cases.models import Involvement, Note, RegisseurAssignment, StandIn, Trajectory
from toegang.people.models import Household, Membership, Person
from toegang.privacy.models import Consent, EmergencyAccess

CASE_ROLES = {User.Role.PROFESSIONAL, User.Role.TEAM_LEAD}


def sees_case_content(user: User) -> bool:
    """Roles that may see dossier content at all (functional administrators and privacy officers do not)."""
    return user.is_active and (user.is_superuser or user.role in CASE_ROLES or user.role == User.Role.MANAGER)


def involvement_basis_holds(on: dt.date) -> Q:
    """An involvement's basis holds on ``on``: a legal basis, or a consent not withdrawn and not expired."""
    return Q(consent__isnull=True) | Q(consent__withdrawn_on__isnull=True, consent__valid_until__gte=on)


def active_involvements(user: User) -> QuerySet[Involvement]:
    """The user's current involvements whose basis still holds: an involvement that rests on consent
    stops giving access the moment that consent is withdrawn or expires."""
    return Involvement.objects.filter(professional_id=user.pk, end_date__isnull=True).filter(
        involvement_basis_holds(timezone.localdate())
    )


@dataclass
class _Way:
    """While ``first_visible`` compiles a query: the one way in to write, and how many predicates met it."""

    name: str  # "team" or "others"
    seen: int = 0


_WAY: ContextVar[_Way | None] = ContextVar("access_way", default=None)


class AccessPredicate(Expression):
    """The way in of a professional or team lead as one SQL condition, written once here instead of
    built from ``Exists`` querysets on every request: Django resolved and compiled those anew for every
    query, 1.4 ms of each list (docs/performance.md, ADR 0003). The condition is the same: a row of the
    user's own team (``own_team``), or a trajectory of their team in the household, or a running
    break-the-glass, or (professionals) an involvement whose basis still holds
    (``involvement_basis_holds``). Each way in is a correlated EXISTS on an index. With
    ``consent=False`` only involvements on a legal basis count (``involved_on_consent``).
    tests/test_access_predicate.py holds it against the same rule written with the ORM. Not for
    ``.exclude()`` on a nullable column: the SQL has no IS NOT NULL that Django adds when it negates."""

    conditional = True

    def __init__(
        self,
        household: str,
        own_team: str,
        *,
        user_id: int,
        team_id: int | None,
        involvements: bool,
        now: dt.datetime,
        consent: bool = True,
    ) -> None:
        super().__init__(output_field=BooleanField())
        self.refs: list[Any] = [F(household)] + ([F(own_team)] if own_team else [])
        self.user_id, self.team_id, self.involvements, self.now = user_id, team_id, involvements, now
        self.consent = consent
        self.today = timezone.localdate(now)

    @classmethod
    def of(cls, user: User, household: str, own_team: str = "", *, involvements: bool = True) -> AccessPredicate:
        """For ``user`` now. Only ids are kept (Django keeps an expression's arguments). An involvement
        counts for professionals only; ``involvements=False`` leaves it out altogether, for the ways in
        that no consent limits (consent_scopes_by_household)."""
        return cls(
            household,
            own_team,
            user_id=user.pk,
            team_id=user.team_id,
            involvements=involvements and user.role == User.Role.PROFESSIONAL,
            now=timezone.now(),
            consent=involved_on_consent(user),
        )

    def get_source_expressions(self) -> list[Any]:
        return self.refs

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.refs = list(exprs)

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        household, household_params = compiler.compile(self.refs[0])
        emergency = [self.user_id, connection.ops.adapt_datetimefield_value(self.now)]
        involvement_set = _INVOLVEMENT_SET if self.consent else _LEGAL_INVOLVEMENT_SET
        involvement = [self.user_id] + ([connection.ops.adapt_datefield_value(self.today)] if self.consent else [])
        involvement = involvement if self.involvements else []
        way = _WAY.get()
        if way is not None:  # one way in only (first_visible)
            way.seen += 1
            if way.name == "team":
                return _TEAM_TRAJECTORY.format(h=household), (*household_params, self.team_id)
            sets = [_EMERGENCY_SET] + ([involvement_set] if self.involvements else [])
            return f"{household} IN ({' UNION ALL '.join(sets)})", (*household_params, *emergency, *involvement)
        parts: list[str] = []
        params: list[Any] = []
        if len(self.refs) > 1:
            team, team_params = compiler.compile(self.refs[1])
            parts.append(f"{team} = %s")
            params += [*team_params, self.team_id]
        parts.append(_TEAM_TRAJECTORY.format(h=household))
        params += [*household_params, self.team_id]
        parts.append(_EMERGENCY.format(h=household))
        params += [*emergency, *household_params]
        if self.involvements:
            parts.append(f'EXISTS ({involvement_set} AND acc_it."{_t_household}" = {household})')
            params += [*involvement, *household_params]
        return "(" + " OR ".join(parts) + ")", tuple(params)


def sql_names(model: type[Any], *fields: str) -> list[str]:
    """A model's table, primary key column and the columns of ``fields``: for SQL written by hand (ADR 0018)."""
    return [model._meta.db_table, model._meta.pk.column] + [model._meta.get_field(f).column for f in fields]


# The three ways in; {h} is the outer query's household column. Names come from the models, so a
# renamed column fails here instead of in a query; the aliases (acc_*) cannot meet Django's own.
_t, _t_pk, _t_household, _t_team = sql_names(Trajectory, "household", "team")
_e, _, _e_household, _e_user, _e_expires = sql_names(EmergencyAccess, "household", "user", "expires_at")
_i, _, _i_trajectory, _i_professional, _i_end, _i_consent = sql_names(
    Involvement, "trajectory", "professional", "end_date", "consent"
)
_c, _c_pk, _c_withdrawn, _c_valid = sql_names(Consent, "withdrawn_on", "valid_until")
# noqa comments: the names come from the models, every value is a bound parameter
_TEAM_TRAJECTORY = (
    f'EXISTS (SELECT 1 FROM "{_t}" acc_t WHERE acc_t."{_t_household}" = {{h}} AND acc_t."{_t_team}" = %s)'  # noqa: S608
)
# break-the-glass and involvements as sets of households (the "others" way of ``first_visible``) and as
# correlated EXISTS on those sets (the one condition); the parameters come in the same order in both
_EMERGENCY_SET = (
    f'SELECT acc_e."{_e_household}" FROM "{_e}" acc_e WHERE acc_e."{_e_user}" = %s AND acc_e."{_e_expires}" > %s'  # noqa: S608
)
_EMERGENCY = f'EXISTS ({_EMERGENCY_SET} AND acc_e."{_e_household}" = {{h}})'
_INVOLVEMENT_SET = (
    f'SELECT acc_it."{_t_household}" FROM "{_i}" acc_i'  # noqa: S608
    f' INNER JOIN "{_t}" acc_it ON acc_it."{_t_pk}" = acc_i."{_i_trajectory}"'
    f' LEFT OUTER JOIN "{_c}" acc_c ON acc_c."{_c_pk}" = acc_i."{_i_consent}"'
    f' WHERE acc_i."{_i_professional}" = %s AND acc_i."{_i_end}" IS NULL'
    f' AND (acc_i."{_i_consent}" IS NULL OR (acc_c."{_c_withdrawn}" IS NULL AND acc_c."{_c_valid}" >= %s))'
)
# for a user without any involvement on consent (``involved_on_consent``): the legal basis only
_LEGAL_INVOLVEMENT_SET = (
    f'SELECT acc_it."{_t_household}" FROM "{_i}" acc_i'  # noqa: S608
    f' INNER JOIN "{_t}" acc_it ON acc_it."{_t_pk}" = acc_i."{_i_trajectory}"'
    f' WHERE acc_i."{_i_professional}" = %s AND acc_i."{_i_end}" IS NULL AND acc_i."{_i_consent}" IS NULL'
)


def involved_on_consent(user: User) -> bool:
    """Whether the user may have an involvement that rests on consent. The API's token check reads it
    with the user (api/tokens.py, ``involved_on_consent``); a user read elsewhere counts as having
    one. When it is false, the access predicate leaves involvements on consent out, so no consent can
    limit what the user sees and the consent scopes need not be read. Read before the lists, it may be
    stale by then: an involvement on consent made meanwhile then gives no access in that request,
    rather than access without the consent's limits."""
    return getattr(user, "involved_on_consent", True)


def visible_household(user: User, household: str = "pk", own_team: str = "") -> Q | None:
    """The access predicate as a condition on the household that ``household`` points to (``"pk"`` on
    households, ``"household_id"`` on rows that belong to one): ``None`` means every household, an
    empty ``Q(pk__in=[])`` none. Each way in is a correlated EXISTS on an index, so the database
    checks only the rows the page asks for instead of first collecting every visible household
    (docs/performance.md). ``own_team`` names a team field on the row itself (trajectories): a row of
    the user's own team passes without looking further."""
    if not user.is_active or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    prefix = "" if household == "pk" else household.removesuffix("_id") + "__"
    if user.role == User.Role.MANAGER:
        return Q(**{f"{prefix}municipality_id": user.municipality_id}) if user.municipality_id else Q(pk__in=[])
    if user.team_id is None or user.role not in CASE_ROLES:
        return Q(pk__in=[])  # deny by default: functional administrator, privacy officer, unknown roles
    return Q(AccessPredicate.of(user, household, own_team))


def households_visible_to(user: User) -> QuerySet[Household]:
    condition = visible_household(user)
    return Household.objects.all() if condition is None else Household.objects.filter(condition)


def trajectories_visible_to(user: User) -> QuerySet[Trajectory]:
    condition = visible_household(user, "household_id", own_team="team_id")
    return Trajectory.objects.all() if condition is None else Trajectory.objects.filter(condition)


R = TypeVar("R")


def first_visible(qs: QuerySet[Any, R], n: int, rows: QuerySet[Any, Any] | None = None) -> list[R]:
    """``list(qs[:n])`` for an ordered list that holds the access predicate, read one way in at a time.

    A list in display order checks the predicate, an OR of the ways in, row by row until the page is
    full. When the user may see a small share of the rows (one team of 80 on seed L), that walk is
    long, and the planner cannot see it coming: it does not know how many rows an OR of EXISTS lets
    through. So the page's ids are first asked per way in, in one UNION: the user's team, as a plain
    EXISTS the planner estimates from its statistics (and so starts from the team's rows or walks in
    order, whichever is cheaper), and the few households of break-the-glass and involvements, as a
    set. The first ``n`` of each way hold the first ``n`` of all. A second query reads those rows
    through the whole predicate, in the queryset's order, with its joins and prefetches: from
    ``rows`` when given (the same list without conditions that the ids already met), else from ``qs``.
    A query without the predicate (superuser, manager) or with more than one is read as it is, and so
    is one that uses it negated (``exclude``): there a row passes a way without passing the whole.
    """
    if not _holds_predicate(qs.query):  # no way in to read apart (superuser, manager, signals): spare the compiles
        return list(qs[:n])
    ids = qs.values_list("pk", flat=True)[:n]
    compiled = []
    for name in ("team", "others"):
        way = _Way(name)
        token = _WAY.set(way)
        try:
            compiled.append(ids.query.get_compiler(qs.db).as_sql())
        except EmptyResultSet:  # a user who may see nothing
            return []
        finally:
            _WAY.reset(token)
        if way.seen != 1:
            return list(qs[:n])
    (team_sql, team_params), (others_sql, others_params) = compiled
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({team_sql}) AS way_team UNION SELECT * FROM ({others_sql}) AS way_others",  # noqa: S608
            (*team_params, *others_params),
        )
        found = [row[0] for row in cursor.fetchall()]
    if not found:
        return []
    page = list((qs if rows is None else rows).filter(pk__any_of=found)[:n])
    if len(page) < min(n, len(found)):
        # an id one way let through that the whole predicate does not: the query uses the predicate the
        # other way round (an exclude), where the ways cannot be read apart; read it as it is
        return list(qs[:n])
    return page


def _holds_predicate(query: Query) -> bool:
    """Whether an ``AccessPredicate`` is in the query's conditions, also inside a subquery (``Exists``).
    A miss costs only speed: ``first_visible`` then reads the query as it is, which is always right."""
    for leaf in query.where.leaves():
        for node in leaf.flatten() if hasattr(leaf, "flatten") else (leaf,):
            if isinstance(node, AccessPredicate):
                return True
            inner = node if isinstance(node, Query) else getattr(node, "query", None)  # ``__in`` or ``Exists``
            if isinstance(inner, Query) and inner is not query and _holds_predicate(inner):
                return True
    return False


def current_regisseur_subquery() -> Subquery:
    return Subquery(
        RegisseurAssignment.objects.filter(trajectory=OuterRef("pk"), end_date__isnull=True).values("professional_id")[
            :1
        ]
    )


def stand_ins_running(on: dt.date) -> QuerySet[StandIn]:
    return StandIn.objects.filter(withdrawn_at__isnull=True, start_date__lte=on, end_date__gte=on)


def acting_for_subquery(user: User, regisseur: str) -> Subquery:
    """The username of the absent colleague the user stands in for today, when that colleague is the
    regisseur that ``regisseur`` (an annotation of the outer query) names; else NULL."""
    from toegang.common.dates import today

    return Subquery(
        stand_ins_running(today())
        .filter(stand_in_id=user.pk, absent_id=OuterRef(regisseur))
        .values("absent__username")[:1]
    )


def caseload(*, user: User) -> QuerySet[Trajectory]:
    """Open trajectories where the user is the regisseur, stands in for the regisseur, or is involved,
    with what the list shows."""
    from toegang.common.dates import today

    absent = stand_ins_running(today()).filter(stand_in_id=user.pk).values("absent_id")
    current = RegisseurAssignment.objects.filter(end_date__isnull=True)
    # one set of ids from three indexed lookups, so that the database starts from the user's own few
    # trajectories; an OR of conditions made it walk every open trajectory (seed L: about 100 ms of SQL)
    mine = (
        current.filter(professional_id=user.pk)
        .values("trajectory_id")
        .union(
            current.filter(professional_id__in=absent).values("trajectory_id"),
            Involvement.objects.filter(professional_id=user.pk, end_date__isnull=True).values("trajectory_id"),
        )
    )
    return (
        trajectories_visible_to(user)
        .filter(status=Trajectory.Status.OPEN)
        .filter(pk__in=mine)
        .select_related("household", "household__area")
        .only("pk", "household_id", "started_on", "household__name", "household__area__name")  # what the list shows
        .annotate(regisseur_id=current_regisseur_subquery(), next_review_on=next_review_subquery())
        .annotate(acting_for=acting_for_subquery(user, "regisseur_id"))
        .order_by("started_on", "pk")
    )


def next_review_subquery() -> Subquery:
    """The next review date of the trajectory's agreed plan (NULL while no plan is agreed)."""
    from toegang.plans.models import Plan  # plans depends on cases; imported here to keep the direction

    return Subquery(
        Plan.objects.filter(trajectory=OuterRef("pk"), status=Plan.Status.AGREED).values("next_review_on")[:1]
    )


def team_trajectories(*, user: User) -> QuerySet[Trajectory]:
    """Open trajectories of the user's team with regisseur and next review date, oldest first."""
    if user.team_id is None:
        return Trajectory.objects.none()
    return (
        trajectories_visible_to(user)
        .filter(team_id=user.team_id, status=Trajectory.Status.OPEN)
        .select_related("household", "household__area")
        .only("pk", "household_id", "started_on", "household__name", "household__area__name")  # what the list shows
        .annotate(regisseur_id=current_regisseur_subquery(), next_review_on=next_review_subquery())
        .order_by("started_on", "pk")
    )


def team_caseload_counts(*, user: User) -> list[tuple[User, int]]:
    """Per member of the user's team: how many open trajectories they lead (also those with none)."""
    if user.team_id is None:
        return []
    # from the team's open trajectories, each asking for its current regisseur: a join from the
    # assignments read every current assignment of the region (seed L: 34k rows, 17 ms against 0.5)
    counts = dict(
        Trajectory.objects.filter(team_id=user.team_id, status=Trajectory.Status.OPEN)
        .annotate(regisseur_id=current_regisseur_subquery())
        .values_list("regisseur_id")
        .annotate(n=Count("pk"))
        .values_list("regisseur_id", "n")
    )
    members = team_colleagues(user=user)
    return sorted(((m, counts.get(m.pk, 0)) for m in members), key=lambda row: (-row[1], str(row[0])))


def trajectory_for_page(*, user: User, trajectory_id: int) -> Trajectory:
    """One trajectory with household and team; raises Trajectory.DoesNotExist when not visible. When
    the user stands in for its regisseur, the rest of the request is logged on that colleague's behalf."""
    trajectory = (
        trajectories_visible_to(user)
        .select_related("household", "household__area", "team")
        .annotate(page_regisseur_id=current_regisseur_subquery())
        .annotate(acting_for=acting_for_subquery(user, "page_regisseur_id"))
        .get(pk=trajectory_id)
    )
    act_on_behalf_of(trajectory.acting_for)
    return trajectory


def open_team_subquery(household: str) -> Subquery:
    """The team of the open trajectory of the household that ``household`` points to (NULL when none)."""
    return Subquery(
        Trajectory.objects.filter(household_id=OuterRef(household), status=Trajectory.Status.OPEN).values("team_id")[:1]
    )


def household_for_page(*, user: User, household_id: int) -> Household:
    """One household with area and municipality; raises Household.DoesNotExist when not visible. When
    the user stands in for the regisseur of its open trajectory, the rest of the request is logged on
    that colleague's behalf."""
    open_regisseur = RegisseurAssignment.objects.filter(
        trajectory__household_id=OuterRef("pk"), trajectory__status=Trajectory.Status.OPEN, end_date__isnull=True
    ).values("professional_id")[:1]
    household = (
        households_visible_to(user)
        .select_related("area", "municipality")
        .annotate(open_regisseur_id=Subquery(open_regisseur), open_team_id=open_team_subquery("pk"))
        .annotate(acting_for=acting_for_subquery(user, "open_regisseur_id"))
        .get(pk=household_id)
    )
    act_on_behalf_of(household.acting_for)
    return household


@dataclass(frozen=True)
class ConsentScope:
    """What a resident's consent lets a professional outside the team see: its data categories
    (privacy.Consent.Category) and the persons who gave it."""

    categories: frozenset[str]
    person_ids: frozenset[int]

    def shares(self, category: str) -> bool:
        return category in self.categories

    @property
    def labels(self) -> list[str]:
        names = dict(Consent.Category.choices)
        return [str(names.get(c, c)) for c in sorted(self.categories)]


def consent_scopes_by_household(*, viewer: User, household_ids: Iterable[int]) -> dict[int, ConsentScope]:
    """Per household, for a professional whose only way in is an involvement that rests on consent:
    what that consent covers (its data categories and who gave it). It holds for everything of the
    household, its earlier dossiers included, since the involvement opens them all. Households the
    viewer reaches otherwise (a trajectory of the own team, an involvement on a legal basis or as the
    municipality's staff, break-the-glass) are not limited and are left out. One query, for
    professionals only, and none for a user known to have no involvement on consent."""
    ids = set(household_ids)
    if viewer.role != User.Role.PROFESSIONAL or not ids or not involved_on_consent(viewer):
        return {}
    unlimited = AccessPredicate.of(viewer, "trajectory__household_id", involvements=False)  # no consent limits it
    rows: dict[int, list[tuple[bool, int | None, list[str] | None, int | None]]] = {}
    for household_id, other_way, consent_id, categories, person_id in (
        active_involvements(viewer)
        .filter(trajectory__household_id__in=ids)
        .annotate(other_way=unlimited)
        .values_list("trajectory__household_id", "other_way", "consent_id", "consent__categories", "consent__person_id")
    ):
        rows.setdefault(household_id, []).append((other_way, consent_id, categories, person_id))
    return {
        household_id: ConsentScope(
            categories=frozenset(c for _w, _i, categories, _p in found for c in categories or []),
            person_ids=frozenset(p for _w, _i, _c, p in found if p is not None),
        )
        for household_id, found in rows.items()
        if not any(other_way or consent_id is None for other_way, consent_id, _c, _p in found)
    }


def consent_scope(*, viewer: User, trajectory: Trajectory) -> ConsentScope | None:
    """consent_scopes_by_household for the household of this trajectory (any of its dossiers, open or
    closed); ``None`` when nothing limits the viewer to consented categories. No query when the
    trajectory is of the viewer's own team."""
    if viewer.team_id == trajectory.team_id or viewer.role != User.Role.PROFESSIONAL:
        return None
    return consent_scopes_by_household(viewer=viewer, household_ids=[trajectory.household_id]).get(
        trajectory.household_id
    )


def household_consent_scope(*, viewer: User, household: Household) -> ConsentScope | None:
    """consent_scopes_by_household for one household. No query when the household comes from
    household_for_page (which reads the team of its open trajectory along) and that trajectory is of
    the viewer's team, or there is none (closing a trajectory ends its involvements)."""
    if viewer.role != User.Role.PROFESSIONAL:
        return None
    if hasattr(household, "open_team_id") and household.open_team_id in (None, viewer.team_id):
        return None
    return consent_scopes_by_household(viewer=viewer, household_ids=[household.pk]).get(household.pk)


def current_regisseur(*, trajectory: Trajectory) -> RegisseurAssignment | None:
    return (
        RegisseurAssignment.objects.filter(trajectory=trajectory, end_date__isnull=True)
        .select_related("professional__organisation")
        .first()
    )


def household_trajectories(*, household: Household) -> QuerySet[Trajectory]:
    return (
        Trajectory.objects.filter(household=household)
        .select_related("team")
        .prefetch_related(
            Prefetch(
                "regisseur_assignments",
                queryset=RegisseurAssignment.objects.select_related("professional__organisation").order_by(
                    "start_date", "pk"
                ),
            ),
            Prefetch(
                "involvements",
                queryset=Involvement.objects.select_related("professional", "organisation").order_by("start_date"),
            ),
        )
        .order_by("-started_on", "-pk")
    )


@dataclass(frozen=True)
class InvolvedOrganisation:
    organisation: str
    since: dt.date
    contact: str
    contact_email: str


def who_is_involved(*, household: Household, on: dt.date) -> list[tuple[Person, list[InvolvedOrganisation]]]:
    """Per current member: which organisations are involved now in this household, since when and with
    whom to get in touch; never what they do, and nothing of other households a member belongs to."""
    members = list(
        Membership.objects.filter(household=household, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("person")
        .order_by("person__geboortedatum", "pk")
    )
    rows = [
        InvolvedOrganisation(
            organisation=i.organisation.name,
            since=i.start_date,
            contact=str(i.professional),
            contact_email=i.professional.email,
        )
        for i in Involvement.objects.filter(trajectory__household=household, end_date__isnull=True)
        .select_related("organisation", "professional")
        .order_by("start_date", "pk")
    ]
    return [(m.person, rows) for m in members]


def recent_notes(
    *, trajectory: Trajectory, viewer: User, limit: int = 50, before: tuple[dt.date, int] | None = None
) -> QuerySet[Note]:
    """The latest notes the viewer may read: open ones, and those restricted to the viewer's organisation;
    newest first. ``before`` (date, id) continues after that note (the notes page's next page)."""
    qs = Note.objects.filter(trajectory=trajectory).filter(
        Q(restricted_to__isnull=True) | Q(restricted_to_id=viewer.organisation_id)
    )
    if before is not None:
        qs = qs.filter(Q(happened_on__lt=before[0]) | Q(happened_on=before[0], pk__lt=before[1]))
    return qs.select_related("author", "author__organisation").order_by("-happened_on", "-pk")[:limit]


def team_colleagues(*, user: User) -> QuerySet[User]:
    """Who of the team can take the regie: the case roles only (a partner's reporting account sends its
    signals to a team without working in it)."""
    if user.team_id is None:
        return User.objects.none()
    return User.objects.filter(team_id=user.team_id, is_active=True, role__in=CASE_ROLES).select_related("organisation")


def open_trajectory_of(*, household: Household) -> Trajectory | None:
    return Trajectory.objects.filter(household=household, status=Trajectory.Status.OPEN).first()
