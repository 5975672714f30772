-- Vacuum must not truncate the tables every request reads and every order
-- empties. To give the empty pages at a table's end back, vacuum takes an
-- ACCESS EXCLUSIVE lock on it, and cancels only after a waiter has waited
-- deadlock_timeout (1 s): measured under load, autovacuum truncating
-- cart_lines (every submission deletes its cart's lines) stalled the
-- submissions behind it for up to 1.5 s (p99 1.5 s, log: "canceling
-- autovacuum task ... while truncating relation cart_lines"). sessions is
-- read by every request and emptied by the expiry sweep. Their free pages
-- are reused by later inserts instead.
ALTER TABLE cart_lines SET (vacuum_truncate = false);
ALTER TABLE sessions SET (vacuum_truncate = false);
