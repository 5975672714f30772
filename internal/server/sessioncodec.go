package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores session data as a small JSON object. The session
// holds only int64 and string values (the user id, generation, last-seen
// second and the flash message); scs's default gob codec compiled a
// decoder for every request, a few percent of a catalogue view's CPU.
// Data written by the gob codec (sessions from before) still decodes.
type sessionCodec struct{}

type sessionData struct {
	Deadline time.Time         `json:"d"`
	Ints     map[string]int64  `json:"i,omitempty"`
	Strings  map[string]string `json:"s,omitempty"`
}

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	d := sessionData{Deadline: deadline}
	for k, v := range values {
		switch v := v.(type) {
		case int64:
			if d.Ints == nil {
				d.Ints = map[string]int64{}
			}
			d.Ints[k] = v
		case string:
			if d.Strings == nil {
				d.Strings = map[string]string{}
			}
			d.Strings[k] = v
		default:
			return nil, fmt.Errorf("session: value %q of type %T: only int64 and string are stored", k, v)
		}
	}
	return json.Marshal(d)
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if !bytes.HasPrefix(b, []byte("{")) {
		return scs.GobCodec{}.Decode(b)
	}
	var d sessionData
	if err := json.Unmarshal(b, &d); err != nil {
		return time.Time{}, nil, fmt.Errorf("session: %w", err)
	}
	values := make(map[string]any, len(d.Ints)+len(d.Strings))
	for k, v := range d.Ints {
		values[k] = v
	}
	for k, v := range d.Strings {
		values[k] = v
	}
	return d.Deadline, values, nil
}
