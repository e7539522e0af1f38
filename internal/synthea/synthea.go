// Package synthea builds Synthea-shaped inputs of a chosen size from the
// Synthea ndjson files of the reference data, for benchmarks (in-process, the
// whole-process CLI, the browser and the peers' comparison) so that every
// figure is measured on the same bytes.
package synthea

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Bundle returns a collection Bundle of about size bytes made of the
// resources of the *.ndjson files in dir, one entry per resource with a
// urn:uuid fullUrl, in file order (files sorted by name; log.ndjson left
// out). When the files hold fewer bytes than size, they are used again from
// the start with fresh fullUrls and ids, so any size can be made.
func Bundle(dir string, size int) ([]byte, error) {
	lines, err := readLines(dir)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(size + 1<<16)
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[`)
	for n := 0; b.Len() < size; n++ {
		if n > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"fullUrl":"urn:uuid:%08x-0000-4000-8000-%012x","resource":`, n, n)
		b.Write(resource(lines, n))
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// NDJSON returns ndjson of about size bytes: the resources Bundle holds, in
// the same order and with the same ids, one per line.
func NDJSON(dir string, size int) ([]byte, error) {
	lines, err := readLines(dir)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(size + 1<<16)
	for n := 0; b.Len() < size; n++ {
		b.Write(resource(lines, n))
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// resource is the n-th resource: the lines again and again, a later round
// under new ids so that ids and fullUrls stay unique.
func resource(lines [][]byte, n int) []byte {
	line := lines[n%len(lines)]
	if round := n / len(lines); round > 0 {
		line = bytes.Replace(line, []byte(`"id":"`), []byte(fmt.Sprintf(`"id":"r%d-`, round)), 1)
	}
	return line
}

// readLines reads the non-blank lines of the *.ndjson files of dir.
func readLines(dir string) ([][]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var lines [][]byte
	for _, name := range names {
		if filepath.Base(name) == "log.ndjson" {
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				lines = append(lines, bytes.Clone(line))
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("no Synthea ndjson in %s", dir)
	}
	return lines, nil
}
