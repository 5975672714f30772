package procure

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/pricing"
)

// HelpPage is a page of the help portal, written by procurement in Markdown.
type HelpPage struct {
	ID        int64
	Slug      string
	Topic     string
	Title     string
	Body      string
	Version   int64
	UpdatedBy string
	UpdatedAt time.Time
}

// HelpPageInput is the page form as typed.
type HelpPageInput struct {
	Slug, Topic, Title, Body string
	Version                  int64
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks a help page.
func (in *HelpPageInput) Validate() error {
	fe := FieldErrors{}
	in.Slug, in.Topic, in.Title = strings.ToLower(strings.TrimSpace(in.Slug)), strings.TrimSpace(in.Topic), strings.TrimSpace(in.Title)
	in.Body = strings.ReplaceAll(in.Body, "\r\n", "\n")
	if !slugRe.MatchString(in.Slug) || len(in.Slug) > 80 {
		fe.Add("slug", "Use lower-case letters, digits and dashes, like how-to-order.")
	} else if in.Slug == "requests" || in.Slug == "pages" {
		fe.Add("slug", "That address is taken by the help centre itself; choose another.")
	}
	if n := utf8.RuneCountInString(in.Topic); n == 0 || n > 80 {
		fe.Add("topic", "Give the topic (at most 80 characters).")
	}
	if n := utf8.RuneCountInString(in.Title); n == 0 || n > 200 {
		fe.Add("title", "Give the title (at most 200 characters).")
	}
	if strings.TrimSpace(in.Body) == "" || len(in.Body) > 50000 {
		fe.Add("body", "Write the page (at most 50,000 characters).")
	}
	return fe.Err()
}

// HelpStatus is where a help request is.
type HelpStatus string

// Help request statuses: open (waiting for procurement), answered (waiting
// for the asker), resolved.
const (
	HelpOpen     HelpStatus = "open"
	HelpAnswered HelpStatus = "answered"
	HelpResolved HelpStatus = "resolved"
)

// HelpRequest is a question or problem someone put to procurement.
type HelpRequest struct {
	ID              int64
	UserID          int64
	UserName        string
	Subject         string
	Link            string
	Status          HelpStatus
	AssigneeID      int64
	AssigneeName    string
	CreatedAt       time.Time
	FirstResponseAt *time.Time
	ResolvedAt      *time.Time
	Version         int64
	Messages        []HelpMessage
	Replies         int
}

// FirstResponse is how long the asker waited for procurement's first reply.
func (r HelpRequest) FirstResponse() (time.Duration, bool) {
	if r.FirstResponseAt == nil {
		return 0, false
	}
	return r.FirstResponseAt.Sub(r.CreatedAt), true
}

// Resolution is how long the request took to resolve.
func (r HelpRequest) Resolution() (time.Duration, bool) {
	if r.ResolvedAt == nil {
		return 0, false
	}
	return r.ResolvedAt.Sub(r.CreatedAt), true
}

// HelpMessage is one message of a help request's thread.
type HelpMessage struct {
	ID        int64
	UserID    int64
	UserName  string
	FromStaff bool // written by procurement
	Body      string
	CreatedAt time.Time
}

// HelpRequestInput is the "ask procurement" form as typed.
type HelpRequestInput struct {
	Subject, Text, Link string
}

var helpLinkRe = regexp.MustCompile(`^/(requests|pos|invoices|contracts)/[0-9]+$`)

// Validate checks a help request; Link, if given, must be a path to a
// request, PO, invoice or contract of this app.
func (in *HelpRequestInput) Validate() error {
	fe := FieldErrors{}
	in.Subject, in.Text, in.Link = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Text), strings.TrimSpace(in.Link)
	if n := utf8.RuneCountInString(in.Subject); n == 0 || n > 200 {
		fe.Add("subject", "Give a subject (at most 200 characters).")
	}
	if n := utf8.RuneCountInString(in.Text); n == 0 || n > 10000 {
		fe.Add("text", "Describe your question or problem (at most 10,000 characters).")
	}
	if in.Link != "" && !helpLinkRe.MatchString(in.Link) {
		fe.Add("link", "Paste the path of a request, PO, invoice or contract, like /pos/12.")
	}
	return fe.Err()
}

// CheckMessage validates a reply.
func CheckMessage(text string) (string, error) {
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n == 0 || n > 10000 {
		return "", &Error{Kind: KindInvalid, Message: "Write a reply (at most 10,000 characters).", Fields: map[string]string{"text": "Write a reply (at most 10,000 characters)."}}
	}
	return text, nil
}

// Announcement is news from procurement on everyone's home page.
type Announcement struct {
	ID        int64
	Title     string
	Body      string
	CreatedBy string
	CreatedAt time.Time
	EndsOn    *time.Time
}

// AnnouncementInput is the announcement form as typed.
type AnnouncementInput struct {
	Title, Body, EndsOn string
}

// Parse checks the announcement: a title, a text, and an optional last day
// that is not in the past.
func (in AnnouncementInput) Parse(today pricing.Date) (title, body string, endsOn *time.Time, err error) {
	fe := FieldErrors{}
	title, body = strings.TrimSpace(in.Title), strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if n := utf8.RuneCountInString(title); n == 0 || n > 200 {
		fe.Add("title", "Give a title (at most 200 characters).")
	}
	if n := utf8.RuneCountInString(body); n == 0 || n > 5000 {
		fe.Add("body", "Write the announcement (at most 5,000 characters).")
	}
	if s := strings.TrimSpace(in.EndsOn); s != "" {
		d, derr := pricing.ParseDate(s)
		switch {
		case derr != nil:
			fe.Add("ends_on", "Enter the last day as YYYY-MM-DD, or leave it empty.")
		case d < today:
			fe.Add("ends_on", "The last day is in the past.")
		default:
			t := d.Time()
			endsOn = &t
		}
	}
	return title, body, endsOn, fe.Err()
}
