package record_test

import (
	"fmt"
	"time"

	"github.com/fhirlens/fhirlens/record"
)

// Build the clinical view of a Bundle: one record per patient, with a
// banner, sections and a timeline.
func ExampleSummarize() {
	bundle := []byte(`{"resourceType":"Bundle","type":"collection","entry":[
  {"fullUrl":"urn:uuid:0b6e5b8e-8a3c-4b43-9a52-1b0e8a4d6f01","resource":{"resourceType":"Patient","id":"p","name":[{"text":"Jane Doe"}],"birthDate":"1970-03-01"}},
  {"fullUrl":"urn:uuid:0b6e5b8e-8a3c-4b43-9a52-1b0e8a4d6f02","resource":{"resourceType":"Condition","id":"c","subject":{"reference":"urn:uuid:0b6e5b8e-8a3c-4b43-9a52-1b0e8a4d6f01"},"code":{"text":"Asthma"}}}]}`)
	model, err := record.Summarize(bundle, record.Options{Now: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	for _, p := range model.Patients {
		fmt.Println(p.Banner.Names[0].Text, p.Banner.Age)
		for _, s := range p.Sections {
			fmt.Println(s.Title, len(s.Cards))
		}
	}
	// Output:
	// Jane Doe 54 years
	// Active problems 1
}
