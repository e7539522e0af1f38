//go:build !unix

package main

// addressSpaceLimit is unknown on this system.
func addressSpaceLimit() int64 { return 0 }
