package filter

import (
	"strconv"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// HTTPStatusCodes returns a filter that keeps events whose
// responseStatus.code is one of the codes. Events without a responseStatus
// (RequestReceived events, for one) never match. A code outside 100-599 is
// an error. It prints as --http-status-code=c1,c2.
func HTTPStatusCodes(codes ...int) (Filter, error) {
	f := &statusFilter{}
	for _, c := range codes {
		if c < 100 || c > 599 {
			return nil, &FlagError{Flag: "http-status-code", Value: strconv.Itoa(c), Expected: "an HTTP status code, a number in 100-599"}
		}
		if !f.has(int32(c)) {
			f.codes = append(f.codes, int32(c))
		}
	}
	return f, nil
}

type statusFilter struct{ codes []int32 }

func (f *statusFilter) has(c int32) bool {
	for _, v := range f.codes {
		if v == c {
			return true
		}
	}
	return false
}

func (f *statusFilter) Match(e *auditlog.Entry) bool {
	rs := e.Event.ResponseStatus
	return rs != nil && f.has(rs.Code)
}

func (f *statusFilter) Fields() auditlog.Fields { return auditlog.FieldResponseCode }

func (f *statusFilter) String() string {
	parts := make([]string, len(f.codes))
	for i, c := range f.codes {
		parts[i] = strconv.Itoa(int(c))
	}
	return "--http-status-code=" + strings.Join(parts, ",")
}

// FailedOnly returns a filter that keeps failed requests: those whose
// responseStatus.code is over 299. Events without a responseStatus never
// match. It prints as --failed-only.
func FailedOnly() Filter { return failedFilter{} }

type failedFilter struct{}

func (failedFilter) Match(e *auditlog.Entry) bool {
	rs := e.Event.ResponseStatus
	return rs != nil && rs.Code > 299
}

func (failedFilter) Fields() auditlog.Fields { return auditlog.FieldResponseCode }

func (failedFilter) String() string { return "--failed-only" }
