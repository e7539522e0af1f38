//go:build !unix

package bundle

// cpuTime is unavailable here; the benchmark then reports wall time only.
func cpuTime() int64 { return 0 }
