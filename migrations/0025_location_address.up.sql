-- Where a location takes deliveries: printed on its POs (page, print view
-- and PDF) under "Deliver to". Empty for locations created before.
ALTER TABLE locations ADD COLUMN address text NOT NULL DEFAULT '',
    ADD CONSTRAINT locations_address_length CHECK (length(address) <= 500);
