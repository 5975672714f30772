DROP INDEX purchase_orders_void_idx;
CREATE INDEX po_lines_ordered_idx ON po_lines (ordered_at);
DROP INDEX po_lines_ordered_cover_idx;
