"""Requests to the admin that Django's admin would turn into a 500 are answered 400 instead.

Django's admin passes some request values to the database unchecked: list filter values and the
autocomplete's search term reach SQL as they are, and PostgreSQL refuses a NUL character in a
query (the changelist's search box is a form, which refuses a NUL on the page itself). Nothing
typed in a form or picked from a page sends one, so an admin address holding a NUL is a changed
link, answered with the site's "bad request" page; nothing is read or changed.

Likewise the ids an action is run on (`_selected_action`) must be ids of the model, or Django
fails building the query; a form never sends anything else. And the date hierarchy's year, month
and day are the admin's own links: up to four ASCII digits (a year beyond a C integer overflowed
where Django expects only a bad date).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class AdminInputGuard:
    """Middleware: refuses (400) admin requests the admin cannot answer without an error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        if not request.path_info.startswith(reverse("admin:index")):
            return
        for key, values in request.GET.lists():
            if key == SEARCH_VAR:
                continue  # the changelist's search form refuses a NUL itself, on the page
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequest(f"NUL character in the query parameter {key!r}.")
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is not None and request.method == "POST":
            _check_selected_ids(request, model_admin)
        if model_admin is not None and model_admin.date_hierarchy:
            _check_date_hierarchy(request, model_admin.date_hierarchy)


def _check_date_hierarchy(request: HttpRequest, field: str) -> None:
    for part in ("year", "month", "day"):
        value = request.GET.get(f"{field}__{part}")
        if value is not None and not (value.isascii() and value.isdigit() and len(value) <= 4):
            raise BadRequest(f"{value!r} is not a {part} of the date hierarchy.")


def _check_selected_ids(request: HttpRequest, model_admin: Any) -> None:
    pk = model_admin.model._meta.pk
    for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
        try:
            pk.to_python(value)
        except ValidationError:
            raise BadRequest(f"{value!r} is not an id of {model_admin.model.__name__}.") from None
