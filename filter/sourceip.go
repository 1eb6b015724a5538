package filter

import (
	"net/netip"
	"strings"

	"github.com/auditlens/auditlens/auditlog"
)

// SourceIPs returns a filter that keeps requests any of whose sourceIPs is
// one of the addresses or inside one of the CIDR ranges: "10.0.0.7",
// "10.128.0.0/14", "fd00::/8". IPv4-mapped IPv6 addresses in events
// (::ffff:10.0.0.7) count as IPv4. A value that is neither an IP address nor
// a CIDR is an error. It prints as --source-ip=v1,v2 with CIDRs in their
// canonical (masked) form.
func SourceIPs(values ...string) (Filter, error) {
	f := &sourceIPFilter{}
	for _, v := range dedup(values) {
		p, err := parseIPOrPrefix(v)
		if err != nil {
			return nil, &FlagError{Flag: "source-ip", Value: v, Expected: "an IP address (10.0.0.7, fd00::1) or a CIDR (10.128.0.0/14)", Err: err}
		}
		f.prefixes = append(f.prefixes, p)
	}
	return f, nil
}

func parseIPOrPrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, err
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap().WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), nil
}

type sourceIPFilter struct{ prefixes []netip.Prefix }

func (f *sourceIPFilter) Match(e *auditlog.Entry) bool {
	for _, s := range e.Event.SourceIPs {
		a, err := netip.ParseAddr(s)
		if err != nil {
			continue
		}
		a = a.Unmap().WithZone("")
		for _, p := range f.prefixes {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

func (f *sourceIPFilter) Fields() auditlog.Fields { return auditlog.FieldSourceIPs }

func (f *sourceIPFilter) String() string {
	parts := make([]string, len(f.prefixes))
	for i, p := range f.prefixes {
		if p.IsSingleIP() {
			parts[i] = p.Addr().String()
		} else {
			parts[i] = p.String()
		}
	}
	return "--source-ip=" + strings.Join(parts, ",")
}
