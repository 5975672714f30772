-- Back to 0027's reference check and 0019's PO numbers.
CREATE OR REPLACE FUNCTION po_lines_references_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    -- Joins, not NOT EXISTS subqueries: with ORed subqueries the planner
    -- may hash a whole table (all price rows) for a 20-line statement.
    SELECT n.po_id, n.line_no INTO bad
    FROM new_lines n
    LEFT JOIN purchase_orders po ON po.id = n.po_id
    LEFT JOIN items i ON i.id = n.item_id
    LEFT JOIN contract_prices p ON p.id = n.price_id
    LEFT JOIN contracts c ON c.id = p.contract_id
    WHERE po.id IS NULL OR po.location_id <> n.location_id OR po.vendor_id <> n.vendor_id
       OR (n.item_id IS NOT NULL AND i.id IS NULL)
       OR (n.price_id IS NOT NULL AND (p.contract_id IS DISTINCT FROM n.contract_id OR c.status = 'draft'))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line % of po % names a PO (with its location and vendor), an item or a contract price that does not exist, or a draft contract''s price',
            bad.line_no, bad.po_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'po_lines_references';
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION next_po_numbers(year integer, n integer) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
    seq     text := format('po_number_%s', year);
    key     bigint := hashtext(format('po_number_%s', year));
    used    bigint;
    waits   integer := 0;
BEGIN
    IF year < 2000 OR year > 2999 OR n < 1 OR n > 1000 THEN
        RAISE EXCEPTION 'next_po_numbers(%, %): out of range', year, n;
    END IF;
    LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM pg_class
                          WHERE relname = seq AND relkind = 'S' AND relnamespace = current_schema()::regnamespace);
        -- Creating it: this transaction, if no other is (or, after many
        -- rounds of waiting, by queueing for the lock as 0005 did).
        IF waits >= 20 THEN
            PERFORM pg_advisory_xact_lock(key);
        END IF;
        IF waits >= 20 OR pg_try_advisory_xact_lock(key) THEN
            IF NOT EXISTS (SELECT 1 FROM pg_class
                           WHERE relname = seq AND relkind = 'S' AND relnamespace = current_schema()::regnamespace) THEN
                -- It starts after any number the year already has (numbers
                -- issued before sequences existed), so none is handed out twice.
                SELECT max(substring(number FROM '^PO-[0-9]{4}-([0-9]+)$')::bigint) INTO used
                FROM purchase_orders WHERE number LIKE format('PO-%s-%%', year);
                EXECUTE format('CREATE SEQUENCE %I START WITH %s', seq, COALESCE(used, 0) + 1);
            END IF;
            EXIT;
        END IF;
        -- Another transaction is creating it: wait until that one ends.
        PERFORM pg_advisory_lock_shared(key);
        PERFORM pg_advisory_unlock_shared(key);
        waits := waits + 1;
    END LOOP;
    RETURN QUERY EXECUTE format('SELECT nextval(%L) FROM generate_series(1, %s)', seq, n);
END;
$$;
