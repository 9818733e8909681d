"""Downloads of the social map: the user's municipality's services in Open Referral HSDS 3.0. The social map
holds no client data, so no audit row (as for the search page)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from toegang.accounts.models import Municipality, User
from toegang.common.views import current_user
from toegang.network import socialmap_csv


def require_social_map_user(request: HttpRequest) -> tuple[User, int]:
    """The social map is for the staff of a municipality; a partner account sees only its own referrals,
    signals and conferences. Returns the user and their municipality."""
    user = current_user(request)
    if not user.is_active or user.municipality_id is None:
        raise PermissionDenied(_("De sociale kaart hoort bij een gemeente; uw account heeft er geen."))
    if user.role == User.Role.REPORTER:
        raise PermissionDenied(_("Een partneraccount ziet alleen de eigen verwijzingen, meldingen en overleggen."))
    return user, user.municipality_id


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    """The HSDS 3.0 CSV package (a ZIP with one CSV file per table and a datapackage.json)."""
    _user, municipality_id = require_social_map_user(request)
    municipality = Municipality.objects.get(pk=municipality_id)
    response = HttpResponse(socialmap_csv.export_zip(municipality), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="sociale-kaart-{municipality.code}-hsds-csv.zip"'
    return response
