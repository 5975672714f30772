package store_test

import (
	"testing"

	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

// TestHelpAndNotificationsAreEachPersonsOwn: a person lists, reads and
// answers only their own help requests and notifications; procurement
// (staff) sees every request. Someone else's id is "not found".
func TestHelpAndNotificationsAreEachPersonsOwn(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	ann := testkit.MustUser(t, st, "ann@example.test", testkit.Roles(procure.RoleOrderer), muc)
	bob := testkit.MustUser(t, st, "bob@example.test", testkit.Roles(procure.RoleOrderer), muc)
	proc := testkit.MustUser(t, st, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	annQ, err := st.CreateHelpRequest(ctx, ann.ID, procure.HelpRequestInput{Subject: "Ann's question", Text: "?"}, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateHelpRequest(ctx, bob.ID, procure.HelpRequestInput{Subject: "Bob's question", Text: "?"}, "", false); err != nil {
		t.Fatal(err)
	}
	mine, _ := st.HelpRequests(ctx, store.HelpFilter{UserID: ann.ID})
	if len(mine) != 1 || mine[0].ID != annQ {
		t.Errorf("Ann's list: %+v", mine)
	}
	if all, _ := st.HelpRequests(ctx, store.HelpFilter{}); len(all) != 2 {
		t.Errorf("procurement's queue: %d", len(all))
	}
	if _, err := st.HelpRequestByID(ctx, bob.ID, false, annQ); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("Bob read Ann's request: %v", err)
	}
	if err := st.ReplyHelp(ctx, bob.ID, false, annQ, "me too", "", false); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("Bob replied to Ann's request: %v", err)
	}
	if err := st.ResolveHelp(ctx, bob.ID, false, annQ); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("Bob resolved Ann's request: %v", err)
	}
	if err := st.ReplyHelp(ctx, proc.ID, true, annQ, "Here is how.", "", false); err != nil {
		t.Fatal(err)
	}
	// Ann has one notification (the reply); Bob none; procurement two (the questions).
	annN, _ := st.Notifications(ctx, ann.ID, 0, 10)
	bobN, _ := st.Notifications(ctx, bob.ID, 0, 10)
	procN, _ := st.Notifications(ctx, proc.ID, 0, 10)
	if len(annN) != 1 || annN[0].Kind != procure.NotifyHelpReply || len(bobN) != 0 || len(procN) != 2 {
		t.Fatalf("notifications: ann %+v, bob %+v, procurement %d", annN, bobN, len(procN))
	}
	if _, err := st.MarkRead(ctx, bob.ID, annN[0].ID); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("Bob marked Ann's notification read: %v", err)
	}
	if n, _ := st.UnreadCount(ctx, ann.ID); n != 1 {
		t.Errorf("Ann's unread after Bob's attempt: %d", n)
	}
	if link, err := st.MarkRead(ctx, ann.ID, annN[0].ID); err != nil || link == "" {
		t.Errorf("Ann opens hers: %q %v", link, err)
	}
	if n, _ := st.UnreadCount(ctx, ann.ID); n != 0 {
		t.Errorf("Ann's unread after reading: %d", n)
	}
	if err := st.MarkAllRead(ctx, proc.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.UnreadCount(ctx, proc.ID); n != 0 {
		t.Errorf("procurement's unread after reading all: %d", n)
	}
}

// TestRenewalAndDocuments: a renewal copies what is in force on the old
// contract's last day and links both ways; a document is found only under
// its own contract.
func TestRenewalAndDocuments(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	ctx := t.Context()
	muc := testkit.MustLocation(t, st, "MUC", "EUR")
	proc := testkit.MustUser(t, st, "proc@example.test", testkit.Roles(procure.RoleProcurement))
	june30 := pricing.MustDate("2026-06-30")
	testkit.MustItem(t, st, "A-1", "Paper")
	testkit.MustItem(t, st, "A-2", "Paper")
	v := testkit.MustVendor(t, st, "Acme", procure.VendorApproved)
	old := testkit.MustContract(t, st, testkit.ContractSpec{Number: "C-9", VendorID: v, Status: procure.ContractActive,
		Start: "2026-01-01", End: "2026-12-31", Locations: []int64{muc}, Prices: []procure.PriceValues{
			{SKU: "A-1", Tiers: testkit.Tiers("1", "2.00")},
			// Ends in June: not in force on the last day, not copied.
			{SKU: "A-2", Tiers: testkit.Tiers("1", "3.00"), ValidTo: &june30},
		}})
	id, err := st.RenewContract(ctx, proc.ID, old)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := st.ContractByID(ctx, id)
	rows, _ := st.PriceRows(ctx, id)
	if c.Start.String() != "2027-01-01" || c.End.String() != "2027-12-31" || c.PredecessorNumber != "C-9" || len(rows) != 1 || rows[0].ItemSKU != "A-1" {
		t.Errorf("renewal %+v rows %+v", c, rows)
	}
	if o, _ := st.ContractByID(ctx, old); o.SuccessorID != id {
		t.Errorf("old contract's successor: %d", o.SuccessorID)
	}
	if _, err := st.RenewContract(ctx, proc.ID, old); procure.KindOf(err) != procure.KindConflict {
		t.Errorf("second renewal: %v", err)
	}
	doc, err := st.AddDocument(ctx, proc.ID, old, "signed.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, data, err := st.Document(ctx, old, doc); err != nil || string(data) != "%PDF-1.4\n%%EOF\n" {
		t.Errorf("own document: %q %v", data, err)
	}
	if _, _, err := st.Document(ctx, id, doc); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("document under another contract: %v", err)
	}
}
