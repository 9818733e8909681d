from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from toegang.accounts.models import User
from toegang.privacy.context import with_running_flag


class AccountsBackend(ModelBackend):
    """The standard backend, but the user of each request comes with organisation and team in one
    query: every page shows them in the header and every audit row records the organisation. The same
    query tells whether a break-the-glass access of the user runs (privacy/context.py)."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = with_running_flag(User.objects.select_related("organisation", "team")).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
