//go:build !race

package auditlog

// poisonReused says recycled buffers are overwritten before reuse; see
// race.go.
const poisonReused = false
