package validator

import (
	"fmt"
	"strings"

	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/profile"
)

// applyProfiles checks a resource against the profiles that apply to it:
// those its meta.profile claims and, for resources that are not contained,
// those given in Options.Profiles of its type. Claimed profiles the guides
// do not hold are a warning when guides are in use, otherwise counted for
// the "not checked" note.
func (w *walker) applyProfiles(resource jsontree.ID, typeName string, contained bool) {
	t := w.tree
	set := w.v.opts.Guides
	var urls []string
	var nodes []jsontree.ID
	if meta := t.Get(resource, "meta"); meta != jsontree.None && t.Kind(meta) == jsontree.Object {
		if profiles := t.Get(meta, "profile"); profiles != jsontree.None && t.Kind(profiles) == jsontree.Array {
			for p := t.First(profiles); p != jsontree.None; p = t.Next(p) {
				if t.Kind(p) == jsontree.String {
					urls = append(urls, t.Str(p))
					nodes = append(nodes, p)
				}
			}
		}
	}
	if !contained {
		for _, u := range w.v.opts.Profiles {
			p, err := set.Profile(u)
			switch {
			case err == nil && p != nil && p.Type == typeName:
				urls = append(urls, u)
				nodes = append(nodes, resource)
			case p == nil && len(w.frames) == 1 && !w.unknownProfileSaid:
				// Requested but not held (the CLI refuses it up front; the
				// library says so once per input, as the reference validator does).
				w.unknownProfileSaid = true
				msg := fmt.Sprintf("Profile '%s' was requested but is not in the loaded guides, so it was not checked", u)
				if err != nil {
					msg = fmt.Sprintf("Profile '%s' was requested but cannot be used: %v", u, err)
				}
				w.profileIssueAt(resource, 0, Warning, "not-found", profile.RuleUnknown, msg, u)
			}
		}
	}
	if !contained && len(w.v.opts.BundleProfiles) > 0 {
		for _, u := range w.bundleProfiles(resource, typeName) {
			urls = append(urls, u)
			nodes = append(nodes, resource)
		}
	}
	done := map[string]bool{}
	for i, url := range urls {
		base, _, _ := strings.Cut(url, "|")
		if done[base] {
			continue
		}
		done[base] = true
		if b := strings.TrimPrefix(base, coreExtensionBase); b != base && w.defs.Type(b) != nil {
			continue // the core definition itself: that is what the walk checked
		}
		p, err := set.Profile(url)
		switch {
		case err != nil:
			w.profileIssueAt(nodes[i], i, Warning, "processing", profile.RuleUnusable,
				fmt.Sprintf("Profile reference '%s' has not been checked: %v", url, err), url)
			continue
		case p == nil && (set == nil || w.defs.Profile(base) != nil):
			w.noteProfile(url)
			continue
		case p == nil:
			w.profileIssueAt(nodes[i], i, Warning, "not-found", profile.RuleUnknown,
				fmt.Sprintf("Profile reference '%s' has not been checked because it is unknown", url), url)
			continue
		}
		if w.profileMemo == nil || w.profileMemoTree != t {
			w.profileMemo, w.profileMemoTree = &profile.Memo{}, t
		}
		set.Validate(&profile.Options{Ctx: w.ctx, Tree: t, Root: w.rootResource(), SkipInvariants: w.v.opts.SkipInvariants, Resolve: w.resolveID,
			Emit: w.reportFinding, Memo: w.profileMemo}, resource, w.pathString(), p)
	}
}

// profileIssueAt reports a finding about meta.profile[i] (or the resource
// when the profile was requested, not claimed).
func (w *walker) profileIssueAt(n jsontree.ID, i int, sev Severity, code, rule, msg, url string) {
	mark := len(w.path)
	if w.tree.Kind(n) == jsontree.String {
		w.push("meta")
		w.push("profile")
		w.pushIndex(i)
	}
	w.reportFinding(n, false, Finding{Severity: sev, Code: code, Rule: rule, Message: msg, Profile: url})
	w.pop(mark)
}

// noteProfile counts a claimed profile that was not checked.
func (w *walker) noteProfile(url string) {
	if w.rep.profiles == nil {
		w.rep.profiles = map[string]int{}
	}
	if _, seen := w.rep.profiles[url]; !seen {
		url = strings.Clone(url) // the key outlives the input it points into
	}
	w.rep.profiles[url]++
}

// checkExtensionContext reports an extension of a loaded guide used where
// its definition's context does not allow it. path is the FHIRPath location
// of the extension; the element it extends is its parent.
func (w *walker) checkExtensionContext(n jsontree.ID, elemPath string) {
	set := w.v.opts.Guides
	if set == nil {
		return
	}
	u := w.tree.Get(n, "url")
	if u == jsontree.None || w.tree.Kind(u) != jsontree.String {
		return
	}
	fr := w.frames[len(w.frames)-1]
	// The element's path in its resource, indexes removed, and its type.
	full := string(w.path)
	if i := strings.LastIndex(full, ".extension"); i >= 0 {
		full = full[:i]
	} else if i := strings.LastIndex(full, ".modifierExtension"); i >= 0 {
		full = full[:i]
	}
	// An extension on a primitive sits in its "_name" companion; its
	// element is the primitive's ("ServiceRequest.priority").
	if i := strings.LastIndexByte(full, '.'); i >= 0 && i+1 < len(full) && full[i+1] == '_' {
		full = full[:i+1] + full[i+2:]
	}
	elementPath := func(typeName string, start int) string {
		if start > len(full) {
			return typeName
		}
		return typeName + stripIndexes(full[start:])
	}
	path := elementPath(fr.typeName, fr.pathStart)
	typeName := strings.TrimSuffix(strings.TrimSuffix(elemPath, ".extension"), ".modifierExtension")
	if strings.Contains(typeName, ".") {
		typeName = "BackboneElement"
	}
	t := w.tree
	container := jsontree.None
	if arr := t.Parent(n); arr != jsontree.None && t.Kind(arr) == jsontree.Array {
		container = t.Parent(arr)
	}
	parentURL := ""
	if typeName == "Extension" && container != jsontree.None {
		if pu := t.Get(container, "url"); pu != jsontree.None && t.Kind(pu) == jsontree.String {
			parentURL = t.Str(pu)
		}
	}
	inPath := func(expr string) bool {
		if container == jsontree.None {
			return true
		}
		e, err := fhirpath.CompileCached(expr)
		if err != nil {
			return true // a context that does not compile is not held against the instance
		}
		env := &fhirpath.Env{Defs: w.defs, Tree: t, Focus: fr.node}
		res, err := e.Evaluate(w.ctx, env)
		if err != nil {
			return true
		}
		for _, v := range res {
			if nd, ok := v.(fhirpath.Node); ok && (nd.ID == container || nd.Ext == container) {
				return true
			}
		}
		return false
	}
	msg, p := set.CheckContext(t.Str(u), path, typeName, parentURL, inPath)
	if msg == "" {
		return
	}
	// The same element named from the data types that hold it, innermost
	// first ("ContactPoint.system" for Patient.telecom.system), as the
	// reference validator also matches element contexts.
	for i := len(w.dataTypes) - 1; i >= 0; i-- {
		d := w.dataTypes[i]
		if d.pathStart < fr.pathStart {
			break
		}
		if m, _ := set.CheckContext(t.Str(u), elementPath(d.typeName, d.pathStart), typeName, parentURL, inPath); m == "" {
			return
		}
	}
	w.reportFinding(n, false, Finding{Severity: Error, Code: "structure", Rule: profile.RuleContext, Message: msg, Profile: p.Ref()})
}

func stripIndexes(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// reportProfiles adds one note listing the claimed profiles not checked.
func (r *Report) reportProfiles() {
	if len(r.profiles) == 0 {
		return
	}
	_, list := countList(r.profiles, profileName)
	r.add(ruleProfileNotChecked.about(fmt.Sprintf("resources claim profiles in meta.profile that were not checked (resources were checked against the base FHIR %s definitions only): %s", r.FHIRVersion, list)))
}

// profileName shortens a canonical URL to its last segment for the list.
func profileName(url string) string {
	if i := strings.LastIndexByte(strings.TrimRight(url, "/"), '/'); i >= 0 && i < len(url)-1 {
		return url[i+1:]
	}
	return url
}

// bundleProfiles are the profiles Options.BundleProfiles give a resource
// that is an entry of a Bundle being walked, by its entry index and its
// index among the entries of its type.
func (w *walker) bundleProfiles(resource jsontree.ID, typeName string) []string {
	var urls []string
	for i := len(w.scopes) - 1; i >= 0; i-- {
		g := w.scopes[i].graph
		entry := g.EntryOf(resource)
		if entry < 0 {
			continue
		}
		nth := -1 // its index among the entries of its type, counted when a rule needs it
		for _, b := range w.v.opts.BundleProfiles {
			typ, index, err := b.parse(w.v.resourceTypes)
			if err == nil && typ == typeName && index >= 0 && nth < 0 {
				nth = 0
				for j := 0; j < entry; j++ {
					if g.Entries[j].Type == typeName {
						nth++
					}
				}
			}
			switch {
			case err != nil:
			case typ == "" && index == entry, typ == typeName && (index < 0 || index == nth):
				urls = append(urls, b.Profile)
			}
		}
		break
	}
	return urls
}
