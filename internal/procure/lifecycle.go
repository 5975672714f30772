package procure

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procure-app/procure/internal/pricing"
)

// Milestone is an obligation on a contract: a date, what is due, who owns it.
type Milestone struct {
	ID          int64
	ContractID  int64
	Due         pricing.Date
	Description string
	OwnerID     int64
	OwnerName   string
	DoneAt      *time.Time
	DoneBy      string
}

// MilestoneInput is the milestone form as typed.
type MilestoneInput struct {
	Due         string
	Description string
	OwnerID     int64
}

// MilestoneValues is a parsed milestone.
type MilestoneValues struct {
	Due         pricing.Date
	Description string
	OwnerID     int64
}

// Parse validates a milestone.
func (in MilestoneInput) Parse() (MilestoneValues, error) {
	fe := FieldErrors{}
	v := MilestoneValues{Description: strings.TrimSpace(in.Description), OwnerID: in.OwnerID}
	var err error
	if v.Due, err = pricing.ParseDate(strings.TrimSpace(in.Due)); err != nil {
		fe.Add("due", "Enter the due date as YYYY-MM-DD.")
	}
	if n := utf8.RuneCountInString(v.Description); n == 0 || n > 300 {
		fe.Add("description", "Say what is due (at most 300 characters).")
	}
	if in.OwnerID <= 0 {
		fe.Add("owner_id", "Choose who owns it.")
	}
	return v, fe.Err()
}

// Document is a file attached to a contract (the signed contract, annexes).
type Document struct {
	ID          int64
	ContractID  int64
	Filename    string
	ContentType string
	Size        int
	SHA256      string
	UploadedBy  string
	UploadedAt  time.Time
}

// MaxDocumentBytes bounds one document.
const MaxDocumentBytes = 10 << 20

// DocumentTypes are the content types accepted, by what the bytes are
// (sniffed), never by what the browser claims.
var DocumentTypes = map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

// CheckDocument validates an upload: size, a file name a person can read,
// and content that really is a PDF, PNG or JPEG. It returns the content
// type and a clean file name.
func CheckDocument(name string, data []byte) (contentType, filename string, err error) {
	if len(data) == 0 {
		return "", "", &Error{Kind: KindInvalid, Message: "The file is empty.", Fields: map[string]string{"file": "The file is empty."}}
	}
	if len(data) > MaxDocumentBytes {
		msg := fmt.Sprintf("The file is larger than %d MB.", MaxDocumentBytes>>20)
		return "", "", &Error{Kind: KindInvalid, Message: msg, Fields: map[string]string{"file": msg}}
	}
	ct := http.DetectContentType(data)
	ext, ok := DocumentTypes[ct]
	if !ok {
		msg := "Attach a PDF, PNG or JPEG file."
		return "", "", &Error{Kind: KindInvalid, Message: msg, Fields: map[string]string{"file": msg}}
	}
	base := filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	clean := strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f, r == '"', r == '/', r == '\\', r == ';':
			return '_'
		}
		return r
	}, base)
	clean = strings.TrimSpace(clean)
	if clean == "" || clean == "." || !utf8.ValidString(clean) {
		clean = "document"
	}
	if r := []rune(clean); len(r) > 150 {
		clean = string(r[:150])
	}
	if !strings.EqualFold(filepath.Ext(clean), ext) && !(ext == ".jpg" && strings.EqualFold(filepath.Ext(clean), ".jpeg")) {
		clean += ext
	}
	return ct, clean, nil
}
