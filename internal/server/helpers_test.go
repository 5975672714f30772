package server_test

import (
	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/webtest"
)

// appflows is the flows of a running test app.
func appflows(a *webtest.App) *app.App { return a.Server.App }

func storeFilter(action string) store.AuditFilter { return store.AuditFilter{Action: action} }
