-- Ordering: favourites, server-side carts, purchase requests, purchase
-- orders with their immutable resolution records, goods receipts.

CREATE TABLE favourites (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id    bigint NOT NULL REFERENCES items (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, item_id)
);

-- A cart per user and location, kept in Postgres so it survives sign-out
-- and follows the user to other devices and app instances.
CREATE TABLE cart_lines (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id               bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    location_id           bigint NOT NULL REFERENCES locations (id),
    item_id               bigint REFERENCES items (id), -- NULL for an off-contract line
    qty                   numeric(15, 3) NOT NULL,
    description           text NOT NULL DEFAULT '',
    unit                  text NOT NULL DEFAULT '',
    est_price             numeric(16, 4),
    suggested_vendor_id   bigint REFERENCES vendors (id),
    suggested_vendor_name text NOT NULL DEFAULT '',
    reason                text NOT NULL DEFAULT '',
    created_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cart_lines_qty_check CHECK (qty <> 'NaN' AND qty > 0),
    CONSTRAINT cart_lines_est_price_check CHECK (est_price IS NULL OR (est_price <> 'NaN' AND est_price > 0)),
    CONSTRAINT cart_lines_kind_check CHECK (item_id IS NOT NULL OR length(description) BETWEEN 1 AND 300)
);
CREATE UNIQUE INDEX cart_lines_item_key ON cart_lines (user_id, location_id, item_id) WHERE item_id IS NOT NULL;
CREATE INDEX cart_lines_user_idx ON cart_lines (user_id, location_id, id);

-- Gapless PO numbers per year: PO-2026-000123. The counter row is updated
-- last in the submitting transaction, so its lock is held only until commit.
CREATE TABLE po_counters (
    year integer PRIMARY KEY,
    next bigint NOT NULL
);

CREATE TABLE purchase_requests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id),
    location_id     bigint NOT NULL REFERENCES locations (id),
    currency        text NOT NULL,
    -- the key the cart form was issued with: a double-clicked or retried
    -- submit finds the request it already created instead of a second one.
    idempotency_key text NOT NULL,
    submitted_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT purchase_requests_idempotency_key UNIQUE (user_id, idempotency_key),
    CONSTRAINT purchase_requests_key_format CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$')
);
CREATE INDEX purchase_requests_location_idx ON purchase_requests (location_id, id DESC);

CREATE TABLE purchase_orders (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number       text NOT NULL,
    request_id   bigint NOT NULL REFERENCES purchase_requests (id),
    location_id  bigint NOT NULL REFERENCES locations (id),
    vendor_id    bigint NOT NULL REFERENCES vendors (id),
    currency     text NOT NULL,
    status       text NOT NULL,
    total        numeric(18, 3) NOT NULL,
    off_contract boolean NOT NULL DEFAULT false,
    submitted_at timestamptz NOT NULL,
    issued_at    timestamptz,
    closed_at    timestamptz,
    cancel_reason text NOT NULL DEFAULT '',
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT purchase_orders_number_key UNIQUE (number),
    CONSTRAINT purchase_orders_status_check CHECK (status IN
        ('pending_approval', 'issued', 'partially_received', 'received', 'closed', 'rejected', 'cancelled')),
    CONSTRAINT purchase_orders_total_check CHECK (total <> 'NaN' AND total >= 0)
);
CREATE INDEX purchase_orders_location_idx ON purchase_orders (location_id, id DESC);
CREATE INDEX purchase_orders_vendor_idx ON purchase_orders (vendor_id, id DESC);
CREATE INDEX purchase_orders_request_idx ON purchase_orders (request_id);
CREATE INDEX purchase_orders_issued_idx ON purchase_orders (issued_at);

CREATE TABLE po_lines (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    po_id       bigint NOT NULL REFERENCES purchase_orders (id),
    line_no     integer NOT NULL,
    item_id     bigint REFERENCES items (id),
    description text NOT NULL,
    unit        text NOT NULL,
    vendor_sku  text NOT NULL DEFAULT '',
    qty         numeric(15, 3) NOT NULL,
    unit_price  numeric(16, 4) NOT NULL,
    total       numeric(18, 3) NOT NULL,
    contract_id bigint REFERENCES contracts (id),
    price_id    bigint REFERENCES contract_prices (id),
    tier_min    numeric(15, 3),
    -- the resolution as it was decided: inputs, every candidate and why it
    -- lost, the winner. Written once; never updated ("Why this price?").
    resolution  jsonb,
    received    numeric(15, 3) NOT NULL DEFAULT 0,
    CONSTRAINT po_lines_po_line_key UNIQUE (po_id, line_no),
    CONSTRAINT po_lines_qty_check CHECK (qty <> 'NaN' AND qty > 0),
    CONSTRAINT po_lines_unit_price_check CHECK (unit_price <> 'NaN' AND unit_price > 0),
    CONSTRAINT po_lines_total_check CHECK (total <> 'NaN' AND total >= 0),
    CONSTRAINT po_lines_received_check CHECK (received <> 'NaN' AND received >= 0 AND received <= qty),
    CONSTRAINT po_lines_contract_check CHECK ((contract_id IS NULL) = (price_id IS NULL))
);
CREATE INDEX po_lines_po_idx ON po_lines (po_id, line_no);
CREATE INDEX po_lines_contract_idx ON po_lines (contract_id);
CREATE INDEX po_lines_item_idx ON po_lines (item_id);

-- The lines a person asked for, and what became of each: ordered on
-- contract (in a PO at once), or off-contract and waiting for procurement,
-- then approved (in a PO) or rejected.
CREATE TABLE request_lines (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id            bigint NOT NULL REFERENCES purchase_requests (id),
    line_no               integer NOT NULL,
    item_id               bigint REFERENCES items (id),
    description           text NOT NULL,
    unit                  text NOT NULL,
    qty                   numeric(15, 3) NOT NULL,
    est_price             numeric(16, 4),
    suggested_vendor_id   bigint REFERENCES vendors (id),
    suggested_vendor_name text NOT NULL DEFAULT '',
    reason                text NOT NULL DEFAULT '',
    status                text NOT NULL,
    po_line_id            bigint REFERENCES po_lines (id),
    resolution            jsonb, -- for lines that did not resolve: every candidate and why
    decided_by            bigint REFERENCES users (id),
    decided_at            timestamptz,
    decision_note         text NOT NULL DEFAULT '',
    CONSTRAINT request_lines_line_key UNIQUE (request_id, line_no),
    CONSTRAINT request_lines_status_check CHECK (status IN ('ordered', 'pending', 'approved', 'rejected')),
    CONSTRAINT request_lines_qty_check CHECK (qty <> 'NaN' AND qty > 0),
    CONSTRAINT request_lines_est_price_check CHECK (est_price IS NULL OR (est_price <> 'NaN' AND est_price > 0))
);
CREATE INDEX request_lines_pending_idx ON request_lines (status, id) WHERE status = 'pending';

CREATE TABLE receipts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    po_id       bigint NOT NULL REFERENCES purchase_orders (id),
    received_by bigint NOT NULL REFERENCES users (id),
    received_at timestamptz NOT NULL DEFAULT now(),
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX receipts_po_idx ON receipts (po_id);

CREATE TABLE receipt_lines (
    receipt_id bigint NOT NULL REFERENCES receipts (id),
    po_line_id bigint NOT NULL REFERENCES po_lines (id),
    qty        numeric(15, 3) NOT NULL,
    PRIMARY KEY (receipt_id, po_line_id),
    CONSTRAINT receipt_lines_qty_check CHECK (qty <> 'NaN' AND qty > 0)
);

-- Price rows that orders used are never edited, so history stays true:
-- only closing the validity window (an amendment) is allowed.
CREATE FUNCTION contract_prices_used_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM po_lines WHERE price_id = OLD.id) THEN
        IF TG_OP = 'DELETE' OR NEW.item_id <> OLD.item_id OR NEW.contract_id <> OLD.contract_id
           OR NEW.max_qty IS DISTINCT FROM OLD.max_qty OR NEW.preferred <> OLD.preferred
           OR NEW.valid_from IS DISTINCT FROM OLD.valid_from THEN
            RAISE EXCEPTION 'price row % was used by orders and cannot be changed', OLD.id
                USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'contract_prices_used';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER contract_prices_used BEFORE UPDATE OR DELETE ON contract_prices
    FOR EACH ROW EXECUTE FUNCTION contract_prices_used_guard();

CREATE FUNCTION contract_price_tiers_used_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM po_lines WHERE price_id = OLD.price_id) THEN
        RAISE EXCEPTION 'tiers of price row % were used by orders and cannot be changed', OLD.price_id
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'contract_prices_used';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER contract_price_tiers_used BEFORE UPDATE OR DELETE ON contract_price_tiers
    FOR EACH ROW EXECUTE FUNCTION contract_price_tiers_used_guard();

-- Resolution records are immutable once written.
CREATE FUNCTION po_lines_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.resolution IS DISTINCT FROM OLD.resolution OR NEW.unit_price <> OLD.unit_price OR NEW.qty <> OLD.qty
       OR NEW.total <> OLD.total OR NEW.price_id IS DISTINCT FROM OLD.price_id THEN
        RAISE EXCEPTION 'po line % is immutable except for received quantities', OLD.id
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'po_lines_frozen';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER po_lines_frozen BEFORE UPDATE ON po_lines FOR EACH ROW EXECUTE FUNCTION po_lines_frozen();
