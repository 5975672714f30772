CREATE INDEX po_lines_po_idx ON po_lines (po_id, line_no);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id, line_no);
