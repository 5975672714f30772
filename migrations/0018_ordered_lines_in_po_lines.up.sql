-- A request's lines that were ordered at once, on contract, are its PO
-- lines: the copy request_lines kept of each (item, description, unit,
-- quantity, link to the PO line) doubled the rows, index entries and key
-- checks a submission writes. A PO line now carries its number in the
-- request it was ordered from; request_lines keeps the lines that went to
-- procurement (pending, then approved or rejected).
ALTER TABLE po_lines ADD COLUMN request_line_no integer;
ALTER TABLE po_lines ADD CONSTRAINT po_lines_request_line_no_check CHECK (request_line_no > 0);

UPDATE po_lines pl SET request_line_no = rl.line_no
FROM request_lines rl
WHERE rl.po_line_id = pl.id AND rl.status = 'ordered';

DELETE FROM request_lines WHERE status = 'ordered';

ALTER TABLE request_lines DROP CONSTRAINT request_lines_status_check,
    ADD CONSTRAINT request_lines_status_check CHECK (status IN ('pending', 'approved', 'rejected'));
