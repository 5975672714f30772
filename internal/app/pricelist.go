package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
)

// ImportPriceList adds the price rows of a CSV file to a draft contract.
// Every line is checked first; any problem means nothing is written, and
// every problem is reported with its line and column. Unknown SKUs are
// listed, and created as items when createItems is set.
func (a *App) ImportPriceList(ctx context.Context, actorID, contractID int64, data []byte, createItems bool) (procure.ImportResult, error) {
	var res procure.ImportResult
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		res = procure.ImportResult{}
		c, err := tx.LockContract(ctx, contractID)
		if err != nil {
			return err
		}
		if c.Status != procure.ContractDraft {
			return procure.Errorf(procure.KindConflict, "Price lists import into draft contracts only; %s is %s.", c.Number, c.Status)
		}
		rows, problems := procure.ParsePriceList(data, c)
		var skus []string
		for _, r := range rows {
			skus = append(skus, r.Values.SKU)
		}
		items, err := tx.ItemsBySKU(ctx, skus)
		if err != nil {
			return err
		}
		windows, err := tx.PriceWindows(ctx, contractID)
		if err != nil {
			return err
		}
		var newItems []procure.ItemInput
		for _, r := range rows {
			it, known := items[r.Values.SKU]
			if !known {
				if !slices.Contains(res.UnknownSKUs, r.Values.SKU) {
					res.UnknownSKUs = append(res.UnknownSKUs, r.Values.SKU)
					if fe := r.Item.Validate(); createItems && len(fe) > 0 {
						for col, msg := range fe {
							problems = append(problems, procure.ImportProblem{Line: r.Lines[0], Column: importColumn(col), Message: msg})
						}
					}
					newItems = append(newItems, r.Item)
				}
				if !createItems {
					problems = append(problems, procure.ImportProblem{Line: r.Lines[0], Column: "sku",
						Message: fmt.Sprintf("no item has SKU %s (tick \"create missing items\" to create it)", r.Values.SKU)})
				}
				continue
			}
			for i, t := range r.Values.Tiers {
				if msg := it.CheckQuantity(t.MinQty); msg != "" {
					problems = append(problems, procure.ImportProblem{Line: r.Lines[i], Column: "min_qty", Message: msg})
				}
			}
			for _, w := range windows[it.ID] {
				if w.Overlaps(procure.Window{From: r.Values.ValidFrom, To: r.Values.ValidTo}) {
					problems = append(problems, procure.ImportProblem{Line: r.Lines[0], Column: "valid_from",
						Message: fmt.Sprintf("%s already has a price on this contract for part of this period", it.SKU)})
					break
				}
			}
		}
		if len(problems) > 0 {
			slices.SortStableFunc(problems, func(x, y procure.ImportProblem) int { return x.Line - y.Line })
			res.Problems = problems
			return &procure.Error{Kind: procure.KindInvalid, Message: fmt.Sprintf("Nothing was imported: the file has %d problems.", len(problems))}
		}
		ids := map[string]int64{}
		for sku, it := range items {
			ids[sku] = it.ID
		}
		if len(newItems) > 0 {
			created, err := tx.CreateItemsBulk(ctx, newItems)
			if err != nil {
				return err
			}
			for sku, id := range created {
				ids[sku] = id
			}
			res.ItemsCreated = len(created)
		}
		bulk := make([]store.BulkPrice, len(rows))
		for i, r := range rows {
			bulk[i] = store.BulkPrice{ItemID: ids[r.Values.SKU], Values: r.Values}
		}
		if res.Tiers, err = tx.InsertPricesBulk(ctx, actorID, contractID, bulk); err != nil {
			return err
		}
		res.PriceRows = len(rows)
		return tx.Audit(ctx, procure.AuditEvent{ActorID: actorID, Action: "contract.import", Entity: "contract", EntityID: contractID,
			After: map[string]any{"price_rows": res.PriceRows, "tiers": res.Tiers, "items_created": res.ItemsCreated, "new_skus": res.UnknownSKUs}})
	})
	return res, err
}

func importColumn(field string) string {
	switch field {
	case "name":
		return "item_name"
	case "sku", "category", "unit":
		return field
	}
	return ""
}
