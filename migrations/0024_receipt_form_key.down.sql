ALTER TABLE receipts DROP COLUMN form_key;
