//go:build unix

package main

import (
	"syscall"
	"time"
)

// processCPU is this process's CPU time so far (user+sys), for benchmarks
// that compare in-process and whole-process CPU.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
