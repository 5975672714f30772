-- A PO line's price row and contract are checked together, against
-- contract_prices: (price_id, contract_id) must be a row of that contract.
-- This is stricter than the two separate keys it replaces (which let a
-- line name a price row of another contract), and the check no longer
-- share-locks the contracts row, which every submission on a capped
-- contract also updates (committed): concurrent submissions locking and
-- updating one contract row forced Postgres to build a multixact each time.
ALTER TABLE contract_prices ADD CONSTRAINT contract_prices_id_contract_key UNIQUE (id, contract_id);
ALTER TABLE po_lines
    DROP CONSTRAINT po_lines_contract_id_fkey,
    DROP CONSTRAINT po_lines_price_id_fkey,
    ADD CONSTRAINT po_lines_price_contract_fkey FOREIGN KEY (price_id, contract_id) REFERENCES contract_prices (id, contract_id);
