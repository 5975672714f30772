package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// upload is the file of a multipart form's "file" field, or why it was
// refused: Status and Message for the form page (413 when too large, 422
// when missing).
type upload struct {
	Data     []byte
	Filename string
	Status   int
	Message  string
}

// readUpload reads the "file" field of a multipart form, at most max bytes
// (the route's body limit stops a larger request earlier). The returned
// error is for failures that are not the person's; a refused upload comes
// back as Status and Message. The caller keeps r.MultipartForm's other
// fields; its temporary files are removed before returning.
func readUpload(r *http.Request, max int, want string) (upload, error) {
	tooBig := upload{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("The file is larger than %d MB.", max>>20)}
	missing := upload{Status: http.StatusUnprocessableEntity, Message: "Choose " + want + " to upload."}
	if err := r.ParseMultipartForm(2 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return tooBig, nil
		}
		return missing, nil
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, header, err := r.FormFile("file")
	if err != nil {
		return missing, nil
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, int64(max)+1))
	if err != nil {
		return upload{}, err
	}
	if len(data) > max {
		return tooBig, nil
	}
	return upload{Data: data, Filename: header.Filename}, nil
}
