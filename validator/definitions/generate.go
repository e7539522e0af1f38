package definitions

import (
	"io"

	"github.com/fhirlens/fhirlens/validator/internal/compact"
)

//go:generate go run ../internal/gendefs -out .

// The generator (validator/internal/gendefs) reaches the unexported encoder
// through package compact, which holds what is not API about the compact
// form: the options, the generated files' names and GenerateR4/STU3.
func init() {
	compact.Encode = func(pkg io.Reader, opt compact.Options) ([]byte, error) {
		s, err := LoadPackage(pkg)
		if err != nil {
			return nil, err
		}
		return encodeRaw(s, opt), nil
	}
}
