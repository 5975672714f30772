ALTER TABLE request_lines DROP CONSTRAINT request_lines_status_check,
    ADD CONSTRAINT request_lines_status_check CHECK (status IN ('ordered', 'pending', 'approved', 'rejected'));

INSERT INTO request_lines (request_id, line_no, item_id, description, unit, qty, status, po_line_id)
SELECT po.request_id, pl.request_line_no, pl.item_id, pl.description, pl.unit, pl.qty, 'ordered', pl.id
FROM po_lines pl JOIN purchase_orders po ON po.id = pl.po_id
WHERE pl.request_line_no IS NOT NULL;

ALTER TABLE po_lines DROP COLUMN request_line_no;
