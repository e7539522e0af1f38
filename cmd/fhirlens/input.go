package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// Input limits. Every input is read whole (the validator needs the bytes),
// so every read is bounded: a file, a pipe, a device or a gzip stream stops
// at the limit with a message naming it, never a runtime out-of-memory crash.
type inputLimits struct {
	// MaxBytes bounds the bytes of one input after decompression.
	MaxBytes int64
	// MaxRatio bounds how much a .gz input may expand, once its output is
	// past ratioFloor (small files may compress far better than that).
	MaxRatio int64
	// Memory is the memory the process may use (cgroup, RLIMIT_AS or the
	// machine's RAM; 0 when unknown): an input needing clearly more is
	// refused up front instead of crashing half-way. MemoryKind names it
	// and PerInputByte is what validating needs of it per input byte.
	Memory       int64
	MemoryKind   string
	PerInputByte int64
}

const (
	defaultMaxInput = 2 << 30 // a real 1 GB export passes with room
	defaultMaxRatio = 200     // real FHIR JSON gzips 10–40×; the probe's bombs were 235–1000×
	ratioFloor      = 64 << 20
)

// What validating needs per input byte: the input, its tree and the
// findings. Resident memory measured 11× on the Synthea bundle and 25× on
// a bundle of a million tiny entries without a memory limit; with the
// collector held to the limit (applyMemoryLimit) far less is resident, so
// 8× refuses only what clearly cannot fit. An address-space limit (ulimit
// -v) counts what the Go runtime reserves, not what it uses: a 73 MB input
// failed under 2.5 GB with 650 MB resident, hence 40×.
const (
	memoryPerInputByte       = 8
	addressSpacePerInputByte = 40
)

func defaultLimits() inputLimits {
	mem, kind, per := memoryLimit()
	return inputLimits{MaxBytes: defaultMaxInput, MaxRatio: defaultMaxRatio, Memory: mem, MemoryKind: kind, PerInputByte: per}
}

// applyMemoryLimit makes the garbage collector work harder as the process
// nears the memory it may use (90% of the cgroup limit, ulimit -v or RAM),
// instead of growing past it and dying with Go's "fatal error: out of
// memory". GOMEMLIMIT, when set, wins.
func applyMemoryLimit(lim inputLimits) {
	if lim.Memory <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(lim.Memory / 10 * 9)
}

// limitError is a resource limit that was reached; its message names the
// limit and the flag that raises it.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

// readInput reads a file (gunzipping .gz files and any gzip-compressed
// stdin) or, for "-", standard input, within the limits.
func readInput(name string, stdin io.Reader, lim inputLimits) ([]byte, error) {
	display := displayName(name)
	var r io.Reader
	var size int64 = -1
	if name == "-" {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a folder", safeText(display))
		}
		if st.Mode().IsRegular() {
			size = st.Size()
		}
		r = f
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		return gunzipInput(display, br, size, lim)
	}
	if size >= 0 {
		if err := checkSize(display, size, lim, "is"); err != nil {
			return nil, err
		}
		data := make([]byte, size)
		n, err := io.ReadFull(br, data)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s: %w", safeText(display), err)
		}
		return data[:n], nil
	}
	// A pipe, a device or stdin: read up to the limit, then stop.
	data, err := io.ReadAll(io.LimitReader(br, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", safeText(display), err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, &limitError{fmt.Sprintf("%s is larger than %s (the input limit); raise --max-input if this is intended", safeText(display), sizeText(lim.MaxBytes))}
	}
	return data, nil
}

// gunzipInput decompresses every member of a gzip stream (concatenated
// members are one stream, as gzip(1) reads them), stopping at the size and
// ratio limits.
func gunzipInput(display string, r io.Reader, compressed int64, lim inputLimits) ([]byte, error) {
	counter := &countingReader{r: r}
	zr, err := gzip.NewReader(counter)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable gzip file: %w", safeText(display), err)
	}
	zr.Multistream(true)
	var buf []byte
	if compressed > 0 {
		buf = make([]byte, 0, min(compressed*4, lim.MaxBytes, 256<<20))
	}
	chunk := make([]byte, 256<<10)
	for {
		n, err := zr.Read(chunk)
		if len(buf)+n > cap(buf) {
			// Double (append grows big slices by 1.25×, which allocates
			// about 5× the final size on the way there).
			grown := make([]byte, len(buf), min(max(2*int64(cap(buf)), int64(len(buf)+n), 1<<20), lim.MaxBytes+int64(len(chunk))))
			copy(grown, buf)
			buf = grown
		}
		buf = append(buf, chunk[:n]...)
		out := int64(len(buf))
		if out > lim.MaxBytes {
			return nil, &limitError{fmt.Sprintf("%s expands past %s (the input limit) after %s of compressed data; raise --max-input if this is intended", safeText(display), sizeText(lim.MaxBytes), sizeText(counter.n))}
		}
		if lim.MaxRatio > 0 && out > ratioFloor && out > lim.MaxRatio*max(counter.n, 1) {
			return nil, &limitError{fmt.Sprintf("%s expands more than %d× (%s from %s of compressed data): a decompression bomb? raise --max-ratio if this is intended", safeText(display), lim.MaxRatio, sizeText(out), sizeText(counter.n))}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: gzip data is damaged or truncated after %s: %w", safeText(display), sizeText(out), err)
		}
		if len(buf) == cap(buf) {
			// The next read grows the buffer: refuse now what could not
			// be validated anyway.
			if err := checkSize(display, out, lim, "expands to at least"); err != nil {
				return nil, err
			}
		}
	}
	if err := checkSize(display, int64(len(buf)), lim, "expands to"); err != nil {
		return nil, err
	}
	return buf, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// checkSize refuses an input over the size limit, or one that validating
// would need clearly more memory for than the process may use.
func checkSize(display string, size int64, lim inputLimits, what string) error {
	if size > lim.MaxBytes {
		return &limitError{fmt.Sprintf("%s %s %s, over the input limit of %s; raise --max-input if this is intended", safeText(display), what, sizeText(size), sizeText(lim.MaxBytes))}
	}
	per := max(lim.PerInputByte, 1)
	if need := size * per; lim.Memory > 0 && need > lim.Memory {
		kind := lim.MemoryKind
		if kind == "" {
			kind = "a memory limit"
		}
		return &limitError{fmt.Sprintf("%s %s %s; validating it needs about %s and this process may use %s (%s): split the file, or run where more memory is available", safeText(display), what, sizeText(size), sizeText(need), sizeText(lim.Memory), kind)}
	}
	return nil
}

// expandInputs replaces each folder by the FHIR files inside it (.json,
// .ndjson, .xml and their .gz forms), in name order. Only regular files are
// taken: a symbolic link is followed only to a regular file, and devices,
// FIFOs, sockets and links to them are skipped with a note (reading
// /dev/zero would never end; opening a FIFO would wait forever). Links to
// folders are not followed. A folder holding none of these files is noted.
func expandInputs(args []string, note func(string)) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if a == "-" || err != nil || !st.IsDir() {
			out = append(out, a) // named explicitly: read as asked, within the limits
			continue
		}
		before := len(out)
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			n := strings.TrimSuffix(d.Name(), ".gz")
			if !strings.HasSuffix(n, ".json") && !strings.HasSuffix(n, ".ndjson") && !strings.HasSuffix(n, ".xml") {
				return nil
			}
			mode := d.Type()
			if mode&fs.ModeSymlink != 0 {
				target, err := os.Stat(p)
				if err != nil {
					note(fmt.Sprintf("skipped %s: a broken symbolic link", safeText(p)))
					return nil
				}
				if !target.Mode().IsRegular() {
					note(fmt.Sprintf("skipped %s: a symbolic link to %s, not to a regular file", safeText(p), fileKind(target.Mode())))
					return nil
				}
			} else if !mode.IsRegular() {
				note(fmt.Sprintf("skipped %s: %s, not a regular file", safeText(p), fileKind(mode)))
				return nil
			}
			out = append(out, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == before {
			note(fmt.Sprintf("%s holds no .json, .ndjson or .xml files (nor .gz of them)", safeText(a)))
		}
	}
	return out, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}

// parseSize reads "2GB", "512MB", "1.5G", "800k" or a plain byte count
// (binary multiples).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:len(t)-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 || f*float64(mult) > 1<<50 {
		return 0, fmt.Errorf("invalid size %q (for example 512MB or 4GB)", s)
	}
	return int64(f * float64(mult)), nil
}

// sizeFlag is a flag.Value holding a byte count written as parseSize reads it.
type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string {
	if f.n == nil {
		return ""
	}
	return sizeText(*f.n)
}

func (f sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err == nil {
		*f.n = n
	}
	return err
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// memoryLimit is the least of the cgroup memory limit, the address-space
// limit and the machine's RAM, in bytes (0 when none is known), what it is,
// and what validating needs of it per input byte.
func memoryLimit() (limit int64, kind string, perByte int64) {
	take := func(n int64, k string, per int64) {
		// Compare what each limit allows as input.
		if n > 0 && (limit == 0 || n/per < limit/perByte) {
			limit, kind, perByte = n, k, per
		}
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if b, err := os.ReadFile(p); err == nil {
			if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n < 1<<60 {
				take(n, "the cgroup memory limit", memoryPerInputByte)
			}
		}
	}
	take(addressSpaceLimit(), "the address-space limit, ulimit -v", addressSpacePerInputByte)
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				f := strings.Fields(rest)
				if len(f) == 2 && f[1] == "kB" {
					if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
						take(n<<10, "the machine's RAM", memoryPerInputByte)
					}
				}
			}
		}
	}
	return limit, kind, perByte
}
