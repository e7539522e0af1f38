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
	"strings"
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
		return 2
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens serve:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	handler := announce(listener.Addr(), web.Handler(app), stdout, stderr)
	if err := serve(ctx, listener, handler); err != nil {
		fmt.Fprintln(stderr, "fhirlens serve:", err)
		return 2
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

// announce prints the address the server really listens on (a warning when
// it is not loopback) and, on loopback, guards the handler against foreign
// Host names.
func announce(bound net.Addr, handler http.Handler, stdout, stderr io.Writer) http.Handler {
	if loopback(bound) {
		fmt.Fprintf(stdout, "fhirlens: serving the app at %s on this machine only (Ctrl+C to stop)\n", appURL(bound))
		return loopbackHostsOnly(handler)
	}
	fmt.Fprintf(stdout, "fhirlens: serving the app at %s, listening on %s (Ctrl+C to stop)\n", appURL(bound), listenDescription(bound))
	fmt.Fprintf(stderr, "fhirlens serve: warning: %s is not a loopback address: other machines that can reach this one can load the app (what is dropped into it still stays in their browser). Use --addr 127.0.0.1:PORT to serve this machine only.\n", bound)
	return handler
}

// loopback reports whether addr is a loopback address (127.0.0.0/8, ::1).
func loopback(addr net.Addr) bool {
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listenDescription says where a non-loopback listener is reachable.
func listenDescription(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return "every network interface, port " + port
	}
	return net.JoinHostPort(host, port)
}

// loopbackHostsOnly refuses requests whose Host is not a loopback name or
// address. On loopback, anything else is a page on another site whose DNS
// name was rebound to 127.0.0.1 to read this server's responses (DNS
// rebinding): the browser sends that site's name as the Host.
func loopbackHostsOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "this server answers only to localhost and loopback addresses", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
