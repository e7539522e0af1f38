package report

import "slices"

// Matrix is the plugfest view: a row per system (the first folder of the
// input names), a column per profile exercised (claimed in meta.profile)
// or, for resources claiming none, per resource type; the first column
// counts the files.
type Matrix struct {
	Columns []string    `json:"columns"`
	Rows    []MatrixRow `json:"rows"`
}

// MatrixRow is one system.
type MatrixRow struct {
	System string `json:"system"`
	First  int    `json:"first"` // index of the system's first input
	Cells  []Cell `json:"cells"` // one per column
}

// Cell is the verdict of one system for one column.
type Cell struct {
	Verdict   string `json:"verdict,omitempty"` // "" when nothing of this kind was sent
	Resources int    `json:"resources"`         // files, in the first column
	Failing   int    `json:"failing"`           // resources (files) with errors
	Errors    int    `json:"errors"`
	Warnings  int    `json:"warnings"`
	First     int    `json:"first"` // index of the first input with a failing (else any) resource here
}

// FilesColumn is the matrix's first column.
const FilesColumn = "files"

func buildMatrix(inputs []Input) *Matrix {
	m := &Matrix{}
	var systems []string
	var columns []string
	for _, in := range inputs {
		if !slices.Contains(systems, in.System) {
			systems = append(systems, in.System)
		}
		for _, res := range in.Resources {
			for _, c := range matrixKeys(res) {
				if !slices.Contains(columns, c) {
					columns = append(columns, c)
				}
			}
		}
	}
	slices.Sort(systems)
	slices.Sort(columns)
	m.Columns = append([]string{FilesColumn}, columns...)
	for _, sys := range systems {
		row := MatrixRow{System: sys, First: -1, Cells: make([]Cell, len(m.Columns))}
		for c := range row.Cells {
			row.Cells[c].First = -1
		}
		for i, in := range inputs {
			if in.System != sys {
				continue
			}
			if row.First < 0 {
				row.First = i
			}
			files := &row.Cells[0]
			files.Resources++
			files.Errors += in.Counts.Errors
			files.Warnings += in.Counts.Warnings
			if in.Verdict == Fails {
				files.Failing++
			}
			files.note(i, in.Verdict == Fails)
			var errs, warns = make([]int, len(in.Resources)), make([]int, len(in.Resources))
			for _, f := range in.Findings {
				if f.Resource < 0 || f.Resource >= len(in.Resources) {
					continue
				}
				switch SeverityWord(f.Severity) {
				case "error":
					errs[f.Resource]++
				case "warning":
					warns[f.Resource]++
				}
			}
			for ri, res := range in.Resources {
				for _, key := range matrixKeys(res) {
					c := &row.Cells[1+slices.Index(columns, key)]
					c.Resources++
					c.Errors += errs[ri]
					c.Warnings += warns[ri]
					if errs[ri] > 0 {
						c.Failing++
					}
					c.note(i, errs[ri] > 0)
				}
			}
		}
		for c := range row.Cells {
			cell := &row.Cells[c]
			switch {
			case cell.Resources == 0:
			case cell.Failing > 0:
				cell.Verdict = Fails
			default:
				cell.Verdict = Conforms
			}
		}
		m.Rows = append(m.Rows, row)
	}
	if m.Rows == nil {
		m.Rows = []MatrixRow{}
	}
	return m
}

// note remembers the input a cell links to: the first failing one, else the first.
func (c *Cell) note(input int, failing bool) {
	if c.First < 0 || (failing && c.Failing == 1) {
		c.First = input
	}
}

// matrixKeys are the columns a resource counts in.
func matrixKeys(r Resource) []string {
	if len(r.Profiles) > 0 {
		return r.Profiles
	}
	return []string{r.Type}
}
