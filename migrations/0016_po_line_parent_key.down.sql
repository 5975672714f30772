ALTER TABLE po_lines
    DROP CONSTRAINT po_lines_po_fkey,
    ADD CONSTRAINT po_lines_po_id_fkey FOREIGN KEY (po_id) REFERENCES purchase_orders (id),
    ADD CONSTRAINT po_lines_location_id_fkey FOREIGN KEY (location_id) REFERENCES locations (id),
    ADD CONSTRAINT po_lines_vendor_id_fkey FOREIGN KEY (vendor_id) REFERENCES vendors (id);
ALTER TABLE purchase_orders DROP CONSTRAINT purchase_orders_id_location_vendor_key;
ALTER TABLE po_lines ALTER COLUMN location_id DROP NOT NULL, ALTER COLUMN vendor_id DROP NOT NULL;
