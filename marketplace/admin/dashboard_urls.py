"""The hub dashboards' URLs, included by name under `admin/` in ewtp/urls.py."""

from __future__ import annotations

from marketplace.admin.dashboard import urls

urlpatterns = urls()
