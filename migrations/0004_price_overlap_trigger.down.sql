DROP TRIGGER contract_prices_no_overlap ON contract_prices;
DROP FUNCTION contract_prices_no_overlap_check();
ALTER TABLE contract_prices ADD CONSTRAINT contract_prices_no_overlap EXCLUDE USING gist (
    contract_id WITH =, item_id WITH =,
    daterange(COALESCE(valid_from, '-infinity'::date), COALESCE(valid_to, 'infinity'::date), '[]') WITH &&);
