ALTER TABLE po_lines
    DROP CONSTRAINT po_lines_price_contract_fkey,
    ADD CONSTRAINT po_lines_contract_id_fkey FOREIGN KEY (contract_id) REFERENCES contracts (id),
    ADD CONSTRAINT po_lines_price_id_fkey FOREIGN KEY (price_id) REFERENCES contract_prices (id);
ALTER TABLE contract_prices DROP CONSTRAINT contract_prices_id_contract_key;
