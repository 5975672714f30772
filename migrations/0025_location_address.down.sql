ALTER TABLE locations DROP COLUMN address;
