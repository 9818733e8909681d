from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from toegang.accounts.models import User
from toegang.privacy.context import with_running_flag


def user_of_request(user_id: Any) -> User | None:
    """The user of a request, with organisation and team in one query: every page shows them in the
    header and every audit row records the organisation. The same query tells whether a break-the-glass
    access of the user runs (privacy/context.py). Used by both backends that keep a session."""
    try:
        return with_running_flag(User.objects.select_related("organisation", "team")).get(pk=user_id)
    except User.DoesNotExist:
        return None


class AccountsBackend(ModelBackend):
    """The standard backend, with the user of each request read by ``user_of_request``."""

    def get_user(self, user_id: Any) -> User | None:
        user = user_of_request(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
