package validator

import "testing"

// TestBundleProfileRules: the rules of Options.BundleProfiles, as the
// reference validator's -bundle reads them; a bad rule stops New.
func TestBundleProfileRules(t *testing.T) {
	types := map[string]bool{"Patient": true, "Observation": true}
	tests := []struct {
		rule  string
		typ   string
		index int
		bad   bool
	}{
		{"Patient", "Patient", -1, false},
		{"Patient:0", "Patient", 0, false},
		{"Observation:12", "Observation", 12, false},
		{"3", "", 3, false},
		{"Patient:x", "", 0, true},
		{"Patient:-1", "", 0, true},
		{"Nothing:0", "", 0, true},
		{":0", "", 0, true},
		{"", "", 0, true},
	}
	for _, tt := range tests {
		typ, index, err := BundleProfile{Rule: tt.rule}.parse(types)
		if (err != nil) != tt.bad || !tt.bad && (typ != tt.typ || index != tt.index) {
			t.Errorf("%q: %q %d %v", tt.rule, typ, index, err)
		}
	}
	if _, err := New(Options{BundleProfiles: []BundleProfile{{Rule: "Nothing:0", Profile: "http://x"}}}); err == nil {
		t.Error("New accepted a rule naming no resource type")
	}
}
