package procure

import (
	"fmt"
	"slices"
	"time"
)

// NotificationKind is the type of event a notification tells about; users
// choose per kind whether it also comes by email.
type NotificationKind string

// The notification kinds.
const (
	NotifyOffContractWaiting NotificationKind = "offcontract.waiting" // to procurement
	NotifyOffContractDecided NotificationKind = "offcontract.decided" // to the requester
	NotifyInvoiceException   NotificationKind = "invoice.exception"   // to finance
	NotifyHelpRequest        NotificationKind = "help.request"        // a new question, to procurement
	NotifyHelpReply          NotificationKind = "help.reply"          // to the other side of the thread
	NotifyRenewalNotice      NotificationKind = "contract.renewal"    // renewal notice date reached
	NotifyContractEnding     NotificationKind = "contract.ending"     // ends within 30 days
	NotifyCapThreshold       NotificationKind = "contract.cap"        // committed passed 80 % or 100 % of cap
	NotifyMilestoneDue       NotificationKind = "contract.milestone"  // a milestone's due date
)

// NotificationKind's entry in the settings: its words, and the roles that
// receive it (nil: anyone can, e.g. a reply or a milestone they own).
type NotificationKindInfo struct {
	Kind  NotificationKind
	Label string
	For   []Role
}

// NotificationKinds lists the kinds with the words the settings page uses.
var NotificationKinds = []NotificationKindInfo{
	{NotifyOffContractWaiting, "An off-contract line is waiting for approval", []Role{RoleProcurement}},
	{NotifyOffContractDecided, "My off-contract line was approved or rejected", []Role{RoleOrderer}},
	{NotifyInvoiceException, "An invoice has exceptions", []Role{RoleFinance}},
	{NotifyHelpRequest, "A new help request arrived", []Role{RoleProcurement}},
	{NotifyHelpReply, "A reply on a help request", nil},
	{NotifyRenewalNotice, "A contract reached its renewal-notice date", nil},
	{NotifyContractEnding, "A contract ends within 30 days", nil},
	{NotifyCapThreshold, "A contract's committed spend passed 80 % or 100 % of its cap", nil},
	{NotifyMilestoneDue, "A contract milestone I own is due", nil},
}

// NotificationKindsFor is the kinds a person holding roles can receive.
// Contract events go to procurement and to each contract's owner, who may
// hold any role, so they are listed for everyone.
func NotificationKindsFor(roles []Role) []NotificationKindInfo {
	var out []NotificationKindInfo
	for _, k := range NotificationKinds {
		if k.For == nil || slices.ContainsFunc(k.For, func(r Role) bool { return slices.Contains(roles, r) }) {
			out = append(out, k)
		}
	}
	return out
}

// Notification is one in-app notification.
type Notification struct {
	ID        int64
	Kind      NotificationKind
	Title     string
	Body      string
	Link      string // a path inside the app, or ""
	CreatedAt time.Time
	ReadAt    *time.Time
}

// NewNotification is an event to tell people about. DedupeKey names the
// event: the same key for the same person is recorded once, however often
// the event is produced (retries, several instances of the scheduled job).
type NewNotification struct {
	At        time.Time // when it happened (the zero time: now, by the database's clock)
	Kind      NotificationKind
	Title     string
	Body      string
	Link      string
	DedupeKey string
}

// RequestWaitingKey names the event "a request's lines wait for
// procurement"; its notification is settled (marked read for everyone)
// once none of them waits.
func RequestWaitingKey(requestID int64) string { return fmt.Sprintf("request:%d:waiting", requestID) }

// InvoiceExceptionKey names the event "an invoice has lines in
// exception"; its notification is settled once the invoice is accepted or
// disputed.
func InvoiceExceptionKey(invoiceID int64) string {
	return fmt.Sprintf("invoice:%d:exception", invoiceID)
}

// OutboxMail is an email claimed for sending.
type OutboxMail struct {
	ID       int64
	To       string
	Subject  string
	Body     string
	Attempts int
}
