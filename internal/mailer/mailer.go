// Package mailer sends the email outbox. Notifications write their emails
// to the outbox table in the transaction of their event; a Worker in every
// app instance claims due rows (FOR UPDATE SKIP LOCKED and a lease, so two
// instances never send the same row at once), sends them over SMTP, and
// records the result: sent, or retried later with exponential backoff, or
// after the last attempt marked failed and kept. A failed send never loses
// the notification (it is in the app regardless) and never blocks a
// request (sending happens outside every request).
//
// Delivery is at least once: an instance that dies after the SMTP server
// accepted an email but before recording it will see the row again when
// the lease runs out.
//
// Imports: store, go-mail.
package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/procure-app/procure/internal/store"
)

// Sender delivers one email.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMTPConfig is how to reach the SMTP server (from config).
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string // "starttls" (default, required), "tls" (implicit), "none" (loopback relays only)
	Timeout  time.Duration
}

// SMTP sends through an SMTP server with go-mail.
type SMTP struct {
	cfg SMTPConfig
}

// NewSMTP checks cfg and returns a sender.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" || cfg.From == "" {
		return nil, errors.New("mailer: SMTP_HOST and SMTP_FROM are required")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	switch cfg.TLS {
	case "", "starttls", "tls", "none":
	default:
		return nil, fmt.Errorf("mailer: SMTP_TLS %q: use starttls, tls or none", cfg.TLS)
	}
	return &SMTP{cfg: cfg}, nil
}

// Send delivers one plain-text email.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	m := mail.NewMsg()
	if err := m.From(s.cfg.From); err != nil {
		return fmt.Errorf("mailer: from: %w", err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("mailer: to: %w", err)
	}
	m.Subject(subject)
	m.SetDate()
	m.SetMessageID()
	m.SetBodyString(mail.TypeTextPlain, body)
	opts := []mail.Option{mail.WithTimeout(s.cfg.Timeout)}
	if s.cfg.Port != 0 {
		opts = append(opts, mail.WithPort(s.cfg.Port))
	}
	switch s.cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(s.cfg.Username), mail.WithPassword(s.cfg.Password))
	}
	c, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mailer: client: %w", err)
	}
	return c.DialAndSendWithContext(ctx, m)
}

// Worker sends the outbox.
type Worker struct {
	Store       *store.Store
	Sender      Sender
	Log         *slog.Logger
	BaseURL     string        // put in front of links in emails
	Batch       int           // emails claimed at once
	Lease       time.Duration // how long a claim keeps other workers off a row
	MaxAttempts int
	Backoff     func(attempt int) time.Duration
}

func (w *Worker) defaults() {
	if w.Batch == 0 {
		w.Batch = 20
	}
	if w.Lease == 0 {
		w.Lease = 2 * time.Minute
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 8
	}
	if w.Backoff == nil {
		w.Backoff = Backoff
	}
}

// Backoff is 30 s doubling per attempt, at most 6 h: 30 s, 1 min, 2 min…
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for range max(0, attempt-1) {
		d *= 2
		if d >= 6*time.Hour {
			return 6 * time.Hour
		}
	}
	return d
}

// RunOnce claims one batch and sends it; it returns how many were sent and
// how many failed this time.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	w.defaults()
	mails, err := w.Store.ClaimOutbox(ctx, w.Batch, w.Lease)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range mails {
		body := strings.ReplaceAll(m.Body, "{{base}}", w.BaseURL)
		sctx, cancel := context.WithTimeout(ctx, w.Lease/2)
		serr := w.Sender.Send(sctx, m.To, m.Subject, body)
		cancel()
		// The result is recorded even if ctx ends now: a sent email must be
		// marked sent.
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if serr == nil {
			err = w.Store.OutboxSent(rctx, m.ID)
			sent++
		} else {
			failed++
			giveUp := m.Attempts >= w.MaxAttempts
			w.Log.WarnContext(ctx, "email not sent", "outbox_id", m.ID, "attempt", m.Attempts, "give_up", giveUp, "err", serr)
			err = w.Store.OutboxRetry(rctx, m.ID, w.Backoff(m.Attempts), giveUp, serr.Error())
		}
		rcancel()
		if err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

// Run sends the outbox every interval until ctx ends.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			sent, failed, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.Log.WarnContext(ctx, "outbox", "err", err)
			}
			if err != nil || sent+failed < w.Batch {
				break // drained (or failing): wait for the next tick
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
