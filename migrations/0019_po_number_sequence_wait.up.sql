-- The first submission of a year creates that year's PO number sequence
-- (0005) under an exclusive transaction-level advisory lock. Every
-- submission that arrived meanwhile then took the same lock in turn and
-- held it to its own commit, so they ran one after another: on a fresh
-- database 32 concurrent submissions queued for over 3 s and the last ones
-- hit the lock timeout. Now only the creator holds the lock; the others
-- wait for it to finish (a session-level shared lock, released at once)
-- and read pg_class with a fresh snapshot, so they go on together.
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
