-- An idempotency key for the goods-receipt form: the PO page issues each
-- receipt form with a random key, so a double-clicked or re-sent "Record
-- receipt" books the quantities once. Rows written before get a random key.
ALTER TABLE receipts ADD COLUMN form_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD CONSTRAINT receipts_form_key_format CHECK (form_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    ADD CONSTRAINT receipts_form_key UNIQUE (received_by, form_key);
