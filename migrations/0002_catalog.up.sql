-- Vendors, items and contracts with tiered prices, scope and caps.
-- Money columns are NUMERIC with CHECKs: Postgres accepts 'NaN' and rounds
-- extra decimals silently, so the database refuses NaN and the application
-- checks the scale before it writes.

CREATE EXTENSION IF NOT EXISTS pg_trgm;    -- fast ILIKE search over item names and SKUs
CREATE EXTENSION IF NOT EXISTS btree_gist; -- exclusion constraint on price validity windows

CREATE TABLE vendors (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text NOT NULL,
    tax_id             text NOT NULL DEFAULT '',
    email              text NOT NULL DEFAULT '',
    phone              text NOT NULL DEFAULT '',
    address            text NOT NULL DEFAULT '',
    categories         text[] NOT NULL DEFAULT '{}',
    status             text NOT NULL DEFAULT 'pending',
    status_reason      text NOT NULL DEFAULT '',
    status_changed_by  bigint REFERENCES users (id),
    status_changed_at  timestamptz,
    notes              text NOT NULL DEFAULT '',
    version            bigint NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT vendors_status_check CHECK (status IN ('approved', 'pending', 'blocked')),
    CONSTRAINT vendors_name_length CHECK (length(name) BETWEEN 1 AND 160)
);
CREATE UNIQUE INDEX vendors_name_key ON vendors (lower(name));
CREATE INDEX vendors_name_trgm_idx ON vendors USING gin (name gin_trgm_ops);
CREATE INDEX vendors_status_idx ON vendors (status, lower(name), id);

CREATE TABLE items (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku            text NOT NULL,
    name           text NOT NULL,
    description    text NOT NULL DEFAULT '',
    category       text NOT NULL,
    unit           text NOT NULL,
    -- decimals a quantity of this item may have: 0 for pieces and boxes,
    -- up to 3 for kilograms or litres.
    quantity_scale smallint NOT NULL DEFAULT 0,
    version        bigint NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT items_sku_key UNIQUE (sku),
    CONSTRAINT items_sku_format CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$'),
    CONSTRAINT items_name_length CHECK (length(name) BETWEEN 1 AND 200),
    CONSTRAINT items_category_length CHECK (length(category) BETWEEN 1 AND 80),
    CONSTRAINT items_unit_length CHECK (length(unit) BETWEEN 1 AND 20),
    CONSTRAINT items_quantity_scale_check CHECK (quantity_scale BETWEEN 0 AND 3)
);
CREATE INDEX items_name_trgm_idx ON items USING gin (name gin_trgm_ops);
CREATE INDEX items_sku_trgm_idx ON items USING gin (sku gin_trgm_ops);
CREATE INDEX items_category_idx ON items (category, name, id);
CREATE INDEX items_name_idx ON items (name, id);


CREATE TABLE contracts (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id           bigint NOT NULL REFERENCES vendors (id),
    number              text NOT NULL,
    title               text NOT NULL,
    currency            text NOT NULL,
    start_date          date NOT NULL,
    end_date            date NOT NULL,
    payment_terms_days  integer NOT NULL DEFAULT 30,
    cap                 numeric(18, 3),
    -- committed is the sum of the live PO lines on this contract, reserved
    -- by a guarded UPDATE in the submitting transaction (RELIABILITY.md 3.1).
    committed           numeric(18, 3) NOT NULL DEFAULT 0,
    tolerance_pct       numeric(5, 2) NOT NULL DEFAULT 0,
    renewal_notice_days integer NOT NULL DEFAULT 60,
    owner_id            bigint REFERENCES users (id),
    terms               text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'draft',
    version             bigint NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contracts_number_key UNIQUE (number),
    CONSTRAINT contracts_number_format CHECK (number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$'),
    CONSTRAINT contracts_title_length CHECK (length(title) BETWEEN 1 AND 200),
    CONSTRAINT contracts_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT contracts_dates_check CHECK (end_date >= start_date),
    CONSTRAINT contracts_payment_terms_check CHECK (payment_terms_days BETWEEN 0 AND 365),
    CONSTRAINT contracts_cap_check CHECK (cap IS NULL OR (cap <> 'NaN' AND cap > 0)),
    CONSTRAINT contracts_committed_check CHECK (committed <> 'NaN' AND committed >= 0 AND (cap IS NULL OR committed <= cap)),
    CONSTRAINT contracts_tolerance_check CHECK (tolerance_pct <> 'NaN' AND tolerance_pct BETWEEN 0 AND 100),
    CONSTRAINT contracts_renewal_check CHECK (renewal_notice_days BETWEEN 0 AND 730),
    CONSTRAINT contracts_status_check CHECK (status IN ('draft', 'active', 'suspended', 'terminated'))
);
CREATE INDEX contracts_vendor_idx ON contracts (vendor_id);
CREATE INDEX contracts_status_end_idx ON contracts (status, end_date);

-- The locations a contract covers; none listed means every location.
CREATE TABLE contract_locations (
    contract_id bigint NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    location_id bigint NOT NULL REFERENCES locations (id),
    PRIMARY KEY (contract_id, location_id)
);
CREATE INDEX contract_locations_location_idx ON contract_locations (location_id);

CREATE TABLE contract_prices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id bigint NOT NULL REFERENCES contracts (id),
    item_id     bigint NOT NULL REFERENCES items (id),
    vendor_sku  text NOT NULL DEFAULT '',
    max_qty     numeric(15, 3),
    valid_from  date,
    valid_to    date,
    preferred   boolean NOT NULL DEFAULT false,
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contract_prices_max_qty_check CHECK (max_qty IS NULL OR (max_qty <> 'NaN' AND max_qty > 0)),
    CONSTRAINT contract_prices_window_check CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT contract_prices_vendor_sku_length CHECK (length(vendor_sku) <= 60),
    -- One price per item per day on a contract: amendments close the old
    -- row the day before the new one starts.
    CONSTRAINT contract_prices_no_overlap EXCLUDE USING gist (
        contract_id WITH =, item_id WITH =,
        daterange(COALESCE(valid_from, '-infinity'::date), COALESCE(valid_to, 'infinity'::date), '[]') WITH &&)
);
CREATE INDEX contract_prices_item_idx ON contract_prices (item_id, contract_id);

-- All-units tiers of a price row: from min_qty up, every unit costs unit_price.
CREATE TABLE contract_price_tiers (
    price_id   bigint NOT NULL REFERENCES contract_prices (id) ON DELETE CASCADE,
    min_qty    numeric(15, 3) NOT NULL,
    unit_price numeric(16, 4) NOT NULL,
    PRIMARY KEY (price_id, min_qty),
    CONSTRAINT contract_price_tiers_min_qty_check CHECK (min_qty <> 'NaN' AND min_qty > 0),
    CONSTRAINT contract_price_tiers_unit_price_check CHECK (unit_price <> 'NaN' AND unit_price > 0)
);
