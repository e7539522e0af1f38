package validator

import "testing"

func TestECLAdjacency(t *testing.T) {
	tests := []struct {
		ecl string
		bad bool
	}{
		{"234234 << 234234", true},
		{"404684003 363698007", true},
		{"(<< 404684003) 123", true},
		{"<< 404684003 |Clinical finding|", false},
		{"<< 404684003 |Clinical finding| AND << 64572001", false},
		{"< 19829001 |disorder of lung| : 116676008 |associated morphology| = << 79654002 |edema|", false},
		{"< 27658006 : 411116001 >= #20", false},
		{"^ 700043003 |Example problem list concepts reference set|", false},
		{"<< 19829001 . 363698007", false},
		{"(<< 404684003 OR << 71388002) MINUS << 64572001", false},
		{"<< 404684003 {{ term = \"heart att\" }}", false},
		{"*", false},
		{"<< 73211009 : [1..3] 363698007 = << 39057004", false},
	}
	for _, tt := range tests {
		if got := eclAdjacencyError(tt.ecl) != ""; got != tt.bad {
			t.Errorf("%q: invalid %v, want %v (%s)", tt.ecl, got, tt.bad, eclAdjacencyError(tt.ecl))
		}
	}
}
