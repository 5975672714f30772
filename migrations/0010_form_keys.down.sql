ALTER TABLE announcements DROP COLUMN form_key;
ALTER TABLE help_messages DROP COLUMN form_key;
ALTER TABLE help_requests DROP COLUMN form_key;
