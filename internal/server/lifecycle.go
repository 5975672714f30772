package server

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/procure-app/procure/internal/procure"
	"github.com/procure-app/procure/web/contracts"
)

// renewContract drafts a contract's successor and opens it.
func (s *Server) renewContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	newID, err := s.Store.RenewContract(r.Context(), currentUser(r).ID, id)
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Renewal drafted from the old contract's terms and the prices in force on its last day. Review it, then activate it.")
	redirect(w, r, "/contracts/"+strconv.FormatInt(newID, 10))
	return nil
}

func (s *Server) addMilestone(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := procure.MilestoneInput{Due: f.str("due"), Description: f.str("description"), OwnerID: f.int("owner_id", 0)}
	v, err := in.Parse()
	if err == nil && len(f.Errors) > 0 {
		err = f.Errors.Err()
	}
	if err == nil {
		_, err = s.Store.AddMilestone(r.Context(), currentUser(r).ID, id, v)
	}
	if procure.KindOf(err) == procure.KindInvalid {
		p, perr := s.contractPage(r, id)
		if perr != nil {
			return perr
		}
		p.Milestone = contracts.MilestoneFormProps{Input: in, Errors: procure.FieldsOf(err)}
		return render(w, r, http.StatusUnprocessableEntity, contracts.ShowPage(p))
	}
	if err != nil {
		return err
	}
	s.flash(r, "ok", "Milestone added; its owner is notified when it falls due.")
	redirect(w, r, fmt.Sprintf("/contracts/%d#milestones", id))
	return nil
}

func (s *Server) completeMilestone(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	mid, err := pathID(r, "milestoneID")
	if err != nil {
		return err
	}
	if err := s.Store.CompleteMilestone(r.Context(), currentUser(r).ID, id, mid); err != nil {
		return err
	}
	s.flash(r, "ok", "Milestone marked done.")
	redirect(w, r, fmt.Sprintf("/contracts/%d#milestones", id))
	return nil
}

// uploadDocument attaches a PDF or image to a contract. The type comes from
// the file's bytes, never from the browser's claim.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	fail := func(status int, msg string) error {
		p, err := s.contractPage(r, id)
		if err != nil {
			return err
		}
		p.DocError = msg
		return render(w, r, status, contracts.ShowPage(p))
	}
	up, err := readUpload(r, procure.MaxDocumentBytes, "a file")
	if err != nil {
		return err
	}
	if up.Status != 0 {
		return fail(up.Status, up.Message)
	}
	ct, name, err := procure.CheckDocument(up.Filename, up.Data)
	if err != nil {
		return fail(http.StatusUnprocessableEntity, procure.MessageOf(err))
	}
	if _, err := s.Store.AddDocument(r.Context(), currentUser(r).ID, id, name, ct, up.Data); err != nil {
		return err
	}
	s.flash(r, "ok", name+" attached.")
	redirect(w, r, fmt.Sprintf("/contracts/%d#documents", id))
	return nil
}

// downloadDocument serves a contract's file to those who may read the
// contract, as a download with the type checked at upload, never sniffed.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contractID")
	if err != nil {
		return err
	}
	did, err := pathID(r, "documentID")
	if err != nil {
		return err
	}
	d, data, err := s.Store.Document(r.Context(), id, did)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disposition == "" { // a name mime cannot encode: still a download, never inline
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, err = w.Write(data)
	return err
}
