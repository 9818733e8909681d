from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The current path for highlighting the navigation; nothing that needs a query."""
    return {"current_path": request.path}
