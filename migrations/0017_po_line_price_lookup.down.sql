CREATE OR REPLACE FUNCTION contract_prices_used_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM po_lines WHERE price_id = OLD.id) THEN
        IF TG_OP = 'DELETE' OR NEW.item_id <> OLD.item_id OR NEW.contract_id <> OLD.contract_id
           OR NEW.max_qty IS DISTINCT FROM OLD.max_qty OR NEW.preferred <> OLD.preferred
           OR NEW.valid_from IS DISTINCT FROM OLD.valid_from THEN
            RAISE EXCEPTION 'price row % was used by orders and cannot be changed', OLD.id
                USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'contract_prices_used';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION contract_price_tiers_used_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM po_lines WHERE price_id = OLD.price_id) THEN
        RAISE EXCEPTION 'tiers of price row % were used by orders and cannot be changed', OLD.price_id
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'contract_prices_used';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;

CREATE INDEX purchase_orders_issued_idx ON purchase_orders (issued_at);
CREATE INDEX po_lines_contract_idx ON po_lines (contract_id);
DROP INDEX po_lines_contract_price_idx;
