// Package config reads the server's settings from the environment, with
// defaults, and validates them at start-up: every problem is reported at
// once. No package-level state; main passes the Config down.
//
// Imports: stdlib, caarlos0/env.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is every setting, with its environment variable and default. The
// README's configuration table lists the same.
type Config struct {
	Addr            string        `env:"ADDR" envDefault:"127.0.0.1:8080"`
	DatabaseURL     string        `env:"DATABASE_URL,required,notEmpty"`     // or DATABASE_URL_FILE: a file holding it
	DatabaseMaxConn int32         `env:"DATABASE_MAX_CONNS" envDefault:"12"` // see README: more only lengthened the tail
	RunMigrations   bool          `env:"RUN_MIGRATIONS" envDefault:"true"`
	LogFormat       string        `env:"LOG_FORMAT" envDefault:"auto"` // auto | json | text
	LogLevel        string        `env:"LOG_LEVEL" envDefault:"info"`  // debug | info | warn | error
	CookieSecure    bool          `env:"COOKIE_SECURE" envDefault:"false"`
	SessionIdle     time.Duration `env:"SESSION_IDLE_TIMEOUT" envDefault:"30m"`
	SessionLifetime time.Duration `env:"SESSION_LIFETIME" envDefault:"12h"`
	RequestTimeout  time.Duration `env:"REQUEST_TIMEOUT" envDefault:"15s"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"20s"`
	DrainDelay      time.Duration `env:"DRAIN_DELAY" envDefault:"0s"`
	TrustedProxies  []string      `env:"TRUSTED_PROXIES" envSeparator:","`
	TimeZone        string        `env:"TIME_ZONE" envDefault:"UTC"`

	// BaseURL is how people reach the app; links in emails start with it.
	BaseURL string `env:"BASE_URL" envDefault:"http://localhost:8080"`
	// ScheduleInterval is how often date-driven notifications (renewal
	// notice, ending soon, milestones due) are looked for; 0 turns them off.
	ScheduleInterval time.Duration `env:"SCHEDULE_INTERVAL" envDefault:"15m"`
	// CandidateWarmInterval is how often the in-process cache of contract
	// candidates for submissions is checked against the catalogue version
	// and read afresh when it moved; 0 leaves it to fill as orders come.
	CandidateWarmInterval time.Duration `env:"CANDIDATE_WARM_INTERVAL" envDefault:"10s"`
	// Email is off unless SMTP_HOST is set.
	SMTPHost       string        `env:"SMTP_HOST"`
	SMTPPort       int           `env:"SMTP_PORT" envDefault:"587"`
	SMTPUsername   string        `env:"SMTP_USERNAME"`
	SMTPPassword   string        `env:"SMTP_PASSWORD"` // or SMTP_PASSWORD_FILE
	SMTPFrom       string        `env:"SMTP_FROM"`
	SMTPTLS        string        `env:"SMTP_TLS" envDefault:"starttls"` // starttls | tls | none
	OutboxInterval time.Duration `env:"OUTBOX_INTERVAL" envDefault:"10s"`

	// Proxies is TrustedProxies parsed.
	Proxies []netip.Prefix `env:"-"`
	// Location is TimeZone loaded: which calendar day "today" is.
	Location *time.Location `env:"-"`
}

// Load parses the process environment. The error lists every bad variable.
func Load() (Config, error) { return Parse(os.Environ()) }

// Parse reads a Config from environ ("KEY=value" pairs). A secret may come
// from a file: DATABASE_URL_FILE names a file holding DATABASE_URL, and
// SMTP_PASSWORD_FILE one holding SMTP_PASSWORD (Docker and Kubernetes
// secrets).
func Parse(environ []string) (Config, error) {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	for _, name := range []string{"DATABASE_URL", "SMTP_PASSWORD"} {
		if err := fromFile(vars, name); err != nil {
			return Config{}, err
		}
	}
	c, err := env.ParseAsWithOptions[Config](env.Options{Environment: vars})
	if err != nil {
		return Config{}, fmt.Errorf("configuration: %w", err)
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("ADDR %q: want host:port, e.g. 127.0.0.1:8080 or :8080", c.Addr))
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, errors.New("DATABASE_URL: want postgres://user:password@host:5432/dbname"))
	}
	if c.DatabaseMaxConn < 2 || c.DatabaseMaxConn > 500 {
		errs = append(errs, fmt.Errorf("DATABASE_MAX_CONNS %d: want 2 to 500", c.DatabaseMaxConn))
	}
	switch c.LogFormat {
	case "auto", "json", "text":
	default:
		errs = append(errs, fmt.Errorf("LOG_FORMAT %q: want auto, json or text", c.LogFormat))
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel))
	}
	for name, d := range map[string]time.Duration{"SESSION_IDLE_TIMEOUT": c.SessionIdle, "SESSION_LIFETIME": c.SessionLifetime,
		"REQUEST_TIMEOUT": c.RequestTimeout, "SHUTDOWN_TIMEOUT": c.ShutdownTimeout} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive", name))
		}
	}
	if c.SessionIdle > c.SessionLifetime {
		errs = append(errs, errors.New("SESSION_IDLE_TIMEOUT must not exceed SESSION_LIFETIME"))
	}
	for _, p := range c.TrustedProxies {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				errs = append(errs, fmt.Errorf("TRUSTED_PROXIES %q: want an IP address or CIDR", p))
				continue
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.Proxies = append(c.Proxies, prefix)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.TrimSuffix(u.Path, "/") != "" {
		errs = append(errs, fmt.Errorf("BASE_URL %q: want the app's address, e.g. https://procure.example.com", c.BaseURL))
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if c.ScheduleInterval < 0 {
		errs = append(errs, errors.New("SCHEDULE_INTERVAL must not be negative (0 turns the scheduled job off)"))
	}
	if c.CandidateWarmInterval < 0 {
		errs = append(errs, errors.New("CANDIDATE_WARM_INTERVAL must not be negative (0 turns the warm-up off)"))
	}
	if c.SMTPHost != "" {
		if c.SMTPFrom == "" {
			errs = append(errs, errors.New("SMTP_FROM is required when SMTP_HOST is set, e.g. procure@example.com"))
		}
		if c.SMTPPort < 1 || c.SMTPPort > 65535 {
			errs = append(errs, fmt.Errorf("SMTP_PORT %d: want 1 to 65535", c.SMTPPort))
		}
		switch c.SMTPTLS {
		case "starttls", "tls", "none":
		default:
			errs = append(errs, fmt.Errorf("SMTP_TLS %q: want starttls, tls or none", c.SMTPTLS))
		}
		if c.OutboxInterval <= 0 {
			errs = append(errs, errors.New("OUTBOX_INTERVAL must be positive"))
		}
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		errs = append(errs, fmt.Errorf("TIME_ZONE %q: %v", c.TimeZone, err))
	}
	c.Location = loc
	return errors.Join(errs...)
}

// Redacted is the config for printing, with the database password hidden.
func (c Config) Redacted() Config {
	if u, err := url.Parse(c.DatabaseURL); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			c.DatabaseURL = u.String()
		}
	}
	if c.SMTPPassword != "" {
		c.SMTPPassword = "xxxxx"
	}
	return c
}

// fromFile sets vars[name] from the file NAME_FILE names, unless name is
// set itself.
func fromFile(vars map[string]string, name string) error {
	path := vars[name+"_FILE"]
	if vars[name] != "" || path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("configuration: %s_FILE: %w", name, err)
	}
	vars[name] = strings.TrimSpace(string(b))
	return nil
}
