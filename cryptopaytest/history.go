package cryptopaytest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cryptopay-go/cryptopay"
)

// history: GET /v2/accounts/{account}/history?currency=&limit=&offset=&q=,
// newest first. The q filters are item_type (payment or receipt), address
// (a part of any address the item involves), date_from and date_to
// (ISO-8601 with an offset, or without one meaning UTC; a '+' the query
// decoded as a space is read back as '+').
func (s *Server) history(r *http.Request, a *account) reply {
	q := r.URL.Query()
	if name := q.Get("currency"); name != "" {
		if _, rep, found := lookupCurrency(name); !found {
			return rep
		}
	}
	pg, rep, valid := parsePage(q)
	if !valid {
		return rep
	}
	filter, rep, valid := parseFilter(q.Get("q"), "item_type", "address", "date_from", "date_to")
	if !valid {
		return rep
	}
	match, rep, valid := historyMatcher(q.Get("currency"), filter)
	if !valid {
		return rep
	}
	var entries []cryptopay.HistoryEntry
	for _, item := range newestFirst(a.history, func(item *historyItem) int64 { return item.detail.Created.UnixMicro() }) {
		if match(item) {
			entries = append(entries, item.entry())
		}
	}
	out := cryptopay.HistoryPage{Account: a.id}
	out.Items, out.Pagination = paginate(entries, pg)
	return ok(out)
}

// historyMatcher returns the test the currency and filters make.
func historyMatcher(currency string, filter map[string]string) (func(*historyItem) bool, reply, bool) {
	itemType := cryptopay.ItemType(filter["item_type"])
	if itemType != "" && itemType != cryptopay.ItemPayment && itemType != cryptopay.ItemReceipt {
		return nil, badRequest("Invalid item_type: " + string(itemType) + "."), false
	}
	var from, to cryptopay.Time
	for key, dst := range map[string]*cryptopay.Time{"date_from": &from, "date_to": &to} {
		v, set := filter[key]
		if set && dst.UnmarshalJSON([]byte(strconv.Quote(strings.ReplaceAll(v, " ", "+")))) != nil {
			return nil, badRequest("Invalid " + key + ": " + v + "."), false
		}
	}
	return func(item *historyItem) bool {
		d := item.detail
		return (currency == "" || d.Currency == currency) &&
			(itemType == "" || d.Type == itemType) &&
			(filter["address"] == "" || slices.ContainsFunc(item.addresses, func(ad string) bool { return strings.Contains(ad, filter["address"]) })) &&
			(from.IsZero() || !d.Created.Before(from.Time)) &&
			(to.IsZero() || !d.Created.After(to.Time))
	}, reply{}, true
}
