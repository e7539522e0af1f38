package snapshot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
)

// zeros writes n zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// A package file past definitions.MaxPackageFile (a decompression bomb:
// a few hundred KB of gzip) is refused by name, not read whole.
func TestPackageFileTooLarge(t *testing.T) {
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	size := int64(definitions.MaxPackageFile + 1)
	if err := tw.WriteHeader(&tar.Header{Name: "package/StructureDefinition-bomb.json", Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(tw, zeros{}, size); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	gz.Close()

	_, errs := ReadPackage(bytes.NewReader(buf.Bytes()), nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "StructureDefinition-bomb.json: file too large") {
		t.Errorf("ReadPackage: %v, want one 'file too large' naming the file", errs)
	}
	if _, err := Package(bytes.NewReader(buf.Bytes())); err == nil || !strings.Contains(err.Error(), "StructureDefinition-bomb.json: file too large") {
		t.Errorf("Package: %v, want 'file too large' naming the file", err)
	}
}
