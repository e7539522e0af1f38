// Package conformance measures fhirlens against the HL7 reference validator's
// own test cases (../shared/conformance/r4, see its README): every case is run
// the way its case.json says, and the verdict (errors or none) and the error
// locations are compared with the outcome the reference validator recorded.
//
// The package holds only the test (conformance_test.go) and the list of cases
// that still disagree (testdata/disagreements.txt, which can only shrink).
// Run it with
//
//	go test ./validator/conformance -v -run TestConformance
//
// to see the figures per module. To let a new capability (profiles, XML,
// snapshots …) take part, extend runCase: it is the one place a case's
// options become fhirlens options.
package conformance
