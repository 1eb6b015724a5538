package auditlog

// Bytes returns a source that reads data, held in memory, as a file of that
// name: a batch of events received rather than read from disk (an audit
// webhook's EventList, lines a follower read). data is sniffed as a file
// is: JSON lines, a JSON document (an EventList), gzip or zstd. name says
// where the bytes came from in the Report; the source is read as often as
// it is asked, and data must not change while it is.
func Bytes(name string, data []byte) Source {
	return Source{Path: name, Server: ServerUnknown, Size: int64(len(data)), mem: &data}
}
