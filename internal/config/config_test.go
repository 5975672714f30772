package config_test

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/config"
)

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	c, err := config.Parse([]string{"DATABASE_URL=postgres://u:secret@db:5432/procure"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.SessionIdle != 30*time.Minute || c.SessionLifetime != 12*time.Hour ||
		!c.RunMigrations || c.CookieSecure || c.Location.String() != "UTC" || c.DatabaseMaxConn != 12 {
		t.Errorf("defaults: %+v", c)
	}
	if strings.Contains(c.Redacted().DatabaseURL, "secret") {
		t.Error("Redacted shows the password")
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := config.Parse([]string{
		"DATABASE_URL=mysql://x", "ADDR=nonsense", "LOG_FORMAT=xml", "SESSION_IDLE_TIMEOUT=48h", "TRUSTED_PROXIES=10.0.0.0/8,bogus",
	})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"DATABASE_URL", "ADDR", "LOG_FORMAT", "SESSION_IDLE_TIMEOUT", "TRUSTED_PROXIES \"bogus\""} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
	if _, err := config.Parse([]string{"SESSION_IDLE_TIMEOUT=abc"}); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("missing DATABASE_URL and bad duration: %v", err)
	}
}

func TestDatabaseURLFromFile(t *testing.T) {
	t.Parallel()
	f := filepath.Join(t.TempDir(), "url")
	if err := os.WriteFile(f, []byte("postgres://u@h/db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse([]string{"DATABASE_URL_FILE=" + f})
	if err != nil || c.DatabaseURL != "postgres://u@h/db" {
		t.Errorf("got %q, %v", c.DatabaseURL, err)
	}
}

func TestEmailAndScheduleSettings(t *testing.T) {
	t.Parallel()
	base := "DATABASE_URL=postgres://u@h/db"
	c, err := config.Parse([]string{base})
	if err != nil || c.SMTPHost != "" || c.ScheduleInterval != 15*time.Minute || c.CandidateWarmInterval != 10*time.Second || c.BaseURL != "http://localhost:8080" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	f := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(f, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = config.Parse([]string{base, "SMTP_HOST=mail.example.com", "SMTP_FROM=procure@example.com", "SMTP_USERNAME=procure",
		"SMTP_PASSWORD_FILE=" + f, "BASE_URL=https://procure.example.com/"})
	if err != nil || c.SMTPPassword != "s3cret" || c.SMTPPort != 587 || c.SMTPTLS != "starttls" || c.BaseURL != "https://procure.example.com" {
		t.Fatalf("smtp: %+v %v", c, err)
	}
	if c.Redacted().SMTPPassword == "s3cret" {
		t.Error("Redacted shows the SMTP password")
	}
	_, err = config.Parse([]string{base, "SMTP_HOST=mail.example.com", "SMTP_PORT=0", "SMTP_TLS=maybe", "BASE_URL=procure.example.com",
		"SCHEDULE_INTERVAL=-1m", "CANDIDATE_WARM_INTERVAL=-1s"})
	for _, want := range []string{"SMTP_FROM", "SMTP_PORT", "SMTP_TLS", "BASE_URL", "SCHEDULE_INTERVAL", "CANDIDATE_WARM_INTERVAL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestTuneGCLeavesEnvironmentSettingsAlone(t *testing.T) {
	// Runtime state: restored after; not parallel.
	prevPct, prevLim := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(prevPct); debug.SetMemoryLimit(prevLim) })
	for _, tc := range []struct {
		env     []string
		wantPct int
		wantLim int64
	}{
		{env: nil, wantPct: config.DefaultGCPercent, wantLim: config.DefaultMemLimit},
		{env: []string{"GOGC=50"}, wantPct: 100, wantLim: config.DefaultMemLimit},
		{env: []string{"GOMEMLIMIT=2GiB", "GOGC=off"}, wantPct: 100, wantLim: math.MaxInt64},
	} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		config.TuneGC(tc.env)
		if got := debug.SetGCPercent(100); got != tc.wantPct {
			t.Errorf("%v: GC percent %d, want %d", tc.env, got, tc.wantPct)
		}
		if got := debug.SetMemoryLimit(-1); got != tc.wantLim {
			t.Errorf("%v: memory limit %d, want %d", tc.env, got, tc.wantLim)
		}
	}
}
