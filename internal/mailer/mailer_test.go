package mailer_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/procure-app/procure/internal/mailer"
	"github.com/procure-app/procure/internal/pgtest"
	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/internal/store"
	"github.com/procure-app/procure/internal/testkit"
)

// sink is a small SMTP server on loopback. It refuses the first failFirst
// transactions with a temporary error (451) and records every message it
// accepts, by subject.
type sink struct {
	ln        net.Listener
	failFirst int64
	failAll   bool
	tries     atomic.Int64
	mu        sync.Mutex
	got       map[string]int // subject → deliveries
	bodies    []string
}

func startSink(t *testing.T, failFirst int64, failAll bool) *sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{ln: ln, failFirst: failFirst, failAll: failAll, got: map[string]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *sink) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *sink) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	_ = tp.PrintfLine("220 sink ready")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.Fields(line + " x")[0])
		switch cmd {
		case "EHLO", "HELO":
			_ = tp.PrintfLine("250-sink\r\n250 8BITMIME")
		case "MAIL":
			n := s.tries.Add(1)
			if s.failAll || n <= s.failFirst {
				_ = tp.PrintfLine("451 4.3.0 try again later")
				continue
			}
			_ = tp.PrintfLine("250 ok")
		case "RCPT", "RSET", "NOOP":
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go ahead")
			data, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			msg := string(data)
			subject := ""
			sc := bufio.NewScanner(strings.NewReader(msg))
			for sc.Scan() {
				if after, ok := strings.CutPrefix(sc.Text(), "Subject: "); ok {
					subject = after
					break
				}
			}
			s.mu.Lock()
			s.got[subject]++
			s.bodies = append(s.bodies, msg)
			s.mu.Unlock()
			_ = tp.PrintfLine("250 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("502 not implemented")
		}
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// queue records n notifications with email for one user, each with its own title.
func queue(t *testing.T, st *store.Store, userID int64, n int, kind procure.NotificationKind) {
	t.Helper()
	err := st.InTx(t.Context(), func(tx *store.Tx) error {
		for i := range n {
			if err := tx.Notify(t.Context(), []int64{userID}, procure.NewNotification{Kind: kind, Title: fmt.Sprintf("Event %03d", i),
				Body: "Details", Link: fmt.Sprintf("/pos/%d", i+1), DedupeKey: fmt.Sprintf("test:%d", i)}, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func worker(st *store.Store, s *sink) *mailer.Worker {
	smtp, err := mailer.NewSMTP(mailer.SMTPConfig{Host: "127.0.0.1", Port: s.port(), From: "procure@example.test", TLS: "none", Timeout: 5 * time.Second})
	if err != nil {
		panic(err)
	}
	return &mailer.Worker{Store: st, Sender: smtp, Log: quietLog(), BaseURL: "https://procure.example.test", Batch: 4,
		Lease: 30 * time.Second, MaxAttempts: 5, Backoff: func(int) time.Duration { return 0 }}
}

// TestOutboxIsRetriedNotLostNotDuplicated: 30 emails, an SMTP server that
// refuses the first 7 tries, two workers (two app instances) draining the
// outbox at once: every email arrives exactly once.
func TestOutboxIsRetriedNotLostNotDuplicated(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	u := testkit.MustUser(t, st, "finance@example.test", testkit.Roles(procure.RoleFinance))
	queue(t, st, u.ID, 30, procure.NotifyInvoiceException)
	s := startSink(t, 7, false)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for range 2 {
		w := worker(st, s)
		wg.Go(func() {
			for ctx.Err() == nil {
				if _, _, err := w.RunOnce(ctx); err != nil {
					t.Error(err)
					return
				}
				pending, _, _, err := st.OutboxCounts(ctx)
				if err != nil || pending == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	pending, sent, failed, err := st.OutboxCounts(t.Context())
	if err != nil || pending != 0 || sent != 30 || failed != 0 {
		t.Fatalf("outbox pending %d sent %d failed %d (%v)", pending, sent, failed, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) != 30 {
		t.Errorf("%d distinct emails arrived, want 30", len(s.got))
	}
	for subj, n := range s.got {
		if n != 1 {
			t.Errorf("%q arrived %d times", subj, n)
		}
	}
	if s.tries.Load() < 37 {
		t.Errorf("only %d SMTP transactions: the refused ones were not retried", s.tries.Load())
	}
	if !strings.Contains(s.bodies[0], "https://procure.example.test/pos/") {
		t.Errorf("the link has no base URL:\n%s", s.bodies[0])
	}
}

// TestOutboxGivesUpButKeepsTheNotification: a server that always refuses;
// after the last attempt the email is marked failed, and the in-app
// notification is still there.
func TestOutboxGivesUpButKeepsTheNotification(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	u := testkit.MustUser(t, st, "finance@example.test", testkit.Roles(procure.RoleFinance))
	queue(t, st, u.ID, 1, procure.NotifyInvoiceException)
	s := startSink(t, 0, true)
	w := worker(st, s)
	w.MaxAttempts = 3
	for range 5 {
		if _, _, err := w.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	pending, sent, failed, _ := st.OutboxCounts(t.Context())
	if pending != 0 || sent != 0 || failed != 1 || s.tries.Load() != 3 {
		t.Fatalf("pending %d sent %d failed %d tries %d", pending, sent, failed, s.tries.Load())
	}
	list, err := st.Notifications(t.Context(), u.ID, 0, 10)
	if err != nil || len(list) != 1 || list[0].ReadAt != nil {
		t.Fatalf("notification lost: %+v %v", list, err)
	}
}

// TestEmailPreferencesAndDedupe: a kind switched off gets no email but
// still a notification; the same event twice is recorded once.
func TestEmailPreferencesAndDedupe(t *testing.T) {
	t.Parallel()
	st := store.New(pgtest.Pool(t))
	u := testkit.MustUser(t, st, "finance@example.test", testkit.Roles(procure.RoleFinance))
	prefs, _ := st.EmailPrefs(t.Context(), u.ID)
	prefs[procure.NotifyInvoiceException] = false
	if err := st.SetEmailPrefs(t.Context(), u.ID, prefs); err != nil {
		t.Fatal(err)
	}
	queue(t, st, u.ID, 2, procure.NotifyInvoiceException)
	queue(t, st, u.ID, 2, procure.NotifyInvoiceException) // the same events again
	queue(t, st, u.ID, 1, procure.NotifyHelpReply)        // dedupe key test:0 again: also nothing new
	pending, _, _, _ := st.OutboxCounts(t.Context())
	list, _ := st.Notifications(t.Context(), u.ID, 0, 10)
	if pending != 0 || len(list) != 2 {
		t.Fatalf("pending emails %d, notifications %d", pending, len(list))
	}
	if n, _ := st.UnreadCount(t.Context(), u.ID); n != 2 {
		t.Errorf("unread %d", n)
	}
	other := testkit.MustUser(t, st, "other@example.test", testkit.Roles(procure.RoleFinance))
	if _, err := st.MarkRead(t.Context(), other.ID, list[0].ID); procure.KindOf(err) != procure.KindNotFound {
		t.Errorf("another user's notification marked read: %v", err)
	}
	if _, err := st.MarkRead(t.Context(), u.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.UnreadCount(t.Context(), u.ID); n != 1 {
		t.Errorf("unread after reading one: %d", n)
	}
}
