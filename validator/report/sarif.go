//go:build !js

package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// SARIF 2.1.0 (OASIS) types: only what the report fills in, in the
// standard's property order.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool       `json:"tool"`
		Artifacts  []sarifArtifact `json:"artifacts"`
		Results    []sarifResult   `json:"results"`
		Properties map[string]any  `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name    string      `json:"name"`
		Version string      `json:"version,omitempty"`
		Rules   []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string         `json:"id"`
		ShortDescription sarifText      `json:"shortDescription"`
		DefaultConfig    sarifConfig    `json:"defaultConfiguration"`
		Properties       map[string]any `json:"properties,omitempty"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifArtifact struct {
		Location sarifArtifactLocation `json:"location"`
		Length   int                   `json:"length"`
		Hashes   map[string]string     `json:"hashes"`
	}
	sarifArtifactLocation struct {
		URI   string `json:"uri"`
		Index *int   `json:"index,omitempty"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		Physical sarifPhysical  `json:"physicalLocation"`
		Logical  []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		Artifact sarifArtifactLocation `json:"artifactLocation"`
		Region   *sarifRegion          `json:"region,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
)

// SARIFSchema is the $schema the SARIF file names.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// SARIF writes the report as a SARIF 2.1.0 log for code-scanning tools:
// the rules (with their summaries and default levels), each input as an
// artifact with its sha-256, and each finding as a result located in its
// input (line and column; the FHIRPath as a logical location).
func (r *Report) SARIF() []byte {
	run := sarifRun{
		Tool:      sarifTool{Driver: sarifDriver{Name: "fhirlens", Version: r.Tool.Version, Rules: []sarifRule{}}},
		Artifacts: []sarifArtifact{},
		Results:   []sarifResult{},
		Properties: map[string]any{
			"commit":      r.Tool.Commit,
			"fhirVersion": r.Definitions.FHIRVersion,
			"core":        r.Definitions.Core,
			"guides":      r.Definitions.Guides,
			"options":     r.Options,
		},
	}
	ruleIndex := map[string]int{}
	for i, ru := range r.Rules {
		ruleIndex[ru.ID] = i
		text := ru.Summary
		if text == "" {
			text = ru.ID
		}
		sr := sarifRule{ID: ru.ID, ShortDescription: sarifText{text}, DefaultConfig: sarifConfig{sarifLevel(ru.Severity)}}
		if ru.Source != "" || ru.BestPractice {
			sr.Properties = map[string]any{}
			if ru.Source != "" {
				sr.Properties["source"] = ru.Source
			}
			if ru.BestPractice {
				sr.Properties["tags"] = []string{"best-practice"}
			}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sr)
	}
	for i, in := range r.Inputs {
		uri := inputURI(in.Name)
		run.Artifacts = append(run.Artifacts, sarifArtifact{Location: sarifArtifactLocation{URI: uri},
			Length: in.Size, Hashes: map[string]string{"sha-256": in.SHA256}})
		for _, f := range in.Findings {
			idx := i
			loc := sarifLocation{Physical: sarifPhysical{Artifact: sarifArtifactLocation{URI: uri, Index: &idx}}}
			if f.Line > 0 {
				loc.Physical.Region = &sarifRegion{StartLine: f.Line, StartColumn: f.Col}
			}
			if f.Expression != "" {
				loc.Logical = []sarifLogical{{FullyQualifiedName: f.Expression, Kind: "element"}}
			}
			msg := f.Message
			if f.Expression != "" {
				msg = f.Expression + ": " + msg
			}
			run.Results = append(run.Results, sarifResult{RuleID: f.Rule, RuleIndex: ruleIndex[f.Rule],
				Level: sarifLevel(f.Severity), Message: sarifText{msg}, Locations: []sarifLocation{loc}})
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		panic(fmt.Sprintf("report: encoding SARIF: %v", err))
	}
	return b.Bytes()
}

func sarifLevel(sev string) string {
	switch SeverityWord(sev) {
	case "error":
		return "error"
	case "warning":
		return "warning"
	}
	return "note"
}

// inputURI makes a relative URI reference of an input name, escaping
// each path segment.
func inputURI(name string) string {
	segs := strings.Split(name, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
