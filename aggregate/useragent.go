package aggregate

import "strings"

// UserAgentProduct returns the product of a User-Agent header: its first
// word, without the "/version" that follows it and without anything in
// parentheses. "kubelet/v1.29.3 (linux/amd64) kubernetes/abc" gives
// "kubelet", "Go-http-client/2.0" gives "Go-http-client" and
// "kubectl.exe/v1.28.2 (windows/amd64)" gives "kubectl". A header with no
// word gives "". The result is a substring of ua: nothing is allocated.
func UserAgentProduct(ua string) string {
	ua = strings.TrimLeft(ua, " \t")
	end := strings.IndexAny(ua, "/ \t(;")
	if end < 0 {
		end = len(ua)
	}
	p := ua[:end]
	if len(p) > 4 && strings.EqualFold(p[len(p)-4:], ".exe") {
		p = p[:len(p)-4]
	}
	return p
}
