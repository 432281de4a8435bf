"""Server-rendered pages, by concept: `storefront`, `cart`, `seller`, `accounts`; `pricing` quotes
for pages and `common` holds what the views share. Thin: forms validate, services write, selectors
read, and every price comes from marketplace.quoting.quote_listings, the one landed-cost engine."""
