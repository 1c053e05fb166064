package account

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionCodec encodes session data for the sessions table. The platform's sessions hold
// only strings and 64-bit integers (an account id, an anti-forgery token, a flash message, a
// time of use), and this plain binary form decodes several times faster than scs's default,
// encoding/gob, which rebuilds its type descriptions for every session it reads — once per
// request. Data written by the gob codec (sessions of an earlier version) still decodes.
//
// Format: the magic "bcs1", the deadline in Unix nanoseconds (varint), the number of values
// (uvarint), then for each: key (uvarint length + bytes), a type byte ('i' or 's') and the
// value (varint, or uvarint length + bytes).
type SessionCodec struct{}

var _ scs.Codec = SessionCodec{}

const sessionMagic = "bcs1"

// maxSessionValues bounds what Decode accepts (a session holds a handful of values).
const maxSessionValues = 64

// Encode implements scs.Codec. A value of another type than string or int64 is an error:
// the codec would not give it back as it was.
func (SessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, sessionMagic...)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		switch v := v.(type) {
		case int64:
			b = append(b, 'i')
			b = binary.AppendVarint(b, v)
		case string:
			b = append(b, 's')
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		default:
			return nil, fmt.Errorf("session value %q: type %T is not stored (only string and int64)", k, v)
		}
	}
	return b, nil
}

var errBadSession = errors.New("malformed session data")

// Decode implements scs.Codec.
func (SessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) < len(sessionMagic) || string(b[:len(sessionMagic)]) != sessionMagic {
		return scs.GobCodec{}.Decode(b)
	}
	r := sessionReader{b: b[len(sessionMagic):]}
	deadline := r.varint()
	n := r.uvarint()
	if r.err != nil || n > maxSessionValues {
		return time.Time{}, nil, errBadSession
	}
	values := make(map[string]any, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		k := string(r.bytes())
		switch r.byte() {
		case 'i':
			values[k] = r.varint()
		case 's':
			values[k] = string(r.bytes())
		default:
			r.err = errBadSession
		}
	}
	if r.err != nil || len(r.b) != 0 {
		return time.Time{}, nil, errBadSession
	}
	return time.Unix(0, deadline), values, nil
}

// sessionReader reads the fields of an encoded session; the first error sticks.
type sessionReader struct {
	b   []byte
	err error
}

func (r *sessionReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errBadSession
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadSession
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errBadSession
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *sessionReader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errBadSession
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
