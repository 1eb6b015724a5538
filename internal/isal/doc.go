// Package isal inflates raw deflate data with Intel ISA-L's streaming
// isal_inflate (igzip_lib.h), through cgo, computing the CRC32 of what it
// writes as it goes. It is built only with the build tag isal and cgo
// (package auditlog then reads gzip files with it, framing the members
// itself); without them the package is empty, and nothing needs ISA-L or a
// C compiler.
package isal
