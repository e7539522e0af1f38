package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator"
)

// The streamed json and outcome outputs are byte for byte what
// json.MarshalIndent (and Report.OperationOutcome, OutcomeBundle) give.
func TestStreamedOutputSameAsMarshalIndent(t *testing.T) {
	names, err := filepath.Glob("../../testdata/validate/*")
	if err != nil {
		t.Fatal(err)
	}
	v, err := validator.New(validator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var reports []*validator.Report
	for _, name := range names {
		if strings.HasSuffix(name, ".golden") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, v.Validate(context.Background(), validator.FileInput(name, data)))
	}
	if len(reports) < 10 {
		t.Fatalf("only %d inputs", len(reports))
	}
	for _, rs := range [][]*validator.Report{reports, reports[:1], reports[:2], {}} {
		want, err := json.MarshalIndent(rs, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeReports(&got, "json", rs, false, validator.Information); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("json of %d reports differs from MarshalIndent", len(rs))
		}
		if len(rs) == 1 {
			want, err = rs[0].OperationOutcome()
		} else {
			want, err = validator.OutcomeBundle(rs)
		}
		if err != nil {
			t.Fatal(err)
		}
		got.Reset()
		if err := writeReports(&got, "outcome", rs, false, validator.Information); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("outcome of %d reports differs from OperationOutcome/OutcomeBundle:\n%.300s\n%.300s", len(rs), got.String(), want)
		}
	}
}
