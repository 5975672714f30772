-- The catalogue's version: one number that every change to what a
-- catalogue page shows moves forward, in the same transaction as the
-- change (statement-level triggers). App instances keep computed catalogue
-- pages in memory under the version they were computed at and read the
-- current version with every page view, so a cached page is never served
-- after a change committed, on any instance.
--
-- What a catalogue page shows: items, vendors (name, status), contracts
-- (vendor, number, status, dates, currency, cap), their price rows, tiers
-- and covered locations. Not the cap left: submissions move contracts'
-- committed spend all the time, and the page reads it fresh. The contracts
-- trigger therefore names its columns; an UPDATE that sets only committed
-- (a reservation or a release) does not fire it.
CREATE TABLE catalogue_version (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL
);
INSERT INTO catalogue_version (version) VALUES (1);

CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogue_version SET version = version + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER items_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER vendors_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vendors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER contracts_catalogue_version
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF vendor_id, number, currency, start_date, end_date, cap, status ON contracts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER contract_prices_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contract_prices
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER contract_price_tiers_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contract_price_tiers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER contract_locations_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contract_locations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER locations_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
