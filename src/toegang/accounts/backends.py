from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from toegang.accounts.models import User


class AccountsBackend(ModelBackend):
    """The standard backend, but the user of each request comes with organisation and team in one
    query: every page shows them in the header and every audit row records the organisation."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.select_related("organisation", "team").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
