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
