package record

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// allCards lists every card of the model, wherever it is placed.
func allCards(m *Model) []*Card {
	var cards []*Card
	for _, p := range m.Patients {
		if p.Card != nil {
			cards = append(cards, p.Card)
		}
		for _, s := range p.Sections {
			cards = append(cards, s.Cards...)
		}
	}
	for _, s := range m.Unlinked {
		cards = append(cards, s.Cards...)
	}
	return cards
}

// checkAccounted asserts that every resource of the input is in exactly one
// place and that keys are unique and references point at real cards.
func checkAccounted(t *testing.T, m *Model) {
	t.Helper()
	cards := allCards(m)
	if len(cards)+len(m.Duplicates) != m.Input.Resources {
		t.Errorf("%d cards placed and %d duplicates, input has %d resources", len(cards), len(m.Duplicates), m.Input.Resources)
	}
	c := m.Counts
	if c.Banners+c.InSections+c.Unlinked+c.Duplicates != c.Resources || c.Resources != m.Input.Resources {
		t.Errorf("counts do not add up: %+v", c)
	}
	keys := map[string]bool{}
	for _, card := range cards {
		if keys[card.Key] {
			t.Errorf("card key %q placed twice", card.Key)
		}
		keys[card.Key] = true
	}
	for _, card := range cards {
		for _, r := range card.References {
			if r.TargetKey != "" && !keys[r.TargetKey] {
				t.Errorf("%s: reference %s targets unknown card %s", card.Key, r.Path, r.TargetKey)
			}
		}
		for _, f := range card.Facts {
			if f.RefKey != "" && !keys[f.RefKey] {
				t.Errorf("%s: fact %s links to unknown card %s", card.Key, f.Label, f.RefKey)
			}
		}
	}
	for _, p := range m.Patients {
		for _, ti := range p.Timeline {
			if !keys[ti.CardKey] {
				t.Errorf("timeline item for unknown card %s", ti.CardKey)
			}
		}
	}
}

// TestSyntheaNothingLost summarises the whole Synthea corpus as one ndjson
// input and checks that every line that is a resource became exactly one card.
func TestSyntheaNothingLost(t *testing.T) {
	data := syntheaNDJSON(t)
	resources, others := 0, 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if gjson.GetBytes(line, "resourceType").Exists() {
			resources++
		} else {
			others++
		}
	}
	m, err := Summarize(data, Options{Now: goldenNow})
	if err != nil {
		t.Fatal(err)
	}
	if m.Input.Resources != resources {
		t.Errorf("model saw %d resources, input has %d", m.Input.Resources, resources)
	}
	if len(m.Skipped) != others {
		t.Errorf("%d lines skipped, %d lines are not resources", len(m.Skipped), others)
	}
	checkAccounted(t, m)
	if len(m.Patients) < 10 {
		t.Errorf("expected at least 10 patients, got %d", len(m.Patients))
	}
	for _, p := range m.Patients {
		if !p.Banner.InInput {
			t.Errorf("patient %s referenced but not found", p.Key)
		}
		if len(p.Banner.Names) == 0 || p.Banner.Age == "" && p.Banner.Deceased.Flag == "" {
			t.Errorf("patient %s banner incomplete: %+v", p.Key, p.Banner)
		}
		if len(p.Timeline) == 0 {
			t.Errorf("patient %s has an empty timeline", p.Key)
		}
	}
	// Every clinical resource in Synthea names its patient.
	for _, s := range m.Unlinked {
		for _, c := range s.Cards {
			switch c.ResourceType {
			case "Organization", "Practitioner", "PractitionerRole", "Location", "Device":
			default:
				t.Errorf("%s %s not linked to a patient", c.ResourceType, c.Key)
			}
		}
	}
}

// TestR4ExampleBundles summarises every R4 example Bundle: none may fail,
// lose a resource, or panic; document bundles must give their sections.
func TestR4ExampleBundles(t *testing.T) {
	bundles := r4Examples(t, func(name string, data []byte) bool {
		return strings.HasPrefix(name, "Bundle-") || gjson.GetBytes(data, "resourceType").String() == "Bundle"
	})
	if len(bundles) == 0 {
		t.Fatal("no example bundles found")
	}
	documents := 0
	for name, data := range bundles {
		m, err := Summarize(data, Options{Now: goldenNow})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		t.Run(name, func(t *testing.T) { checkAccounted(t, m) })
		if gjson.GetBytes(data, "type").String() == "document" {
			documents++
			if m.Document == nil {
				t.Errorf("%s: document bundle without a Document view", name)
			} else if len(m.Document.Sections) == 0 {
				t.Errorf("%s: document has no sections", name)
			}
		}
	}
	if documents == 0 {
		t.Error("no document bundles among the R4 examples")
	}
	t.Logf("%d bundles, %d documents", len(bundles), documents)
}

// TestR4ExampleResources summarises every R4 example as a single resource.
func TestR4ExampleResources(t *testing.T) {
	if testing.Short() {
		t.Skip("all examples: skipped in -short")
	}
	examples := r4Examples(t, func(name string, _ []byte) bool { return name != "package.json" && !strings.HasPrefix(name, ".") })
	failed := 0
	for name, data := range examples {
		m, err := Summarize(data, Options{Now: goldenNow})
		if err != nil {
			failed++
			if failed < 10 {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if len(allCards(m)) != m.Input.Resources {
			t.Errorf("%s: resources lost", name)
		}
	}
}

func TestFatherDocument(t *testing.T) {
	ex := r4Examples(t, func(name string, _ []byte) bool { return name == "Bundle-father.json" })
	data, ok := ex["Bundle-father.json"]
	if !ok {
		t.Skip("Bundle-father.json not in the examples package")
	}
	m, err := Summarize(data, Options{Now: goldenNow})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, m)
	if m.Document == nil || len(m.Document.Sections) == 0 {
		t.Fatalf("no document sections: %+v", m.Document)
	}
	for _, s := range m.Document.Sections {
		if s.Narrative == nil || s.Narrative.Text == "" {
			t.Errorf("section %q has no narrative text", s.Title)
		}
	}
	_ = time.Now
}
