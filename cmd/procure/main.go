// Command procure is the contract-led procurement server.
//
//	procure [serve] [--seed-demo]   run the web server (the default)
//	procure migrate up|down|version manage the schema
//	procure seed-demo               create the demo organisation
//	procure healthcheck             exit 0 when /healthz answers (Docker HEALTHCHECK)
//	procure config                  print the effective configuration, secrets hidden
//
// Configuration comes from the environment (see README). main only wires:
// config → pool → migrate → store → server, and shuts down gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/procure-app/procure/internal/auth"
	"github.com/procure-app/procure/internal/config"
	"github.com/procure-app/procure/internal/demo"
	"github.com/procure-app/procure/internal/mailer"
	"github.com/procure-app/procure/internal/pricing"
	"github.com/procure-app/procure/internal/server"
	"github.com/procure-app/procure/internal/store"
)

func main() {
	cmd, args := "serve", os.Args[1:]
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(args)
	case "migrate":
		err = migrateCmd(args)
	case "seed-demo":
		err = seedDemo()
	case "healthcheck":
		err = healthcheck()
	case "config":
		err = printConfig()
	default:
		err = fmt.Errorf("unknown command %q; want serve, migrate, seed-demo, healthcheck or config", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "procure:", err)
		os.Exit(1)
	}
}

func newLogger(c config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	format := c.LogFormat
	if format == "auto" {
		format = "json"
		if st, err := os.Stderr.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

// openPool connects with per-session limits, so that no request can hold a
// lock or a connection for long (RELIABILITY.md 3.1, rule 7).
func openPool(ctx context.Context, c config.Config) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(c.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	pc.MaxConns = c.DatabaseMaxConn
	pc.ConnConfig.ConnectTimeout = 5 * time.Second
	store.SessionSettings(pc.ConnConfig.RuntimeParams)
	return pgxpool.NewWithConfig(ctx, pc)
}

func loadConfig() (config.Config, error) {
	c, err := config.Load()
	if err != nil {
		return config.Config{}, err
	}
	return c, nil
}

func migrateUp(c config.Config, log *slog.Logger) error {
	m, err := store.OpenMigration(c.DatabaseURL)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Up(); err != nil {
		return err
	}
	v, _, err := m.Version()
	log.Info("schema migrated", "version", v)
	return err
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	seed := fs.Bool("seed-demo", false, "create the demo organisation if it is missing (development only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := loadConfig()
	if err != nil {
		return err
	}
	log := newLogger(c)
	gcPercent, memLimit := config.TuneGC(os.Environ())
	log.Info("garbage collector", "gc_percent", gcPercent, "mem_limit_bytes", memLimit)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if c.RunMigrations {
		if err := migrateUp(c, log); err != nil {
			return err
		}
	}
	pool, err := openPool(ctx, c)
	if err != nil {
		return err
	}
	defer pool.Close()
	fixedPool, err := store.OpenFixedPool(ctx, pool)
	if err != nil {
		return err
	}
	defer fixedPool.Close()
	st := store.New(pool)
	st.UseFixedPool(fixedPool)
	hasher, err := auth.NewHasher()
	if err != nil {
		return err
	}
	if *seed {
		if err := demo.Seed(ctx, st, hasher, log, pricing.DateOf(time.Now().In(c.Location))); err != nil {
			return err
		}
		emails := make([]string, len(demo.Users))
		for i, u := range demo.Users {
			emails[i] = u.Email
		}
		log.Info("demo sign-ins", "emails", strings.Join(emails, " "), "password", demo.Password)
	}
	sessions, stopCleanup := server.NewSessions(fixedPool, c.CookieSecure, c.SessionLifetime)
	defer stopCleanup()
	srv, err := server.New(server.Deps{
		Store: st, Hasher: hasher, Sessions: sessions, Log: log,
		Options: server.Options{CookieSecure: c.CookieSecure, SessionIdle: c.SessionIdle, RequestTimeout: c.RequestTimeout,
			TrustedProxies: c.Proxies, TimeZone: c.Location, Email: c.SMTPHost != ""},
	})
	if err != nil {
		return err
	}
	// Background work: the scheduled notifications job, the candidate
	// cache warm-up and, with SMTP configured, the outbox sender. All are
	// safe on several instances (the warm-up only reads).
	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { stopBG(); wg.Wait() }()
	if c.ScheduleInterval > 0 {
		wg.Go(func() { srv.App.RunScheduler(bg, c.ScheduleInterval, log) })
	}
	if c.CandidateWarmInterval > 0 {
		wg.Go(func() { srv.App.RunCandidateWarmer(bg, c.CandidateWarmInterval, log) })
	}
	if c.SMTPHost != "" {
		sender, err := mailer.NewSMTP(mailer.SMTPConfig{Host: c.SMTPHost, Port: c.SMTPPort, Username: c.SMTPUsername,
			Password: c.SMTPPassword, From: c.SMTPFrom, TLS: c.SMTPTLS})
		if err != nil {
			return err
		}
		w := &mailer.Worker{Store: st, Sender: sender, Log: log, BaseURL: c.BaseURL}
		wg.Go(func() { w.Run(bg, c.OutboxInterval) })
		log.Info("email on", "smtp_host", c.SMTPHost, "from", c.SMTPFrom)
	}
	httpSrv := &http.Server{
		Addr:              c.Addr,
		Handler:           srv.Routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.Background() },
	}
	ln, err := net.Listen("tcp", c.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%w: another program (another make run?) serves on %s; stop it, or set ADDR to another address, like ADDR=127.0.0.1:8081", err, c.Addr)
	}
	if err != nil {
		return err
	}
	log.Info("serving", "url", "http://"+displayAddr(ln.Addr().String()), "migrations", c.RunMigrations)
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop() // a second Ctrl-C now kills at once
	log.Info("shutting down: draining requests")
	srv.Drain()
	if c.DrainDelay > 0 {
		time.Sleep(c.DrainDelay) // let the load balancer notice /readyz
	}
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped cleanly")
	return nil
}

// displayAddr turns 127.0.0.1:8080 into localhost:8080 for the log line a
// newcomer clicks.
func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return a
	}
	if host == "127.0.0.1" || host == "::" || host == "0.0.0.0" || host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func migrateCmd(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: procure migrate up|down|version")
	}
	c, err := loadConfig()
	if err != nil {
		return err
	}
	m, err := store.OpenMigration(c.DatabaseURL)
	if err != nil {
		return err
	}
	defer m.Close()
	switch args[0] {
	case "up":
		err = m.Up()
	case "down":
		err = m.Down()
	case "version":
	default:
		return fmt.Errorf("unknown migrate command %q; want up, down or version", args[0])
	}
	if err != nil {
		return err
	}
	v, dirty, err := m.Version()
	if err != nil {
		return err
	}
	latest, _ := store.LatestVersion()
	fmt.Printf("schema version %d (binary has %d)%s\n", v, latest, map[bool]string{true: ", DIRTY: fix and run 'migrate force'", false: ""}[dirty])
	return nil
}

func seedDemo() error {
	c, err := loadConfig()
	if err != nil {
		return err
	}
	log := newLogger(c)
	ctx := context.Background()
	if err := migrateUp(c, log); err != nil {
		return err
	}
	pool, err := openPool(ctx, c)
	if err != nil {
		return err
	}
	defer pool.Close()
	hasher, err := auth.NewHasher()
	if err != nil {
		return err
	}
	return demo.Seed(ctx, store.New(pool), hasher, log, pricing.DateOf(time.Now().In(c.Location)))
}

func healthcheck() error {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz answered %s", resp.Status)
	}
	return nil
}

func printConfig() error {
	c, err := loadConfig()
	if err != nil {
		return err
	}
	r := c.Redacted()
	fmt.Printf("ADDR=%s\nDATABASE_URL=%s\nDATABASE_MAX_CONNS=%d\nRUN_MIGRATIONS=%t\nLOG_FORMAT=%s\nLOG_LEVEL=%s\n"+
		"COOKIE_SECURE=%t\nSESSION_IDLE_TIMEOUT=%s\nSESSION_LIFETIME=%s\nREQUEST_TIMEOUT=%s\nSHUTDOWN_TIMEOUT=%s\n"+
		"DRAIN_DELAY=%s\nTRUSTED_PROXIES=%s\nTIME_ZONE=%s\nBASE_URL=%s\nSCHEDULE_INTERVAL=%s\n"+
		"SMTP_HOST=%s\nSMTP_PORT=%d\nSMTP_USERNAME=%s\nSMTP_PASSWORD=%s\nSMTP_FROM=%s\nSMTP_TLS=%s\nOUTBOX_INTERVAL=%s\n",
		r.Addr, r.DatabaseURL, r.DatabaseMaxConn, r.RunMigrations, r.LogFormat, r.LogLevel, r.CookieSecure,
		r.SessionIdle, r.SessionLifetime, r.RequestTimeout, r.ShutdownTimeout, r.DrainDelay,
		strings.Join(r.TrustedProxies, ","), r.TimeZone, r.BaseURL, r.ScheduleInterval,
		r.SMTPHost, r.SMTPPort, r.SMTPUsername, r.SMTPPassword, r.SMTPFrom, r.SMTPTLS, r.OutboxInterval)
	return nil
}
