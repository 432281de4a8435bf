"""Admin pages of rows scoped to the user's hubs: a row outside the scope is "not found"."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse


class OutOfScopeNotFound:
    """Mixin for a read-only ModelAdmin: Django answers a POST to a change page (403, as nobody
    may change the row) before looking the row up; a row outside the user's scope is "not found"
    to every method instead, with Django's own message and redirect, as its GET answers."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        admin: Any = self
        if request.method == "POST" and admin.get_object(request, unquote(object_id)) is None:
            return admin._get_obj_does_not_exist_redirect(request, admin.opts, object_id)
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
