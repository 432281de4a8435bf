"""Forms behind the server-rendered pages, by concept: `accounts` (sign-up), `seller` (listings),
`storefront` (search, ship-to, quantity), `cart`; `common` holds what they share.

Forms check and shape what a visitor typed; every write goes through marketplace.services, and
the ValidationErrors those services raise are put back next to the fields they concern.
"""
