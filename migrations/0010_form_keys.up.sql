-- Idempotency keys for the service forms: each form is issued with a
-- random key, so a double-clicked or re-sent "Ask procurement", reply or
-- announcement records once. Rows written without a form get a random key.
ALTER TABLE help_requests ADD COLUMN form_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD CONSTRAINT help_requests_form_key_format CHECK (form_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    ADD CONSTRAINT help_requests_form_key UNIQUE (user_id, form_key);
ALTER TABLE help_messages ADD COLUMN form_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD CONSTRAINT help_messages_form_key_format CHECK (form_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    ADD CONSTRAINT help_messages_form_key UNIQUE (user_id, form_key);
ALTER TABLE announcements ADD COLUMN form_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD CONSTRAINT announcements_form_key_format CHECK (form_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    ADD CONSTRAINT announcements_form_key UNIQUE (created_by, form_key);
