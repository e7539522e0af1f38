//go:build unix

package main

import "syscall"

// addressSpaceLimit is RLIMIT_AS (ulimit -v) in bytes, 0 when unlimited.
func addressSpaceLimit() int64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &rl); err != nil || rl.Cur > 1<<60 {
		return 0
	}
	return int64(rl.Cur)
}
