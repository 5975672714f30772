-- Two indexes repeated the unique constraint on the same columns, so every
-- PO line and invoice line was written into two identical btrees. The
-- unique constraints' indexes serve the same lookups.
DROP INDEX po_lines_po_idx;
DROP INDEX invoice_lines_invoice_idx;
