-- The organisation that buys: its name and address are printed on every
-- PO (page, print view and PDF) as the buyer. One row, edited by owners.
CREATE TABLE organisation (
    id         boolean PRIMARY KEY DEFAULT true,
    name       text NOT NULL DEFAULT '',
    address    text NOT NULL DEFAULT '',
    version    bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organisation_one_row CHECK (id),
    CONSTRAINT organisation_name_length CHECK (length(name) <= 200),
    CONSTRAINT organisation_address_length CHECK (length(address) <= 500)
);
INSERT INTO organisation DEFAULT VALUES;
