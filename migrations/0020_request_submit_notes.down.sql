ALTER TABLE purchase_requests DROP COLUMN submit_notes;
