package cryptopay

import (
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// required returns an ErrInvalidParams error naming field when value is empty.
func required(field, value string) error {
	if value == "" {
		return invalid(field, "is required")
	}
	return nil
}

// optionalQuery builds a query from name, value pairs, leaving out empty values.
func optionalQuery(pairs ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	return q
}

// maxPageSize is the largest Limit the SDK sends. The reference gives no
// maximum; 1000 items keep one page far below the response size cap.
const maxPageSize = 1000

// PageParams selects one page of a list. Zero values leave the server's
// defaults (offset 0, limit 10). Limit may be at most 1000.
type PageParams struct {
	Limit  int
	Offset int
}

// Pagination is the position of a page in a list.
type Pagination struct {
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// query checks p and returns it as a query, leaving out zeros.
func (p *PageParams) query() (url.Values, error) {
	q := url.Values{}
	if p == nil {
		return q, nil
	}
	return q, addPage(q, p.Limit, p.Offset)
}

// addPage checks limit and offset and writes them into q, leaving out zeros.
func addPage(q url.Values, limit, offset int) error {
	if limit < 0 || limit > maxPageSize {
		return invalid("limit", "must be from 0 to %d, got %d", maxPageSize, limit)
	}
	if offset < 0 {
		return invalid("offset", "must not be negative, got %d", offset)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	return nil
}

// addFilter writes Apirone's q filter into q from key, value pairs:
// comma-separated key:value items, leaving out empty values. A value
// holding a comma would read as a second item, so it is an error.
func addFilter(q url.Values, pairs ...string) error {
	var items []string
	for i := 0; i+1 < len(pairs); i += 2 {
		key, value := pairs[i], pairs[i+1]
		if value == "" {
			continue
		}
		if strings.Contains(value, ",") {
			return invalid(key, "must not contain ','")
		}
		items = append(items, key+":"+value)
	}
	if len(items) > 0 {
		q.Set("q", strings.Join(items, ","))
	}
	return nil
}

// defaultPageSize is the page size iterators ask for when none is given.
const defaultPageSize = 100

// paginate yields the items of successive pages of limit items (default
// 100), starting at offset. It moves the offset on by the items received and
// stops after the last item counted by Pagination.Total, at an empty page,
// or at the first error, which it yields once. It fetches a page only when
// the loop asks for its first item.
func paginate[T any](limit, offset int, fetch func(limit, offset int) ([]T, Pagination, error)) iter.Seq2[T, error] {
	if limit == 0 {
		limit = defaultPageSize
	}
	return func(yield func(T, error) bool) {
		for offset := offset; ; {
			items, pg, err := fetch(limit, offset)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			offset += len(items)
			if len(items) == 0 || offset >= pg.Total {
				return
			}
		}
	}
}

// maxForeignID is the longest foreign_id the API takes, in characters.
const maxForeignID = 255

// checkForeignID checks a required foreign_id.
func checkForeignID(id string) error {
	return firstError(required("foreign_id", id), maxLength("foreign_id", id, maxForeignID))
}

// maxLength checks that value has at most maxChars characters.
func maxLength(field, value string, maxChars int) error {
	if utf8.RuneCountInString(value) > maxChars {
		return invalid(field, "longer than %d characters", maxChars)
	}
	return nil
}

// positive checks that amount is greater than zero.
func positive(field string, amount Decimal) error {
	if amount.Sign() <= 0 {
		return invalid(field, "must be positive, got %s", amount)
	}
	return nil
}

// oneAmount checks that exactly one of the sender and receiver amounts is
// given, and that it is positive.
func oneAmount(sender, receiver *Decimal) error {
	switch {
	case sender == nil && receiver == nil:
		return invalid("sender_amount", "give sender_amount or receiver_amount")
	case sender != nil && receiver != nil:
		return invalid("receiver_amount", "give sender_amount or receiver_amount, not both")
	case sender != nil:
		return positive("sender_amount", *sender)
	}
	return positive("receiver_amount", *receiver)
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// optionalBody returns p as a request body, or nil (which sends "{}") when
// p is nil.
func optionalBody[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// checkListItem rejects an empty address or one that would break a
// comma-separated list of address:amount pairs.
func checkListItem(field, v string) error {
	if v != "" && !strings.ContainsAny(v, ",: ") {
		return nil // the usual case, without building a field name
	}
	if v == "" {
		return invalid(field, "is required")
	}
	if strings.ContainsAny(v, ",: ") {
		return invalid(field, "must not contain ',', ':' or spaces")
	}
	return nil
}

// checkListItems checks each value of a list with checkListItem, naming a
// bad one list[i]: the name is built only for an error.
func checkListItems(list string, values []string) error {
	for i, v := range values {
		if err := checkListItem("", v); err != nil {
			return inList(list, i, err)
		}
	}
	return nil
}

// inList puts list[i] before the field an ErrInvalidParams error names
// ("" or ".amount", say): the name of an item of a list, built only when
// the item is bad.
func inList(list string, i int, err error) error {
	var pe *ParamError
	if errors.As(err, &pe) {
		pe.Field = fmt.Sprintf("%s[%d]%s", list, i, pe.Field)
	}
	return err
}
