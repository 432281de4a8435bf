from __future__ import annotations

from rest_framework.pagination import PageNumberPagination as _Base


class PageNumberPagination(_Base):
    """`{"count", "next", "previous", "results"}`; `?page=` and `?page_size=` (≤ 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
