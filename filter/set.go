package filter

// smallSetMax is the size up to which a set is a slice scanned linearly,
// which beats a map lookup for the one or two values most flags get.
const smallSetMax = 8

// set is a set of strings that is looked up without allocating.
type set struct {
	small []string
	large map[string]struct{}
}

func newSet(values []string) set {
	if len(values) <= smallSetMax {
		return set{small: values}
	}
	m := make(map[string]struct{}, len(values))
	for _, v := range values {
		m[v] = struct{}{}
	}
	return set{large: m}
}

func (s *set) has(v string) bool {
	if s.large != nil {
		_, ok := s.large[v]
		return ok
	}
	for _, w := range s.small {
		if w == v {
			return true
		}
	}
	return false
}

func (s *set) len() int {
	if s.large != nil {
		return len(s.large)
	}
	return len(s.small)
}
