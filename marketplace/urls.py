from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from marketplace.views import (
    accounts,
    cart,
    checkout,
    declarations,
    delivery,
    orders,
    passwords,
    payouts,
    profile,
    seller,
    shipping,
    site,
    storefront,
)

urlpatterns: list[URLPattern] = [
    path("", storefront.home, name="home"),
    path("search/", storefront.search, name="search"),
    path("listings/<int:pk>/", storefront.listing_detail, name="listing_detail"),
    path("ship-to/", storefront.ship_to, name="ship_to"),
    path("delivery/", delivery.delivery, name="delivery"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/update/", cart.cart_update, name="cart_update"),
    path("cart/remove/", cart.cart_remove, name="cart_remove"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/pay/", orders.order_pay_view, name="order_pay"),
    path("orders/<int:pk>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("orders/<int:pk>/ship/", shipping.order_ship_view, name="order_ship"),
    path(
        "orders/<int:pk>/confirm-receipt/",
        shipping.order_receipt_view,
        name="order_confirm_receipt",
    ),
    path("orders/checkout/<uuid:checkout>/", orders.checkout_orders, name="checkout_orders"),
    path("orders/checkout/<uuid:checkout>/pay/", orders.checkout_pay, name="checkout_pay"),
    path("seller/orders/", orders.seller_orders, name="seller_orders"),
    path("seller/declarations/", declarations.seller_declarations, name="seller_declarations"),
    path(
        "seller/declarations/<int:pk>/",
        declarations.seller_declaration,
        name="seller_declaration",
    ),
    path(
        "seller/declarations/<int:pk>/answer/",
        declarations.seller_declaration_answer,
        name="seller_declaration_answer",
    ),
    path("seller/payouts/", payouts.seller_payouts, name="seller_payouts"),
    path("seller/payouts/<int:pk>/", payouts.seller_payout, name="seller_payout"),
    path("seller/listings/", seller.seller_listings, name="seller_listings"),
    path("seller/listings/new/", seller.listing_create, name="seller_listing_create"),
    path("seller/listings/<int:pk>/edit/", seller.listing_edit, name="seller_listing_edit"),
    path(
        "seller/listings/<int:pk>/archive/", seller.listing_archive, name="seller_listing_archive"
    ),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/buyer/", accounts.signup_buyer, name="signup_buyer"),
    path("accounts/signup/seller/", accounts.signup_seller, name="signup_seller"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/", profile.account, name="account"),
    path(
        "accounts/password/change/",
        passwords.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("favicon.ico", site.favicon, name="favicon"),
]
