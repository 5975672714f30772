-- A PO line copies its PO's location and vendor (for the reports). One
-- composite key now checks all three against the PO, where three keys
-- checked the PO, the location and the vendor separately: it is stricter
-- (a line cannot disagree with its PO) and a submission's 20 lines take 20
-- row locks for it instead of 60, the locations and vendors rows no
-- longer among them (those are shared by every concurrent submission).
ALTER TABLE po_lines ALTER COLUMN location_id SET NOT NULL, ALTER COLUMN vendor_id SET NOT NULL;
ALTER TABLE purchase_orders ADD CONSTRAINT purchase_orders_id_location_vendor_key UNIQUE (id, location_id, vendor_id);
ALTER TABLE po_lines
    DROP CONSTRAINT po_lines_po_id_fkey,
    DROP CONSTRAINT po_lines_location_id_fkey,
    DROP CONSTRAINT po_lines_vendor_id_fkey,
    ADD CONSTRAINT po_lines_po_fkey FOREIGN KEY (po_id, location_id, vendor_id) REFERENCES purchase_orders (id, location_id, vendor_id);
