"""The ledger's names (pure; payments.ledger re-exports them): account codes and their kinds,
entry kinds.

"escrow", "fx", "logistics", "platform:fees", "provider:<name>", "seller:<id>",
"hub:<code>:duty", "hub:<code>:tax", "hub:<code>:logistics": a code names its kind, so accounts
are created on first use.
"""

from __future__ import annotations

import re

# --- Accounts --------------------------------------------------------------------------------

ESCROW = "escrow"
FX = "fx"
LOGISTICS = "logistics"
PLATFORM_FEES = "platform:fees"

# Account kinds (payments.models.Account.Kind uses these values).
KIND_ESCROW = "escrow"
KIND_PROVIDER_CLEARING = "provider_clearing"
KIND_SELLER_PAYABLE = "seller_payable"
KIND_CUSTOMS_DUTY = "customs_duty"
KIND_CUSTOMS_TAX = "customs_tax"
KIND_LOGISTICS = "logistics"
KIND_PLATFORM_FEES = "platform_fees"
KIND_FX = "fx"

_FIXED_ACCOUNTS = {
    ESCROW: KIND_ESCROW,
    FX: KIND_FX,
    LOGISTICS: KIND_LOGISTICS,
    PLATFORM_FEES: KIND_PLATFORM_FEES,
}
_PROVIDER = re.compile(r"^provider:[a-z0-9_-]{1,40}$")
_SELLER = re.compile(r"^seller:[1-9][0-9]{0,18}$")
_HUB = re.compile(r"^hub:[A-Z0-9]{2,10}:(duty|tax|logistics)$")
_HUB_KINDS = {"duty": KIND_CUSTOMS_DUTY, "tax": KIND_CUSTOMS_TAX, "logistics": KIND_LOGISTICS}


def provider_account(name: str) -> str:
    """The clearing account of a payment provider: money it holds for or owes the platform."""
    return _checked(f"provider:{name}")


def seller_account(seller_id: int | str) -> str:
    """What the platform owes one seller (their payable), before it is paid out."""
    return _checked(f"seller:{seller_id}")


def hub_duty_account(hub_code: str) -> str:
    """Customs duty collected for one hub's customs authority."""
    return _checked(f"hub:{hub_code}:duty")


def hub_tax_account(hub_code: str) -> str:
    """Import tax (VAT, GST) collected for one hub's customs authority."""
    return _checked(f"hub:{hub_code}:tax")


def hub_logistics_account(hub_code: str) -> str:
    """Shipping owed for the legs that leave one hub (its carriers are paid from it)."""
    return _checked(f"hub:{hub_code}:logistics")


def account_kind(code: str) -> str:
    """The kind of an account code; ValueError for a code that names no kind of account."""
    if code in _FIXED_ACCOUNTS:
        return _FIXED_ACCOUNTS[code]
    if _PROVIDER.match(code):
        return KIND_PROVIDER_CLEARING
    if _SELLER.match(code):
        return KIND_SELLER_PAYABLE
    if _HUB.match(code):
        return _HUB_KINDS[code.rsplit(":", 1)[1]]
    raise ValueError(f"{code!r} is not a ledger account code.")


def account_name(code: str) -> str:
    """A name for people, derived from the code."""
    kind = account_kind(code)
    if kind == KIND_PROVIDER_CLEARING:
        return f"Payment provider {code.split(':', 1)[1]} (clearing)"
    if kind == KIND_SELLER_PAYABLE:
        return f"Seller {code.split(':', 1)[1]} (payable)"
    if code.startswith("hub:"):
        hub, what = code.split(":")[1:]
        return f"Hub {hub} logistics" if what == "logistics" else f"Hub {hub} customs {what}"
    return {
        ESCROW: "Escrow",
        FX: "Currency exchange",
        LOGISTICS: "Logistics",
        PLATFORM_FEES: "Platform fees",
    }[code]


def _checked(code: str) -> str:
    account_kind(code)
    return code


# Entry kinds (payments.models.Entry.Kind uses these values): one per business event, so that
# (reference, kind) is unique and a re-run cannot post twice.
CAPTURE = "capture"  # provider clearing -> escrow: the buyer paid
REFUND = "refund"  # escrow -> provider clearing: the buyer got the money back
RELEASE = "release"  # escrow -> seller payable and platform fees: the sale is settled
RELEASE_CUSTOMS = "release_customs"  # escrow -> hub duty and tax, at settlement
RELEASE_SHIPPING = "release_shipping"  # escrow -> the route's hubs' logistics, at settlement
REMIT = "remit"  # hub duty/tax or logistics -> provider clearing: paid to the authority/carrier
PAYOUT = "payout"  # seller payable -> provider clearing: paid to the seller's bank
REVERSAL = "reversal"  # the negation of one entry (reference "entry:<pk>"): a correction
ENTRY_KINDS = (
    CAPTURE,
    REFUND,
    RELEASE,
    RELEASE_CUSTOMS,
    RELEASE_SHIPPING,
    REMIT,
    PAYOUT,
    REVERSAL,
)
