CREATE INDEX invoice_lines_date_idx ON invoice_lines (invoice_date, currency);
DROP INDEX invoice_lines_report_idx;
