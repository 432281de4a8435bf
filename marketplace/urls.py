from __future__ import annotations

from django.urls import URLPattern, path

from marketplace import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("listings/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("ship-to/", views.ship_to, name="ship_to"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("seller/listings/", views.seller_listings, name="seller_listings"),
    path("seller/listings/new/", views.listing_create, name="seller_listing_create"),
    path("seller/listings/<int:pk>/edit/", views.listing_edit, name="seller_listing_edit"),
    path("seller/listings/<int:pk>/archive/", views.listing_archive, name="seller_listing_archive"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/buyer/", views.signup_buyer, name="signup_buyer"),
    path("accounts/signup/seller/", views.signup_seller, name="signup_seller"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
]
