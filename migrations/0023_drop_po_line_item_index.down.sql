CREATE INDEX po_lines_item_idx ON po_lines (item_id);
