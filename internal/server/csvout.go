package server

import (
	"bufio"
	"encoding/csv"
	"net/http"
	"regexp"
)

// csvOut streams a CSV download: RFC 4180 quoting (encoding/csv, CRLF line
// ends), a server-chosen file name, and every text cell that a spreadsheet
// would run as a formula neutralised. Rows are written as they come from
// the database cursor and flushed in chunks, so a million rows never sit in
// memory.
type csvOut struct {
	w    *csv.Writer
	dst  *lazyHeaders
	rows int
}

// lazyHeaders sends the attachment headers with the first bytes, so a
// failure before anything was sent can still answer with a normal error
// page instead of a broken download.
type lazyHeaders struct {
	w    http.ResponseWriter
	name string
	sent bool
}

func (l *lazyHeaders) Write(b []byte) (int, error) {
	if !l.sent {
		l.sent = true
		h := l.w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+l.name+`"`)
	}
	return l.w.Write(b)
}

// startCSV begins a CSV attachment named name (built by the server from
// validated values, never copied from the request).
func startCSV(w http.ResponseWriter, name string) *csvOut {
	dst := &lazyHeaders{w: w, name: name}
	cw := csv.NewWriter(bufio.NewWriterSize(dst, 64<<10))
	cw.UseCRLF = true
	return &csvOut{w: cw, dst: dst}
}

// plainNumber is a cell that is only a decimal number ("-12.50"): a
// spreadsheet reads it as a value, not a formula, so it is left as is.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// safeCell neutralises formula injection (OWASP "CSV injection"): a text
// cell starting with = + - @, a tab or a carriage return gets a leading
// apostrophe so spreadsheets show it as text. Plain numbers stay numbers.
func safeCell(s string) string {
	if s == "" || plainNumber.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// row writes one record, neutralising each cell.
func (c *csvOut) row(cells ...string) error {
	for i, s := range cells {
		cells[i] = safeCell(s)
	}
	if err := c.w.Write(cells); err != nil {
		return err
	}
	c.rows++
	if c.rows%1000 == 0 {
		c.w.Flush()
		return c.w.Error()
	}
	return nil
}

// end flushes what is left.
func (c *csvOut) end() error {
	c.w.Flush()
	return c.w.Error()
}

// fail ends an export that went wrong. Before any byte was sent it returns
// err, for the usual error page; after, it drops the connection, so the
// browser reports a failed download instead of saving a silently
// truncated file.
func (c *csvOut) fail(err error) error {
	if !c.dst.sent {
		return err
	}
	panic(http.ErrAbortHandler)
}
