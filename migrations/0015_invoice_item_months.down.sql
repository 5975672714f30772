DROP TRIGGER invoice_lines_no_truncate ON invoice_lines;
DROP TRIGGER invoice_lines_immutable ON invoice_lines;
DROP FUNCTION invoice_lines_immutable();
DROP TRIGGER invoice_lines_item_months ON invoice_lines;
DROP FUNCTION invoice_item_months_add();
DROP TABLE invoice_item_months;
