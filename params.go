package cryptopay

import (
	"net/url"
	"strings"
)

// pathSegment checks a value that goes into a URL path and returns it
// escaped. Values that would change the URL's shape are rejected.
func pathSegment(field, value string) (string, error) {
	switch {
	case value == "":
		return "", invalid(field, "is required")
	case value == "." || value == "..":
		return "", invalid(field, "%q is not allowed in a path", value)
	case strings.ContainsAny(value, "/?#\\%") || hasControl(value):
		return "", invalid(field, "must not contain '/', '?', '#', '\\\\', '%%' or control characters")
	}
	return url.PathEscape(value), nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// required returns an ErrInvalidParams error naming field when value is empty.
func required(field, value string) error {
	if value == "" {
		return invalid(field, "is required")
	}
	return nil
}

// newEndpoint declares a call of method on route, a path template whose
// {name} parts are filled, in order, with args (one each): every argument
// is checked as a path segment, named after its part (see pathSegment),
// and escaped. A bad argument is recorded in the endpoint, so nothing is
// sent.
func newEndpoint(method, route string, args ...string) endpoint {
	ep := endpoint{method: method, route: route}
	path := make([]byte, 0, len(route)+48)
	rest := route
	for _, arg := range args {
		open, end := strings.IndexByte(rest, '{'), strings.IndexByte(rest, '}')
		seg, err := pathSegment(rest[open+1:end], arg)
		ep.check(err)
		path = append(append(path, rest[:open]...), seg...)
		rest = rest[end+1:]
	}
	ep.path = string(append(path, rest...))
	return ep
}
