package findings

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Webhook is an admission webhook that the audit log names on a finding's
// requests. The API server names every mutating webhook it calls on a
// request (mutation.webhook.admission.k8s.io/round_R_index_I, at level
// Metadata and above), but a validating webhook only when its call failed
// and its failurePolicy let the request through
// (failed-open.validating.webhook.admission.k8s.io/...): a webhook named
// here was called on those requests, which does not say it was the slow
// one, and a validating webhook that answered is never named.
type Webhook struct {
	// Name is the webhook's name (webhooks[].name of its configuration).
	Name string `json:"name"`
	// Configuration is the name of its Mutating- or
	// ValidatingWebhookConfiguration, when the log says it.
	Configuration string `json:"configuration,omitempty"`
	// Kind is "mutating" or "validating".
	Kind string `json:"kind"`
	// Requests is the number of the finding's requests it was named on.
	Requests int64 `json:"requests"`
	// Mutated is how many of them it changed (mutating webhooks).
	Mutated int64 `json:"mutated,omitempty"`
	// FailedOpen is how many of them its call failed on, and the request
	// went on without it (failurePolicy Ignore).
	FailedOpen int64 `json:"failedOpen,omitempty"`
}

// The kinds of Webhook.
const (
	webhookMutating   = "mutating"
	webhookValidating = "validating"
)

// hookCount counts the requests a webhook was named on.
type hookCount struct {
	configuration              string
	named, mutated, failedOpen int64 // requests
}

func (h *hookCount) merge(o *hookCount) {
	if o.configuration != "" && (h.configuration == "" || o.configuration < h.configuration) {
		h.configuration = o.configuration
	}
	h.named += o.named
	h.mutated += o.mutated
	h.failedOpen += o.failedOpen
}

func (h *hookCount) requests() int64 { return h.named }

// webhooks counts the webhooks that slow requests name, and the time the
// requests spent in mutating and validating webhooks.
type webhooks struct {
	hooks table[hookCount, *hookCount]
	// mutating and validating are the time of the requests in mutating
	// and validating webhooks, nanoseconds.
	mutating, validating int64
	buf                  []byte
}

func newWebhooks(maxKeys int) webhooks {
	return webhooks{hooks: newTable[hookCount](maxKeys)}
}

// mutationAnnotation is the value of a mutation.webhook.admission.k8s.io
// annotation.
type mutationAnnotation struct {
	Configuration string `json:"configuration"`
	Webhook       string `json:"webhook"`
	Mutated       bool   `json:"mutated"`
}

// count counts the webhooks the request of f names, each once (a mutating
// webhook called again in a second round is named twice), and its time
// in webhooks.
func (w *webhooks) count(f *facts) {
	w.mutating += parseDuration(f.mutating)
	w.validating += parseDuration(f.validating)
	type seen struct {
		kind, name, configuration string
		mutated, failedOpen       bool
	}
	var named [maxHookNotes]seen
	n := 0
	for _, h := range f.hooks[:f.numHooks] {
		s := seen{kind: webhookMutating}
		switch h.kind {
		case hookMutation:
			var m mutationAnnotation
			if json.Unmarshal([]byte(h.value), &m) != nil || m.Webhook == "" {
				continue
			}
			s.name, s.configuration, s.mutated = m.Webhook, m.Configuration, m.Mutated
		case hookFailedOpenMutating:
			s.name, s.failedOpen = h.value, true
		case hookFailedOpenValidating:
			s.kind, s.name, s.failedOpen = webhookValidating, h.value, true
		}
		if s.name == "" {
			continue
		}
		i := slices.IndexFunc(named[:n], func(o seen) bool { return o.kind == s.kind && o.name == s.name })
		if i < 0 {
			named[n] = s
			n++
			continue
		}
		o := &named[i]
		o.mutated, o.failedOpen = o.mutated || s.mutated, o.failedOpen || s.failedOpen
		if o.configuration == "" {
			o.configuration = s.configuration
		}
	}
	for _, s := range named[:n] {
		w.buf = appendKey(w.buf[:0], s.kind, s.name)
		h := w.hooks.get(w.buf)
		if h == nil {
			continue
		}
		h.named++
		if s.mutated {
			h.mutated++
		}
		if s.failedOpen {
			h.failedOpen++
		}
		if s.configuration != "" && (h.configuration == "" || s.configuration < h.configuration) {
			h.configuration = strings.Clone(s.configuration)
		}
	}
}

// parseDuration reads a latency annotation's duration, 0 when there is
// none or it does not read.
func parseDuration(v string) int64 {
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0
	}
	return int64(d)
}

func (w *webhooks) merge(o *webhooks) {
	w.hooks.merge(&o.hooks)
	w.mutating += o.mutating
	w.validating += o.validating
}

// list returns the webhooks named, by requests (most first), then kind
// and name.
func (w *webhooks) list() []Webhook {
	out := make([]Webhook, 0, len(w.hooks.m))
	for k, h := range w.hooks.m {
		kind, name, _ := strings.Cut(k, "\x00")
		out = append(out, Webhook{Name: name, Configuration: h.configuration, Kind: kind, Requests: h.named,
			Mutated: h.mutated, FailedOpen: h.failedOpen})
	}
	slices.SortFunc(out, func(a, b Webhook) int {
		return cmp.Or(cmp.Compare(b.Requests, a.Requests), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// describe returns the figures and the sentences that name the webhooks
// of a slow admission-webhooks layer, or say why they cannot be named.
func (w *webhooks) describe() ([]Number, string) {
	numbers := []Number{
		{Name: "time in mutating webhooks", Value: float64(w.mutating) / 1e9, Unit: UnitSeconds},
		{Name: "time in validating webhooks", Value: float64(w.validating) / 1e9, Unit: UnitSeconds},
	}
	hooks := w.list()
	var named, failed []string
	for _, h := range hooks {
		switch {
		case h.Kind == webhookMutating:
			s := fmt.Sprintf("%s (mutating, on %d, changed %d", h.Name, h.Requests, h.Mutated)
			if h.FailedOpen > 0 {
				s += fmt.Sprintf(", failed open on %d", h.FailedOpen)
			}
			named = append(named, s+")")
		default:
			failed = append(failed, fmt.Sprintf("%s (validating, failed open on %d)", h.Name, h.FailedOpen))
		}
	}
	var b strings.Builder
	if len(named) > 0 {
		fmt.Fprintf(&b, " The mutating webhooks called on them, as the log names them: %s.", listSome(named, 3))
	}
	if w.validating > 0 && w.validating >= w.mutating {
		fmt.Fprintf(&b, " Validating webhooks took most of the time (%s of %s in webhooks), and the audit log does not name a validating webhook that answers, only their total time: look at the ValidatingWebhookConfigurations whose rules match the requests below (kubectl get validatingwebhookconfigurations).",
			formatSeconds(float64(w.validating)/1e9), formatSeconds(float64(w.mutating+w.validating)/1e9))
	}
	if len(failed) > 0 {
		fmt.Fprintf(&b, " Failed open (their calls failed and the requests went on without them): %s.", listSome(failed, 3))
	}
	return numbers, b.String()
}

// listSome joins the first n items, and says how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
