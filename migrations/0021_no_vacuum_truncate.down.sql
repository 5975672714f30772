ALTER TABLE cart_lines RESET (vacuum_truncate);
ALTER TABLE sessions RESET (vacuum_truncate);
