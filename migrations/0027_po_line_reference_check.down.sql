DROP TRIGGER contracts_no_return_to_draft ON contracts;
DROP FUNCTION contracts_no_return_to_draft();
DROP TRIGGER contract_prices_kept_move ON contract_prices;
DROP TRIGGER contract_prices_kept ON contract_prices;
DROP FUNCTION contract_prices_draft_only();
DROP TRIGGER items_keys_fixed ON items;
DROP TRIGGER purchase_orders_keys_fixed ON purchase_orders;
DROP FUNCTION fixed_keys_guard();
DROP TRIGGER contract_prices_kept_truncate ON contract_prices;
DROP TRIGGER purchase_orders_kept_truncate ON purchase_orders;
DROP TRIGGER purchase_orders_kept ON purchase_orders;
DROP TRIGGER items_kept_truncate ON items;
DROP TRIGGER items_kept ON items;
DROP FUNCTION kept_for_history();

CREATE OR REPLACE FUNCTION po_lines_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.resolution IS DISTINCT FROM OLD.resolution OR NEW.unit_price <> OLD.unit_price OR NEW.qty <> OLD.qty
       OR NEW.total <> OLD.total OR NEW.price_id IS DISTINCT FROM OLD.price_id THEN
        RAISE EXCEPTION 'po line % is immutable except for received quantities', OLD.id
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'po_lines_frozen';
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER po_lines_references ON po_lines;
DROP FUNCTION po_lines_references_check();

ALTER TABLE purchase_orders ADD CONSTRAINT purchase_orders_id_location_vendor_key UNIQUE (id, location_id, vendor_id);
ALTER TABLE po_lines
    ADD CONSTRAINT po_lines_po_fkey FOREIGN KEY (po_id, location_id, vendor_id) REFERENCES purchase_orders (id, location_id, vendor_id),
    ADD CONSTRAINT po_lines_item_id_fkey FOREIGN KEY (item_id) REFERENCES items (id),
    ADD CONSTRAINT po_lines_price_contract_fkey FOREIGN KEY (price_id, contract_id) REFERENCES contract_prices (id, contract_id);
