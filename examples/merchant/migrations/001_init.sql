-- One schema for SQLite and PostgreSQL: TEXT, BIGINT and INTEGER only, money
-- as exact decimal text in minor units, times as Unix microseconds.

CREATE TABLE orders (
    id          TEXT PRIMARY KEY,
    method      TEXT NOT NULL,   -- apirone-address, apirone-invoice, alphapo
    currency    TEXT NOT NULL,   -- as the provider spells it: btc, BTC
    decimals    INTEGER NOT NULL,
    price       TEXT NOT NULL,   -- minor units
    paid        TEXT NOT NULL,   -- minor units, the sum of the order's credits
    status      TEXT NOT NULL,   -- pending, partpaid, paid
    customer    TEXT NOT NULL,
    address     TEXT NOT NULL,
    invoice     TEXT NOT NULL,   -- the Apirone invoice id, '' otherwise
    created_at  BIGINT NOT NULL
);
CREATE INDEX orders_invoice ON orders (invoice);
CREATE INDEX orders_customer ON orders (customer, status);

-- One row per credited event: the unique key is what makes a payment count
-- once, however often and wherever its callback or replay arrives.
CREATE TABLE credits (
    dedupe_key  TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    amount      TEXT NOT NULL,   -- minor units
    source      TEXT NOT NULL,   -- callback, replay
    created_at  BIGINT NOT NULL
);

-- A customer's AlphaPo deposit address, taken once.
CREATE TABLE alphapo_addresses (
    customer    TEXT NOT NULL,
    currency    TEXT NOT NULL,
    address     TEXT NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (customer, currency)
);

-- AlphaPo transactions seen but not final: the catch-up job rechecks them.
CREATE TABLE alphapo_pending (
    tx_id       BIGINT PRIMARY KEY,
    created_at  BIGINT NOT NULL
);

-- Payouts: planned -> sending -> sent | unknown -> settled (or back to
-- planned when the lookup shows it did not leave), failed when refused.
CREATE TABLE payouts (
    id          TEXT PRIMARY KEY,
    provider    TEXT NOT NULL,   -- apirone, alphapo
    currency    TEXT NOT NULL,
    address     TEXT NOT NULL,
    amount      TEXT NOT NULL,   -- minor units (apirone) or whole coins (alphapo)
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    mark        TEXT NOT NULL,   -- Apirone: settle.Mark read just before the last send
    reference   TEXT NOT NULL,   -- the provider's id of the payment, once known
    last_error  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX payouts_state ON payouts (state);

-- The catch-up job's cursors, by name.
CREATE TABLE cursors (
    name        TEXT PRIMARY KEY,
    cursor      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Events that can never be credited (an unknown order, another currency):
-- parked for a person to look at, so that the cursor moves on.
CREATE TABLE parked_events (
    dedupe_key  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
