-- Back to 0005's body: waiting submissions take the exclusive lock in turn.
CREATE OR REPLACE FUNCTION next_po_numbers(year integer, n integer) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
    seq  text := format('po_number_%s', year);
    used bigint;
BEGIN
    IF year < 2000 OR year > 2999 OR n < 1 OR n > 1000 THEN
        RAISE EXCEPTION 'next_po_numbers(%, %): out of range', year, n;
    END IF;
    IF to_regclass(seq) IS NULL THEN
        -- The first submission of a year creates the sequence, once: the
        -- advisory lock makes a racing second one wait and then find it.
        -- It starts after any number the year already has (numbers issued
        -- before sequences existed), so none is ever handed out twice.
        PERFORM pg_advisory_xact_lock(hashtext(seq));
        IF to_regclass(seq) IS NULL THEN
            SELECT max(substring(number FROM '^PO-[0-9]{4}-([0-9]+)$')::bigint) INTO used
            FROM purchase_orders WHERE number LIKE format('PO-%s-%%', year);
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', seq, COALESCE(used, 0) + 1);
        END IF;
    END IF;
    RETURN QUERY EXECUTE format('SELECT nextval(%L) FROM generate_series(1, %s)', seq, n);
END;
$$;
