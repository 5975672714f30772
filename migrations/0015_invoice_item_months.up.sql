-- The pricing-drift report aggregates, per item, currency and location,
-- the lowest and highest unit price paid, the quantity and Σ price × qty
-- over every invoice line of the period: over a quarter of 5,000,000
-- lines that is ~650,000 rows of exact numeric arithmetic (~0.9 s). Every
-- one of those figures adds up by month, so this table keeps them per
-- month (and per vendor and category, the report's other filters),
-- maintained by a statement trigger in the same transaction as the lines
-- are recorded, whichever path records them. The report reads whole
-- months of a period from here and only the days at its ragged edges from
-- invoice_lines.
--
-- min and max cannot be taken back, so invoice lines are immutable: they
-- were never updated or deleted, and now cannot be.
CREATE TABLE invoice_item_months (
    month       date NOT NULL, -- the first day of the invoice date's month
    item_id     bigint NOT NULL,
    currency    text NOT NULL,
    location_id bigint NOT NULL,
    vendor_id   bigint NOT NULL,
    category    text NOT NULL,
    lo          numeric(16, 4) NOT NULL, -- lowest unit price paid
    hi          numeric(16, 4) NOT NULL, -- highest
    qty         numeric NOT NULL,        -- Σ qty
    pq          numeric NOT NULL,        -- Σ unit price × qty, exact
    n           bigint NOT NULL,         -- lines
    PRIMARY KEY (month, item_id, currency, location_id, vendor_id, category)
);

CREATE FUNCTION invoice_item_months_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO invoice_item_months AS m (month, item_id, currency, location_id, vendor_id, category, lo, hi, qty, pq, n)
    SELECT date_trunc('month', l.invoice_date)::date, l.item_id, l.currency, l.location_id, l.vendor_id, l.category,
           min(l.unit_price), max(l.unit_price), sum(l.qty), sum(l.unit_price * l.qty), count(*)
    FROM new_lines l
    WHERE l.item_id IS NOT NULL AND l.location_id IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6 -- one order for every writer, so two cannot deadlock
    ON CONFLICT (month, item_id, currency, location_id, vendor_id, category) DO UPDATE
    SET lo = least(m.lo, EXCLUDED.lo), hi = greatest(m.hi, EXCLUDED.hi),
        qty = m.qty + EXCLUDED.qty, pq = m.pq + EXCLUDED.pq, n = m.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

CREATE TRIGGER invoice_lines_item_months AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_item_months_add();

CREATE FUNCTION invoice_lines_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoice lines are immutable (invoice_item_months sums them)';
END;
$$;

CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_immutable();
CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_immutable();

INSERT INTO invoice_item_months (month, item_id, currency, location_id, vendor_id, category, lo, hi, qty, pq, n)
SELECT date_trunc('month', l.invoice_date)::date, l.item_id, l.currency, l.location_id, l.vendor_id, l.category,
       min(l.unit_price), max(l.unit_price), sum(l.qty), sum(l.unit_price * l.qty), count(*)
FROM invoice_lines l
WHERE l.item_id IS NOT NULL AND l.location_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;

ANALYZE invoice_item_months;
