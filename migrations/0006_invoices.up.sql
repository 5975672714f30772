-- Vendor invoices matched three ways (contract price, receipt/order
-- quantity, contract dates). Each invoice line keeps the facts of its match
-- and of its order (vendor, location, item, category, contract, date),
-- written in the same transaction as the line, so the reconciliation
-- reports read one table instead of joining five.

CREATE TABLE invoices (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id        bigint NOT NULL REFERENCES vendors (id),
    number           text NOT NULL,
    invoice_date     date NOT NULL,
    currency         text NOT NULL,
    status           text NOT NULL,
    total            numeric(18, 3) NOT NULL,
    note             text NOT NULL DEFAULT '',
    resolution_note  text NOT NULL DEFAULT '',
    resolved_by      bigint REFERENCES users (id),
    resolved_at      timestamptz,
    created_by       bigint REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    version          bigint NOT NULL DEFAULT 1,
    CONSTRAINT invoices_vendor_number_key UNIQUE (vendor_id, number),
    CONSTRAINT invoices_number_length CHECK (length(number) BETWEEN 1 AND 60),
    CONSTRAINT invoices_status_check CHECK (status IN ('matched', 'exception', 'approved', 'disputed')),
    CONSTRAINT invoices_total_check CHECK (total <> 'NaN')
);
CREATE INDEX invoices_status_idx ON invoices (status, id DESC);
CREATE INDEX invoices_date_idx ON invoices (invoice_date);

CREATE TABLE invoice_lines (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id       bigint NOT NULL REFERENCES invoices (id),
    line_no          integer NOT NULL,
    po_line_id       bigint REFERENCES po_lines (id), -- NULL: freight or another line with no PO
    description      text NOT NULL,
    qty              numeric(15, 3) NOT NULL,
    unit_price       numeric(16, 4) NOT NULL,
    total            numeric(18, 3) NOT NULL,
    -- the match, as decided when the line was recorded
    status           text NOT NULL,
    exceptions       text[] NOT NULL DEFAULT '{}', -- price, quantity, date, no_po
    explanation      text NOT NULL DEFAULT '',
    contract_price   numeric(16, 4),                -- what the PO line resolved to
    unit_variance    numeric(16, 4) NOT NULL DEFAULT 0,
    total_variance   numeric(18, 3) NOT NULL DEFAULT 0, -- invoiced line total − contract line total
    beyond_tolerance boolean NOT NULL DEFAULT false,
    qty_variance     numeric(15, 3) NOT NULL DEFAULT 0, -- invoiced (all invoices) beyond received
    -- facts for the reports, copied from the order
    invoice_date     date NOT NULL,
    currency         text NOT NULL,
    vendor_id        bigint NOT NULL REFERENCES vendors (id),
    location_id      bigint REFERENCES locations (id),
    item_id          bigint REFERENCES items (id),
    category         text NOT NULL DEFAULT '',
    contract_id      bigint REFERENCES contracts (id),
    CONSTRAINT invoice_lines_line_key UNIQUE (invoice_id, line_no),
    CONSTRAINT invoice_lines_status_check CHECK (status IN ('matched', 'exception')),
    CONSTRAINT invoice_lines_qty_check CHECK (qty <> 'NaN' AND qty > 0),
    CONSTRAINT invoice_lines_unit_price_check CHECK (unit_price <> 'NaN' AND unit_price >= 0),
    CONSTRAINT invoice_lines_total_check CHECK (total <> 'NaN')
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id, line_no);
CREATE INDEX invoice_lines_po_line_idx ON invoice_lines (po_line_id);
CREATE INDEX invoice_lines_date_idx ON invoice_lines (invoice_date, currency);
CREATE INDEX invoice_lines_location_date_idx ON invoice_lines (location_id, invoice_date);
CREATE INDEX invoice_lines_vendor_date_idx ON invoice_lines (vendor_id, invoice_date);
CREATE INDEX invoice_lines_contract_idx ON invoice_lines (contract_id);

-- Facts on PO lines for the compliance report: ordered spend by location,
-- vendor, category and day, on or off contract.
ALTER TABLE po_lines ADD COLUMN location_id bigint REFERENCES locations (id);
ALTER TABLE po_lines ADD COLUMN vendor_id bigint REFERENCES vendors (id);
ALTER TABLE po_lines ADD COLUMN category text NOT NULL DEFAULT '';
ALTER TABLE po_lines ADD COLUMN currency text;
ALTER TABLE po_lines ADD COLUMN ordered_at timestamptz;
UPDATE po_lines pl SET location_id = po.location_id, vendor_id = po.vendor_id, currency = po.currency, ordered_at = po.submitted_at,
                       category = COALESCE((SELECT i.category FROM items i WHERE i.id = pl.item_id), 'Off-catalogue')
FROM purchase_orders po WHERE po.id = pl.po_id;
CREATE INDEX po_lines_ordered_idx ON po_lines (ordered_at);
CREATE INDEX po_lines_location_ordered_idx ON po_lines (location_id, ordered_at);

-- Invoiced spend per contract, kept in the transaction that records the
-- invoice (the utilisation report would otherwise sum millions of lines).
-- A separate table, so recording an invoice never waits on the contract row
-- that order submissions lock to reserve cap.
CREATE TABLE contract_invoiced (
    contract_id bigint PRIMARY KEY REFERENCES contracts (id),
    total       numeric(18, 3) NOT NULL,
    CONSTRAINT contract_invoiced_total_check CHECK (total <> 'NaN')
);
CREATE INDEX purchase_orders_submitted_idx ON purchase_orders (submitted_at);
