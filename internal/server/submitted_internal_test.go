package server

import (
	"strings"
	"testing"

	"github.com/procure-app/procure/internal/procure"
)

// The request page's message after a submission comes only for the two
// outcomes the submit handler sends; anything else in ?submitted says
// nothing, and the message never repeats the notes the page lists.
func TestSubmittedMessage(t *testing.T) {
	req := procure.PurchaseRequest{
		Orders:      []procure.PurchaseOrder{{Number: "PO-2026-000002"}, {Number: "PO-2026-000001"}, {Number: "PO-2026-000009", OffContract: true}},
		Lines:       []procure.RequestLine{{Status: procure.LineOrdered}, {Status: procure.LinePending}},
		SubmitNotes: []string{"Paper: the price is now 5.00 EUR."},
	}
	for outcome, want := range map[string]string{
		"1":     "Request submitted: PO-2026-000001, PO-2026-000002 issued to the vendors. 1 off-contract line(s) wait for procurement. See the notes below.",
		"again": "This cart was already submitted; here is the request it created.",
		"":      "", "0": "", "yes": "", "1 ": "", "<script>": "",
	} {
		if got := submittedMessage(req, outcome); got != want {
			t.Errorf("outcome %q: %q, want %q", outcome, got, want)
		}
	}
	if got := submittedMessage(procure.PurchaseRequest{}, "1"); got != "Request submitted." || strings.Contains(got, "notes") {
		t.Errorf("nothing issued, nothing waiting: %q", got)
	}
}
