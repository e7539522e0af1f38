package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/fhirlens/fhirlens/web"
)

const serveUsage = `usage: fhirlens serve [--addr 127.0.0.1:8080] [--dir web]

Serves the browser app (embedded in this binary) on a local address. The app
validates files in the browser: nothing that is dropped into it is sent to
this server or anywhere else.

`

// serveFlags builds the flag set of "fhirlens serve".
func serveFlags() (*flag.FlagSet, *serveOptions) {
	o := &serveOptions{}
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	flags.StringVar(&o.dir, "dir", "", "serve the app from this `folder` instead of the embedded copy (for development)")
	return flags, o
}

type serveOptions struct{ addr, dir string }

// runServe implements "fhirlens serve". It returns the process exit code.
func runServe(args []string, stdout, stderr io.Writer) int {
	flags, o := serveFlags()
	pos, code, done := parseFlags(flags, serveUsage, args, stdout, stderr)
	if done {
		return code
	}
	addr, dir := &o.addr, &o.dir
	if len(pos) > 0 {
		return usageError(stderr, "serve", "unexpected argument %q", pos[0])
	}
	var app fs.FS = web.Files()
	if *dir != "" {
		app = os.DirFS(*dir)
	}
	if err := web.CheckBuilt(app); err != nil {
		fmt.Fprintln(stderr, "fhirlens serve:", err)
		return 1
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens serve:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "fhirlens: serving the app at %s (Ctrl+C to stop)\n", appURL(listener.Addr()))
	if err := serve(ctx, listener, web.Handler(app)); err != nil {
		fmt.Fprintln(stderr, "fhirlens serve:", err)
		return 1
	}
	return 0
}

// serve runs the server on listener until ctx ends, then shuts down cleanly.
func serve(ctx context.Context, listener net.Listener, handler http.Handler) error {
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	done := make(chan error, 1)
	go func() { done <- server.Serve(listener) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return server.Shutdown(shutdownCtx)
	}
}

// appURL is the address to open in a browser; a wildcard host becomes localhost.
func appURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
