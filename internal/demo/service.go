package demo

import (
	"context"
	"fmt"

	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// helpPages is the help centre's starter set, written as procurement would.
var helpPages = []procure.HelpPageInput{
	{Slug: "how-to-order", Topic: "Ordering", Title: "How to order", Body: `# How to order

1. Open the **[Catalogue](/catalogue)**. If you order for several offices, pick the office first: prices and suppliers depend on it.
2. Search by name or SKU, or filter by category or supplier. Every price shown comes from a contract procurement negotiated.
3. Enter the quantity and choose **Add to cart**. Watch for the hint *"order 50 and pay less in total"*: volume tiers sometimes make a larger order cheaper.
4. Open your **[Cart](/cart)**, check the lines and submit. One purchase order per supplier is issued at once.
5. When the goods arrive, open the PO under **[Orders](/pos)** and record what you received. Finance pays only for what was received.

Why this price? Every catalogue line has a *why this price?* link that shows the contract, the tier and the other offers that were considered.
`},
	{Slug: "find-an-approved-supplier", Topic: "Suppliers", Title: "Find an approved supplier", Body: `# Find an approved supplier

The **[Approved suppliers](/suppliers)** directory lists every supplier we have a contract with, by category and office.

- Only *approved* suppliers can be ordered from. A supplier that is pending or blocked does not appear.
- A supplier may cover only some offices. Filter by your office to see who delivers to you.
- Missing a supplier you trust? Ask procurement (below): we check them, and if it makes sense we put a contract in place.
`},
	{Slug: "something-not-in-the-catalogue", Topic: "Ordering", Title: "Request something not in the catalogue", Body: `# Request something not in the catalogue

Sometimes you need an item no contract covers. You can still order it:

1. In your **[Cart](/cart)**, use **Add an off-contract line**: describe the item, the supplier, the quantity and the price you were quoted.
2. Submit as usual. On-contract lines are ordered at once; the off-contract line waits for procurement's approval.
3. You are notified when it is approved (the PO is issued) or rejected (with the reason).

If you need the item regularly, [ask procurement](/help/requests/new) to add it to a contract: it will be faster and usually cheaper next time.
`},
	{Slug: "contacts", Topic: "Contacts", Title: "Who to contact", Body: `# Who to contact

| Question | Who |
|---|---|
| Orders, suppliers, prices, contracts | Procurement: Paul Procurement, [ask a question](/help/requests/new) |
| Invoices and payments | Finance: Fiona Finance |
| Access, roles and offices | The owner of Procure in your company: Olivia Owner |

Questions asked through **[Help requests](/help/requests)** are answered in the app and you are notified of every reply. Our goal is a first answer within one working day.
`},
	{Slug: "receiving-goods", Topic: "Ordering", Title: "Receiving goods and partial deliveries", Body: `# Receiving goods and partial deliveries

Record what arrived on the PO page, line by line. A partial delivery keeps the PO open for the rest.

- Count before you confirm: invoices are matched against what you record.
- Damaged goods: record only what is usable and [tell procurement](/help/requests/new), naming the PO.
`},
}

// seedService adds the help centre, an announcement, baseline-priced
// contract milestones and an open question from an office admin.
func seedService(ctx context.Context, st *store.Store, today pricing.Date, ids map[string]int64) error {
	proc, office := ids["procurement@demo.test"], ids["office@demo.test"]
	for _, pg := range helpPages {
		in := pg
		if err := in.Validate(); err != nil {
			return fmt.Errorf("demo: help page %s: %w", pg.Slug, err)
		}
		if _, err := st.SaveHelpPage(ctx, proc, 0, in); err != nil {
			return fmt.Errorf("demo: help page %s: %w", pg.Slug, err)
		}
	}
	if _, err := st.CreateAnnouncement(ctx, proc, "New stationery contract for Munich and Berlin",
		"From today paper, pens and folders for Munich and Berlin come from our preferred stationery contract: "+
			"about 12 % cheaper than what the offices paid before. Just order from the catalogue as usual.", nil, ""); err != nil {
		return fmt.Errorf("demo: announcement: %w", err)
	}
	list, err := st.Contracts(ctx, store.ContractFilter{Limit: 20})
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.Status != procure.ContractActive {
			continue
		}
		m := procure.MilestoneValues{Due: today.AddDays(14), Description: "Quarterly price review with the vendor", OwnerID: proc}
		if c.End < today.AddDays(60) {
			m = procure.MilestoneValues{Due: today, Description: "Decide: renew or re-tender before notice runs out", OwnerID: proc}
		}
		if _, err := st.AddMilestone(ctx, proc, c.ID, m); err != nil {
			return fmt.Errorf("demo: milestone on %s: %w", c.Number, err)
		}
	}
	if _, err := st.CreateHelpRequest(ctx, office, procure.HelpRequestInput{Subject: "Standing desks for the London office?",
		Text: "Two colleagues asked for standing desks. I cannot find any in the catalogue for London. Can we order them, and from whom?"}, "", false); err != nil {
		return fmt.Errorf("demo: help request: %w", err)
	}
	return nil
}
