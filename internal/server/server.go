// Package server is the HTTP layer: chi routes, middleware, handlers grouped
// by area, explicit form parsing, the one Kind → status map, and rendering.
// Handlers parse, call one store or app method, build props and render; they
// hold no SQL, no transactions and no business rules.
//
// Imports: app, store (scoped reads), procure, money, auth, web/..., chi,
// scs, templ.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/procure-app/procure/internal/app"
	"github.com/procure-app/procure/internal/auth"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/web/layout"
	"github.com/procure-app/procure/web/reports"
	"github.com/procure-app/procure/web/static"
)

// Options are the settings the HTTP layer needs (from config.Config).
type Options struct {
	CookieSecure   bool
	SessionIdle    time.Duration // sign out after this long without a request
	RequestTimeout time.Duration
	TrustedProxies []netip.Prefix
	TimeZone       *time.Location // which calendar day "today" is
	Email          bool           // SMTP is configured: notifications also queue emails
}

// Deps is everything a Server uses. main builds one; tests build one on a
// fresh database.
type Deps struct {
	Store    *store.Store
	App      *app.App
	Hasher   *auth.Hasher
	Sessions *scs.SessionManager
	Log      *slog.Logger
	Assets   *static.Assets
	Now      func() time.Time
	Options  Options
}

// Server carries the dependencies every handler may use.
type Server struct {
	Deps
	draining atomic.Bool // set on SIGTERM so /readyz answers 503 while requests drain
	latest   uint        // the newest migration embedded in this binary
	pages    *catalogueCache
}

// New builds a Server.
func New(d Deps) (*Server, error) {
	latest, err := store.LatestVersion()
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Options.RequestTimeout == 0 {
		d.Options.RequestTimeout = 15 * time.Second
	}
	if d.Options.SessionIdle == 0 {
		d.Options.SessionIdle = 30 * time.Minute
	}
	if d.Options.TimeZone == nil {
		d.Options.TimeZone = time.UTC
	}
	if d.Assets == nil {
		d.Assets = static.New()
	}
	if d.App == nil {
		d.App = app.New(d.Store, d.Now, d.Options.TimeZone)
		d.App.Email = d.Options.Email
	}
	s := &Server{Deps: d, latest: latest, pages: newCatalogueCache(maxCachedPages)}
	// A session-store failure while Postgres is down is a 503 page, not
	// scs's bare 500; nobody is signed out by an outage.
	d.Sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.fail(w, r, store.Classify(err, "session"))
	}
	return s, nil
}

// Drain makes /readyz report 503, so a load balancer stops sending traffic
// before shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// NewSessions builds the session manager: data in Postgres (shared by every
// instance), HttpOnly SameSite=Lax cookie, Secure and "__Host-" prefixed
// over HTTPS, an absolute lifetime. The idle timeout is enforced by the
// server (Options.SessionIdle, see loadUser) rather than by scs, whose idle
// timeout rewrites the session row on every single request. The returned
// stop ends the expired-session clean-up goroutine.
func NewSessions(pool *pgxpool.Pool, secure bool, lifetime time.Duration) (*scs.SessionManager, func()) {
	sm := scs.New()
	st := pgxstore.NewWithConfig(pool, pgxstore.Config{CleanUpInterval: 5 * time.Minute})
	sm.Store = st
	sm.Codec = sessionCodec{}
	sm.IdleTimeout = 0
	sm.Lifetime = lifetime
	sm.Cookie.Name = "procure_session"
	if secure {
		sm.Cookie.Name = "__Host-procure_session"
	}
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	return sm, st.StopCleanup
}

// Routes is the whole HTTP surface. Every route group denies by default:
// signed-in first, then the roles it serves.
func (s *Server) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.accessLog, s.recoverPanics, securityHeaders(s.Options.CookieSecure))
	// An unknown address or a wrong method gets the page shell like any
	// other error page: the styles, and a signed-in user's navigation.
	shell := func(h http.HandlerFunc) http.HandlerFunc {
		return s.timeout(noStore(s.Sessions.LoadAndSave(s.loadUser(h)))).ServeHTTP
	}
	r.NotFound(shell(s.handle(func(http.ResponseWriter, *http.Request) error {
		return procure.Errorf(procure.KindNotFound, "That page does not exist.")
	})))
	r.MethodNotAllowed(shell(func(w http.ResponseWriter, r *http.Request) {
		if err := render(w, r, http.StatusMethodNotAllowed, layout.ErrorPage(http.StatusMethodNotAllowed,
			"This address does not answer that kind of request. Go back and use the page's links and buttons.")); err != nil {
			http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
		}
	}))

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Mount("/static/", http.StripPrefix("/static/", noDirectories(static.FileServer(s.Assets))))
	// Pages name their icon; clients that ask for the conventional address
	// anyway (a PDF or CSV tab, a bookmark) are sent to it.
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.Assets.Icon, http.StatusMovedPermanently)
	})

	r.Group(func(r chi.Router) {
		r.Use(s.timeout, noStore, s.Sessions.LoadAndSave, s.crossOrigin(), s.loadUser)
		// Uploads get their own, larger body limit; every other request 1 MiB.
		r.Group(func(r chi.Router) {
			r.Use(limitBody(procure.PriceListMaxBytes+(1<<20)), s.requireSignIn, s.requireRole(procure.RoleProcurement, procure.RoleOwner))
			r.Post("/contracts/{contractID}/import", s.handle(s.importPrices))
		})
		r.Group(func(r chi.Router) {
			r.Use(limitBody(procure.MaxDocumentBytes+(1<<20)), s.requireSignIn, s.requireRole(procure.RoleProcurement, procure.RoleOwner))
			r.Post("/contracts/{contractID}/documents", s.handle(s.uploadDocument))
		})
		r.Group(func(r chi.Router) {
			r.Use(limitBody(InvoiceImportMaxBytes+(1<<20)), s.requireSignIn, s.requireRole(procure.RoleFinance, procure.RoleOwner))
			r.Post("/invoices/import", s.handle(s.importInvoices))
		})
		r.Group(func(r chi.Router) {
			r.Use(limitBody(1 << 20))
			s.pageRoutes(r)
		})
	})
	return r
}

// pageRoutes are the signed-out pages and every page behind sign-in, each
// group with the roles it serves.
func (s *Server) pageRoutes(r chi.Router) {
	r.Get("/login", s.handle(s.loginForm))
	r.Post("/login", s.handle(s.login))
	r.Post("/logout", s.handle(s.logout))

	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/", s.handle(s.home))
		r.Get("/suppliers", s.handle(s.listSuppliers))

		// Every signed-in user: their notifications, help, their questions.
		r.Get("/notifications", s.handle(s.listNotifications))
		r.Post("/notifications/read-all", s.handle(s.readAllNotifications))
		r.Post("/notifications/{notificationID}/read", s.handle(s.readNotification))
		r.Get("/settings/notifications", s.handle(s.notificationSettings))
		r.Post("/settings/notifications", s.handle(s.saveNotificationSettings))
		r.Get("/help", s.handle(s.helpIndex))
		r.Get("/help/requests", s.handle(s.listHelpRequests))
		r.Get("/help/requests/new", s.handle(s.newHelpRequestForm))
		r.Post("/help/requests", s.handle(s.createHelpRequest))
		r.Get("/help/requests/{requestID}", s.handle(s.showHelpRequest))
		r.Post("/help/requests/{requestID}/reply", s.handle(s.replyHelpRequest))
		r.Post("/help/requests/{requestID}/resolve", s.handle(s.resolveHelpRequest))
		r.Get("/help/{slug}", s.handle(s.showHelpPage))
		r.Post("/announcements/{announcementID}/dismiss", s.handle(s.dismissAnnouncement))
		// Procurement writes help, answers the queue and posts news.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(procure.RoleProcurement))
			r.Get("/help/pages/new", s.handle(s.newHelpPageForm))
			r.Post("/help/pages", s.handle(s.saveHelpPage))
			r.Get("/help/{slug}/edit", s.handle(s.editHelpPageForm))
			r.Post("/help/{slug}", s.handle(s.saveHelpPage))
			r.Post("/help/requests/{requestID}/assign", s.handle(s.assignHelpRequest))
			r.Get("/announcements/new", s.handle(s.newAnnouncementForm))
			r.Post("/announcements", s.handle(s.createAnnouncement))
		})

		// Procurement defines the truth; finance and owners read it.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(procure.RoleProcurement, procure.RoleFinance, procure.RoleOwner))
			r.Get("/vendors", s.handle(s.listVendors))
			r.Get("/vendors/{vendorID}", s.handle(s.showVendor))
			r.Get("/items", s.handle(s.listItems))
			r.Get("/items/{itemID}", s.handle(s.editItemForm))
			r.Get("/contracts", s.handle(s.listContracts))
			r.Get("/contracts/{contractID}", s.handle(s.showContract))
			r.Get("/contracts/{contractID}/documents/{documentID}", s.handle(s.downloadDocument))
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(procure.RoleProcurement, procure.RoleOwner))
			r.Get("/vendors/new", s.handle(s.newVendorForm))
			r.Post("/vendors", s.handle(s.createVendor))
			r.Get("/vendors/{vendorID}/edit", s.handle(s.editVendorForm))
			r.Post("/vendors/{vendorID}", s.handle(s.updateVendor))
			r.Post("/vendors/{vendorID}/status", s.handle(s.setVendorStatus))
			r.Get("/items/new", s.handle(s.newItemForm))
			r.Get("/items/suggest", s.handle(s.suggestItems))
			r.Post("/items", s.handle(s.createItem))
			r.Post("/items/{itemID}", s.handle(s.updateItem))
			r.Get("/contracts/new", s.handle(s.newContractForm))
			r.Get("/contracts/import-template.csv", s.handle(s.importTemplate))
			r.Post("/contracts", s.handle(s.createContract))
			r.Get("/contracts/{contractID}/edit", s.handle(s.editContractForm))
			r.Post("/contracts/{contractID}", s.handle(s.updateContract))
			r.Post("/contracts/{contractID}/status", s.handle(s.moveContract))
			r.Post("/contracts/{contractID}/prices", s.handle(s.addPrice))
			r.Post("/contracts/{contractID}/prices/{priceID}/remove", s.handle(s.removePrice))
			r.Get("/contracts/{contractID}/prices/{priceID}/amend", s.handle(s.amendPriceForm))
			r.Post("/contracts/{contractID}/prices/{priceID}/amend", s.handle(s.amendPrice))
			r.Get("/contracts/{contractID}/import", s.handle(s.importForm))
			r.Post("/contracts/{contractID}/renew", s.handle(s.renewContract))
			r.Post("/contracts/{contractID}/milestones", s.handle(s.addMilestone))
			r.Post("/contracts/{contractID}/milestones/{milestoneID}/done", s.handle(s.completeMilestone))
		})

		// Office admins order for their own locations.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(procure.RoleOrderer))
			r.Get("/catalogue", s.handle(s.catalogue))
			r.Post("/catalogue/favourites/{itemID}", s.handle(s.toggleFavourite))
			r.Get("/cart", s.handle(s.showCart))
			r.Post("/cart/lines", s.handle(s.addToCart))
			r.Post("/cart/lines/{lineID}/qty", s.handle(s.setCartQty))
			r.Post("/cart/lines/{lineID}/remove", s.handle(s.removeCartLine))
			r.Post("/cart/offcontract", s.handle(s.addOffContract))
			r.Post("/cart/submit", s.handle(s.submitCart))
			r.Post("/requests/{requestID}/reorder", s.handle(s.reorder))
			r.Post("/pos/{poID}/receive", s.handle(s.receivePO))
		})
		// Requests and POs: office admins see their locations', the others all.
		r.Get("/requests", s.handle(s.listRequests))
		r.Get("/requests/{requestID}", s.handle(s.showRequest))
		r.Get("/pos", s.handle(s.listPOs))
		r.Get("/pos/{poID}", s.handle(s.showPO))
		r.Get("/pos/{poID}/print", s.handle(s.printPO))
		r.Get("/pos/{poID}/pdf", s.handle(s.pdfPO))
		r.With(s.requireRole(procure.RoleOrderer, procure.RoleProcurement, procure.RoleOwner)).Post("/pos/{poID}/cancel", s.handle(s.cancelPO))
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(procure.RoleProcurement, procure.RoleOwner))
			r.Get("/approvals", s.handle(s.listApprovals))
			r.Post("/approvals/{lineID}", s.handle(s.decideLine))
		})

		// Finance records and resolves invoices; owners may too.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(procure.RoleFinance, procure.RoleOwner))
			r.Get("/invoices", s.handle(s.listInvoices))
			r.Get("/invoices/new", s.handle(s.newInvoiceForm))
			r.Post("/invoices", s.handle(s.createInvoice))
			r.Get("/invoices/import", s.handle(s.importInvoicesForm))
			r.Get("/invoices/import-template.csv", s.handle(s.invoiceTemplate))
			r.Get("/invoices/payments.csv", s.handle(s.paymentExport))
			r.Get("/invoices/{invoiceID}", s.handle(s.showInvoice))
			r.Post("/invoices/{invoiceID}/resolve", s.handle(s.resolveInvoice))
		})
		// Reconciliation reports: finance and owners, and procurement reads them.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(procure.RoleFinance, procure.RoleOwner, procure.RoleProcurement))
			r.Get("/reports", s.handle(func(w http.ResponseWriter, r *http.Request) error {
				return render(w, r, http.StatusOK, reports.IndexPage())
			}))
			r.Get("/reports/price-variance", s.handle(s.priceVarianceReport))
			r.Get("/reports/compliance", s.handle(s.complianceReport))
			r.Get("/reports/drift", s.handle(s.driftReport))
			r.Get("/reports/utilisation", s.handle(s.utilisationReport))
			r.Get("/reports/cycle-time", s.handle(s.cycleTimeReport))
			r.Get("/reports/invoice-lines", s.handle(s.invoiceLinesReport))
			r.Get("/reports/value", s.handle(s.valueReport))
		})

		r.Route("/admin", func(r chi.Router) {
			r.Use(s.requireRole(procure.RoleOwner))
			r.Get("/users", s.handle(s.listUsers))
			r.Get("/users/new", s.handle(s.newUserForm))
			r.Post("/users", s.handle(s.createUser))
			r.Get("/users/{userID}", s.handle(s.editUserForm))
			r.Post("/users/{userID}", s.handle(s.updateUser))
			r.Post("/users/{userID}/password", s.handle(s.resetPassword))
			r.Post("/users/{userID}/sessions/end", s.handle(s.endSessions))
			r.Get("/locations", s.handle(s.listLocations))
			r.Post("/locations", s.handle(s.createLocation))
			r.Get("/locations/{locationID}", s.handle(s.editLocationForm))
			r.Post("/locations/{locationID}", s.handle(s.updateLocation))
			r.Post("/organisation", s.handle(s.updateOrganisation))
			r.Get("/audit", s.handle(s.listAudit))
		})
	})
}

// crossOrigin refuses state-changing requests from other sites (CSRF) with
// Go's CrossOriginProtection (Sec-Fetch-Site, else Origin vs Host), and logs
// each refusal.
func (s *Server) crossOrigin() func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Log.WarnContext(r.Context(), "cross-origin request refused", "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "req_id", procure.RequestID(r.Context()))
		s.fail(w, r, procure.Errorf(procure.KindForbidden, "This request came from another site and was refused."))
	}))
	return cop.Handler
}

// noDirectories answers 404 for directory paths instead of listing them
// (ASVS 13.4.3).
func noDirectories(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// healthz is liveness: the process runs. It never touches the database.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz is readiness: not draining, the database answers within a second,
// and its schema is at the version this binary expects. It reveals nothing
// else (ASVS 13.4.5).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	ready := !s.draining.Load()
	if ready {
		v, dirty, err := s.Store.SchemaVersion(ctx)
		ready = err == nil && !dirty && v == s.latest
		if err != nil {
			s.Log.WarnContext(ctx, "readiness: database", "err", err)
		} else if !ready {
			s.Log.WarnContext(ctx, "readiness: schema version", "have", v, "want", s.latest, "dirty", dirty)
		}
	}
	if !ready {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
