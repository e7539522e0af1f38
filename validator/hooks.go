package validator

import "github.com/fhirlens/fhirlens/validator/jsontree"

// installHooks wires the stages that ride along the walk. Invariants and
// reference checks plug in here.
func (w *walker) installHooks() {}

// finish runs the checks that need the whole document walked first.
func (w *walker) finish() {}

// walkBundleExtras checks what the element walk cannot see in a Bundle.
func (w *walker) walkBundleExtras(n jsontree.ID) {}
