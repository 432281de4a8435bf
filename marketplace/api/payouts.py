"""/api/v1/payouts/: a seller's payouts, each with the orders it paid (docs/api.md, Payouts).

Thin views over `marketplace.payouts`. Only sellers have payouts: a buyer or an operator gets a
403; a payout of another seller is a 404, as an unknown one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from djmoney.money import Money
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ewtp.api.fields import MoneyField
from ewtp.api.links import link, links
from ewtp.api.parsers import StrictJSONParser
from ewtp.api.schema import errors
from marketplace.api.permissions import seller_of
from marketplace.payouts import PayoutShown, SettledOrder, payouts_of, payouts_shown
from payments.models import Payout
from payments.money import money_dict

# --- Output (the schema's description of the bodies `payout_body` builds) ---------------------


class PayoutOrderOutput(serializers.Serializer):
    order = serializers.IntegerField(
        allow_null=True, help_text="The order settled (`GET /api/v1/orders/{id}/`)."
    )
    paid = MoneyField(help_text="What the buyer paid, in the buyer's currency.")
    goods = MoneyField(help_text="The goods, in the buyer's currency.")
    fee_percent = serializers.CharField(help_text='The hub\'s platform fee rate, in %: "2.50".')
    fee = MoneyField(help_text="The platform fee on the goods, in the buyer's currency.")
    net = MoneyField(help_text="Goods less the fee, in the buyer's currency.")
    rate = serializers.CharField(
        help_text='Units of the payout currency per 1 of the buyer\'s, as applied: "7.8123" '
        '("1" when the currencies are the same).'
    )
    payout_amount = MoneyField(help_text="`net` credited in the payout currency.")


class PayoutOutput(serializers.Serializer):
    """A payout: one batch of a seller's delivered orders, settled together in one currency."""

    id = serializers.IntegerField()
    currency = serializers.CharField(help_text='The payout currency, ISO 4217: "CNY".')
    amount = MoneyField(help_text="Paid to the seller: `gross` less `fee`.")
    fee = MoneyField(help_text="The platform's fees on the orders.")
    gross = MoneyField(help_text="The goods sold, in the payout currency.")
    orders = serializers.ListField(
        child=serializers.IntegerField(), help_text="The ids of the orders it paid."
    )
    order_count = serializers.IntegerField()
    created = serializers.DateTimeField(help_text="When it was paid out.")


class PayoutDetailOutput(PayoutOutput):
    settlements = PayoutOrderOutput(
        many=True, help_text="How each of its orders was settled, oldest first."
    )


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return money_dict(Money(amount, currency))


_DATETIME = serializers.DateTimeField()


def _settled_body(row: SettledOrder) -> dict[str, Any]:
    s = row.settlement
    return {
        "order": row.order,
        "paid": _money(s.paid, s.currency),
        "goods": _money(s.goods, s.currency),
        "fee_percent": str(s.fee_percent),
        "fee": _money(s.fee, s.currency),
        "net": _money(s.net, s.currency),
        "rate": row.rate,
        "payout_amount": _money(s.payout_amount, s.payout_currency),
    }


def payout_body(shown: PayoutShown, *, detail: bool = False) -> dict[str, Any]:
    """A payout as docs/api.md gives it; with its settlements for `detail`."""
    p, cur = shown.payout, shown.payout.currency
    body: dict[str, Any] = {
        "id": p.pk,
        "currency": cur,
        "amount": _money(p.amount, cur),
        "fee": _money(p.fee, cur),
        "gross": _money(p.gross, cur),
        "orders": shown.orders,
        "order_count": p.order_count,
        "created": _DATETIME.to_representation(p.created),
    }
    if detail:
        body["settlements"] = [_settled_body(row) for row in shown.settled]
    return body


# --- Views -----------------------------------------------------------------------------------


class IsSeller(BasePermission):
    message = "Only sellers have payouts."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return seller_of(request.user) is not None


ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="A payout.")


@extend_schema_view(
    list=extend_schema(
        summary="Your payouts",
        description="The signed-in seller's payouts, newest first, each with the ids of the "
        "orders it paid. Payouts are made by the settlement run, for delivered orders. Anyone "
        "but a seller gets a 403. A page past the last is a 404.",
        responses={200: PayoutOutput(many=True), **errors(400, 401, 403, 404)},
        extensions=links(
            200,
            GetFirstPayout=link(
                "v1_payouts_retrieve",
                "The first payout of the page.",
                id="$response.body#/results/0/id",
            ),
        ),
    ),
    retrieve=extend_schema(
        summary="One of your payouts",
        description="A payout with how each of its orders was settled: the buyer-currency "
        "figures, the rate and the amount credited. Another seller's payout is a 404, as an "
        "unknown one.",
        parameters=[ID],
        responses={200: PayoutDetailOutput, **errors(401, 403, 404)},
        extensions=links(
            200,
            GetFirstPayoutOrder=link(
                "v1_orders_retrieve",
                "The first order it paid.",
                id="$response.body#/orders/0",
            ),
        ),
    ),
)
@extend_schema(tags=["payouts"])
class PayoutViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Payout]
):
    permission_classes = [IsAuthenticated, IsSeller]
    parser_classes = [StrictJSONParser]
    serializer_class = PayoutOutput

    def get_queryset(self) -> QuerySet[Payout]:
        seller = seller_of(self.request.user)
        if seller is None:  # the schema generator's request; IsSeller refuses anyone else
            return Payout.objects.none()
        return payouts_of(seller=seller)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates
        return self.get_paginated_response([payout_body(s) for s in payouts_shown(list(page))])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        (shown,) = payouts_shown([self.get_object()])
        return Response(payout_body(shown, detail=True))
