package cryptopay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

var errTooLarge = fmt.Errorf("response larger than %d bytes", maxResponseBody)

// readCapped reads resp's body if it holds at most limit bytes, and fails
// with errTooLarge as soon as it is known to hold more: at once when
// Content-Length says so, else after limit+1 bytes. The buffer starts at
// Content-Length (or 4 KiB) and doubles, never past limit+1 bytes.
func readCapped(resp *http.Response, limit int) ([]byte, error) {
	if resp.ContentLength > int64(limit) {
		return nil, errTooLarge
	}
	size := min(4<<10, limit+1)
	if resp.ContentLength >= 0 {
		size = int(resp.ContentLength) + 1 // +1: room to read EOF
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*cap(buf), limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > limit {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// decode turns a 2xx body to the call of ep into out, in one pass, taking the
// result from where ep.envelope says. An empty or null body is an error, and so is a
// JSON object that carries an error instead of a result ("message",
// "error" or "errors", and nothing else but "code"): that becomes an
// *APIError with the 2xx status. With inData, an object without "data"
// (or with "data": null) is an error; an answer that is not an object (a
// bare list) is the result itself.
func decode(ep *endpoint, c *callState, status int, data []byte, out any) error {
	if trimmed := bytes.TrimSpace(data); out != nil && (len(trimmed) == 0 || string(trimmed) == "null") {
		return fmt.Errorf("cryptopay: %s %s: empty response body (status %d)", ep.method, ep.path, status)
	}
	if mayBeErrorOnly(data) {
		var top map[string]json.RawMessage
		if json.Unmarshal(data, &top) == nil && errorOnly(top) {
			return c.apiError(ep, status, data)
		}
	}
	if out == nil {
		return nil
	}
	var err error
	if ep.envelope == bare || !isObject(data) {
		err = json.Unmarshal(data, out)
	} else {
		// One pass, the "data" member decoded straight into out.
		env := struct {
			// encoding/json matches names regardless of case, giving a
			// key to the first field whose name so matches: Other takes
			// "Data", "DATA" and every other casing of the provider's
			// "data".
			Other any `json:"DATA"`
			Data  any `json:"data"`
		}{Data: out}
		err = json.Unmarshal(data, &env)
		switch {
		case err != nil || hasData(data):
		case ep.envelope == inData:
			return fmt.Errorf("cryptopay: %s %s: response has no \"data\"", ep.method, ep.path)
		default:
			err = json.Unmarshal(data, out)
		}
	}
	if err != nil {
		return fmt.Errorf("cryptopay: %s %s: decoding response: %w", ep.method, ep.path, err)
	}
	return nil
}

// hasData reports whether obj, a valid JSON object, has a member named
// "data" (exactly) that is not null; of several, the last counts, as for
// encoding/json (FuzzHasData checks it against a decode into a map). It
// walks the object's bytes without decoding them.
//
// What it buys: the "data" member is decoded once, straight into the
// result. Finding it by decoding into a map instead costs AlphaPo calls
// 18 % of their time in memory and 3.5 % over loopback (TakeAddress,
// paired; see bench/README.md).
func hasData(obj []byte) bool {
	found := false
	i := bytes.IndexByte(obj, '{') + 1
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return found // the closing brace
		}
		keyEnd := valueEnd(obj, i)
		value := skipSpace(obj, skipSpace(obj, keyEnd)+1) // past the colon
		if value >= len(obj) {
			return found
		}
		if isDataKey(obj[i:keyEnd]) {
			found = obj[value] != 'n'
		}
		i = skipSpace(obj, valueEnd(obj, value))
		if i < len(obj) && obj[i] == ',' {
			i++
		}
	}
}

// isDataKey reports whether key, a JSON string, is "data".
func isDataKey(key []byte) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key) == `"data"`
	}
	var name string
	return json.Unmarshal(key, &name) == nil && name == "data"
}

// valueEnd returns the index just past the valid JSON value starting at
// data[i].
func valueEnd(data []byte, i int) int {
	if i < len(data) && data[i] != '"' && data[i] != '{' && data[i] != '[' {
		for i < len(data) && strings.IndexByte(",}] \t\r\n", data[i]) < 0 {
			i++ // a number, true, false or null
		}
		return i
	}
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		default:
			continue
		}
		if depth == 0 {
			return i + 1
		}
	}
	return i
}

// skipSpace returns the index of the first byte from data[i] on that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) && strings.IndexByte(jsonSpace, data[i]) >= 0 {
		i++
	}
	return i
}

// jsonSpace is the white space JSON allows between tokens.
const jsonSpace = " \t\r\n"

// isObject reports whether data starts like a JSON object.
func isObject(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, jsonSpace), []byte("{"))
}

// mayBeErrorOnly is false for a body that errorOnly surely rejects: one
// that is not an object, or whose first member has a plain name other than
// the error keys (as every result has).
func mayBeErrorOnly(data []byte) bool {
	rest, isObj := bytes.CutPrefix(bytes.TrimLeft(data, jsonSpace), []byte("{"))
	if !isObj {
		return false
	}
	rest, isName := bytes.CutPrefix(bytes.TrimLeft(rest, jsonSpace), []byte(`"`))
	name, _, closed := bytes.Cut(rest, []byte(`"`))
	if !isName || !closed || bytes.IndexByte(name, '\\') >= 0 {
		return true // "{}", an escaped name or bad JSON: the full parse decides
	}
	switch string(name) {
	case "message", "error", "errors", "code":
		return true
	}
	return false
}

// errorOnly reports whether a 2xx answer holds an error instead of a
// result: nothing but the keys providers use for errors (message, error,
// errors, code), with one of message, error and errors set. A result that
// merely has an "error" field among others (an AlphaPo transaction) is not
// one.
func errorOnly(top map[string]json.RawMessage) bool {
	set := false
	for k, v := range top {
		switch k {
		case "message", "error", "errors":
			set = set || (string(v) != "null" && string(v) != `""`)
		case "code":
		default:
			return false
		}
	}
	return set
}
