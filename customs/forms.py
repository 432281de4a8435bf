"""“Find my HS code”: the words search of the HS 2022 nomenclature, for server-rendered pages.

On the listing form it works without JavaScript: a words box and a "Find HS code" button sit
inside the listing's own form, so pressing it (or a result's "Use" button) posts everything the
seller typed; the view re-renders the form from that data, with the ranked subheadings, and
with the chosen code put into `hs_code`. Nothing is saved until the seller presses Save.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict

from customs.nomenclature import Entry, Match, code_digits, nomenclature

FIND = "hs_find"  # the "Find HS code" button
CHOOSE = "hs_choose"  # a result's "Use 610910" button; its value is the code
PREFIX = "hs"  # the words box is posted as "hs-q", beside the listing's own fields
FORM_RESULTS = 10
PAGE_RESULTS = 50
EMPTY_QUERY = (
    "Type words that describe the goods, e.g. “cotton t-shirt”, or the first digits of a code."
)


class HsSearchForm(forms.Form):
    q = forms.CharField(
        label="Describe the goods",
        required=False,
        max_length=200,
        strip=True,
        help_text="Words such as “cotton t-shirt” or “green tea”, or the first digits of a code.",
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@dataclass
class HsSearch:
    """A words search and its results, ready for a template."""

    form: HsSearchForm
    results: list[Match] = field(default_factory=list)
    total: int = 0
    message: str = ""

    @property
    def query(self) -> str:
        return str(self.form.cleaned_data.get("q", "")) if self.form.is_bound else ""

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Each result with its heading and chapter, for display."""
        hs = nomenclature()
        return [
            {
                "entry": m.entry,
                "heading": hs.heading_of(m.entry.code),
                "chapter": hs.chapter_of(m.entry.code),
                "all_words": m.matched == m.wanted,
            }
            for m in self.results
        ]


def hs_search(data: Mapping[str, Any] | None, *, limit: int, prefix: str | None = None) -> HsSearch:
    """Run the search typed into `data` (a GET or POST); unbound when `data` is None."""
    form = HsSearchForm(data, prefix=prefix)
    search = HsSearch(form=form)
    if data is None or not form.is_valid():
        return search
    query = form.cleaned_data["q"]
    if not query:
        search.message = EMPTY_QUERY
        return search
    found = nomenclature().search(query)
    search.total = len(found)
    search.results = found[:limit]
    if not found:
        digits = code_digits(query)
        search.message = (
            f"No HS 2022 subheading starts with {digits}."
            if digits
            else f"No HS 2022 subheading matches “{query}”. Try fewer or other words."
        )
    return search


@dataclass
class HsFinder:
    """The finder on the listing form: what the seller searched for and chose, if anything."""

    search: HsSearch
    active: bool = False  # a finder button was pressed: re-render, do not save
    chosen: Entry | None = None
    choose_error: str = ""
    data: Any = None  # the POST to bind the listing form to, with the chosen code in it

    @classmethod
    def of(cls, post: QueryDict | None) -> HsFinder:
        """Read the finder's part of a listing form's POST (None for a GET)."""
        if post is None:
            return cls(search=hs_search(None, limit=FORM_RESULTS, prefix=PREFIX))
        active = FIND in post or CHOOSE in post
        finder = cls(
            search=hs_search(post if active else None, limit=FORM_RESULTS, prefix=PREFIX),
            active=active,
            data=post,
        )
        if CHOOSE in post:
            code = post.get(CHOOSE, "")
            entry = nomenclature().subheading(code) if len(code) == 6 else None
            if entry is None:
                finder.choose_error = f"“{code}” is not an HS 2022 subheading; choose one below."
            else:
                finder.chosen = entry
                finder.data = post.copy()
                finder.data["hs_code"] = entry.code
        return finder

    def hold_errors(self, form: forms.BaseForm) -> None:
        """Show the listing form as typed, without "This field is required" on the fields the
        seller has not reached yet: it is validated when they press Save."""
        # Django's own "no errors yet" state: the fields render what was posted, unvalidated.
        form._errors = ErrorDict()  # type: ignore[attr-defined]
