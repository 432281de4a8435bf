from __future__ import annotations

from django.urls import path

from marketplace import views

urlpatterns: list = [
    path("", views.home, name="home"),
]
