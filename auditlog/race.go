//go:build race

package auditlog

// poisonReused says recycled buffers are overwritten before reuse, so that
// tests under the race detector catch strings kept past their call.
const poisonReused = true
