-- Nothing looks PO lines up by item: pages and reports join from the line
-- to its item, never the other way, and items are never deleted (the one
-- thing the index would serve: the item key's check on delete). Every
-- ordered line wrote an entry into it, the sixth index of po_lines.
DROP INDEX po_lines_item_idx;
