DROP FUNCTION next_po_numbers(integer, integer);
CREATE TABLE po_counters (
    year integer PRIMARY KEY,
    next bigint NOT NULL
);
