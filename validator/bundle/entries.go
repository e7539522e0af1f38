package bundle

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// CheckEntries applies the entry rules: fullUrl presence, form, consistency
// and uniqueness; request/response/search/total by bundle type; the shape of
// documents and messages; transaction and batch requests; duplicate
// resources. Findings are in document order.
func (g *Graph) CheckEntries() []finding.Finding {
	var c collect
	g.CheckEntriesTo(&c)
	return c.out
}

// CheckEntriesTo is CheckEntries streaming into s, in document order: the
// findings of one entry at a time are sorted and offered to s, so nothing is
// stored per finding beyond what s keeps (a bundle of 1M entries without
// fullUrl kept 1M findings to drop all but a thousand).
func (g *Graph) CheckEntriesTo(s finding.Sink) {
	if !g.isBundle {
		return
	}
	c := entryChecker{g: g, t: g.tree, cur: -1}
	c.bundleLevel()
	// The bundle's own findings may sit anywhere (total after the entries,
	// bdl-11 on the first entry): they are merged in by offset.
	m := merger{t: g.tree, s: s, pending: fromSlice(sortFindings(c.out))}
	c.out = nil
	seen := make(map[urlVersion]int32)
	for i := range g.Entries {
		// Every finding of entry i is inside it (add places one about no
		// node on the entry), and entries follow each other.
		c.out, c.cur = c.out[:0], i
		c.entry(i)
		c.unique(i, seen)
		m.next(c.out, func() string { return g.entryPath(i) })
	}
	m.flush()
}

type entryChecker struct {
	g   *Graph
	t   *jsontree.Tree
	out []finding.Finding
	cur int // the entry being checked, -1 for the bundle's own rules
}

// add is a finding of the bundle's own rules, at node n and path.
func (c *entryChecker) add(sev finding.Severity, code, rule string, n jsontree.ID, path, msg string) {
	c.out = append(c.out, newFinding(c.t, sev, code, rule, n, path, msg))
}

// at is a finding about the entry being checked, at node n (the entry when
// none) and at the entry's path followed by suffix (".request.url"): the
// path is joined only if the finding is kept.
func (c *entryChecker) at(sev finding.Severity, code, rule string, n jsontree.ID, suffix, msg string) {
	if n < 0 || int(n) >= c.t.Len() {
		n = c.g.Entries[c.cur].Node
	}
	c.out = append(c.out, newFinding(c.t, sev, code, rule, n, suffix, msg))
}

func (c *entryChecker) bundleLevel() {
	g, t := c.g, c.t
	if n := t.Get(g.root, "total"); n != jsontree.None && g.Type != "searchset" && g.Type != "history" {
		c.add(finding.Error, "invalid", "bdl-1", n, g.Path+".total",
			"Bundle.total is only allowed in searchset and history bundles, not in a "+typeName(g.Type)+" (bdl-1); remove it")
	}
	switch g.Type {
	case "document":
		id := t.Get(g.root, "identifier")
		if t.Text(t.Get(id, "system")) == "" || t.Text(t.Get(id, "value")) == "" {
			at, path := id, g.Path+".identifier"
			if id == jsontree.None {
				at, path = g.root, g.Path
			}
			c.add(finding.Error, "invariant", "bdl-9", at, path,
				"a document must have an identifier with a system and a value (bdl-9): the identifier is the document's identity across copies")
		}
		if ts := t.Get(g.root, "timestamp"); ts == jsontree.None || t.Kind(ts) != jsontree.String || t.Str(ts) == "" {
			c.add(finding.Error, "invariant", "bdl-10", g.root, g.Path,
				"a document must have a timestamp, the date it was assembled (bdl-10)")
		}
		c.firstEntry("Composition", "bdl-11", "document")
	case "message":
		c.firstEntry("MessageHeader", "bdl-12", "message")
	}
}

// firstEntry checks that the first entry of a document or message holds the
// resource that defines it.
func (c *entryChecker) firstEntry(want, rule, kind string) {
	g := c.g
	if len(g.Entries) == 0 {
		c.add(finding.Error, "invariant", rule, g.root, g.Path,
			"a "+kind+" must contain at least one entry, the first being a "+want+" ("+rule+")")
		return
	}
	e := g.Entries[0]
	switch {
	case e.Resource == jsontree.None:
		c.add(finding.Error, "invariant", rule, e.Node, g.entryPath(0),
			"the first entry of a "+kind+" must hold a "+want+" resource, but it has no resource ("+rule+")")
	case e.Type != want:
		c.add(finding.Error, "invariant", rule, e.Resource, g.entryPath(0)+".resource",
			"the first entry of a "+kind+" must be a "+want+", not "+article(orUnknown(e.Type))+" ("+rule+"); move the "+want+" to the front")
	}
}

func (c *entryChecker) entry(i int) {
	g, t := c.g, c.t
	e := &g.Entries[i]
	if t.Kind(e.Node) != jsontree.Object {
		return // the structural walk reports a non-object entry
	}
	req := t.Get(e.Node, "request")
	resp := t.Get(e.Node, "response")
	if e.Resource == jsontree.None && req == jsontree.None && resp == jsontree.None {
		c.at(finding.Error, "invariant", "bdl-5", e.Node, "",
			"an entry must have a resource unless it has a request or a response (bdl-5)")
	}
	c.fullURL(i)

	needsRequest := g.Type == "batch" || g.Type == "transaction" || g.Type == "history"
	switch {
	case needsRequest && req == jsontree.None:
		c.at(finding.Error, "invariant", "bdl-3", e.Node, "",
			"every entry of a "+g.Type+" bundle must have a request (bdl-3)")
	case !needsRequest && req != jsontree.None && g.Type != "":
		c.at(finding.Error, "invariant", "bdl-3", req, ".request",
			"entry.request is only allowed in batch, transaction and history bundles, not in a "+typeName(g.Type)+" (bdl-3)")
	}
	needsResponse := g.Type == "batch-response" || g.Type == "transaction-response" || g.Type == "history"
	switch {
	case needsResponse && resp == jsontree.None:
		c.at(finding.Error, "invariant", "bdl-4", e.Node, "",
			"every entry of a "+g.Type+" bundle must have a response (bdl-4)")
	case !needsResponse && resp != jsontree.None && g.Type != "":
		c.at(finding.Error, "invariant", "bdl-4", resp, ".response",
			"entry.response is only allowed in batch-response, transaction-response and history bundles, not in a "+typeName(g.Type)+" (bdl-4)")
	}
	if s := t.Get(e.Node, "search"); s != jsontree.None && g.Type != "searchset" && g.Type != "" {
		c.at(finding.Error, "invariant", "bdl-2", s, ".search",
			"entry.search is only allowed in searchset bundles, not in a "+typeName(g.Type)+" (bdl-2)")
	}
	if (g.Type == "transaction" || g.Type == "batch") && req != jsontree.None {
		c.request(i, req)
	}
}

// fullURL checks presence, form and consistency of entry i's fullUrl.
func (c *entryChecker) fullURL(i int) {
	g, t := c.g, c.t
	e := &g.Entries[i]
	n := t.Get(e.Node, "fullUrl")
	if n == jsontree.None || t.Kind(n) != jsontree.String {
		if e.Resource != jsontree.None && fullURLRequired(g.Type, e, t) {
			c.at(finding.Error, "required", "bundle.fullurl-missing", e.Node, "",
				"this entry has no fullUrl; except in transactions, batches and their responses, every entry with a resource must have a fullUrl, the identity other entries reference it by (use urn:uuid:<uuid> when the resource has no server URL)")
		}
		return
	}
	u := e.FullURL
	if strings.Contains(u, "/_history/") {
		c.at(finding.Error, "invariant", "bdl-8", n, ".fullUrl",
			"fullUrl "+quote(u)+" is version specific; a fullUrl must not contain /_history/ (bdl-8): put the version in resource.meta.versionId")
	}
	switch sch := scheme(u); {
	case sch == "":
		c.at(finding.Error, "invalid", "bundle.fullurl-format", n, ".fullUrl",
			"fullUrl "+quote(u)+" is not absolute; it must be an absolute URL (http://server/fhir/"+orType(e.Type)+"/"+orID(e.ID)+") or a urn:uuid: / urn:oid:")
		return
	case sch == "urn":
		if !strings.HasPrefix(u, "urn:uuid:") && !strings.HasPrefix(u, "urn:oid:") {
			c.at(finding.Warning, "invalid", "bundle.fullurl-format", n, ".fullUrl",
				"fullUrl "+quote(u)+" is a URN, but the only URNs the Bundle rules define are urn:uuid: and urn:oid:")
		} else if why := urnProblem(u); why != "" {
			c.at(finding.Error, "invalid", "bundle.fullurl-format", n, ".fullUrl", "fullUrl "+quote(u)+" is not valid: "+why)
		}
		return
	case sch != "http" && sch != "https":
		c.at(finding.Warning, "invalid", "bundle.fullurl-format", n, ".fullUrl",
			"fullUrl "+quote(u)+" uses the scheme "+quote(sch)+"; references can only resolve to http(s) URLs, urn:uuid: and urn:oid:")
		return
	}
	rest, ok := parseREST(u, c.g.types)
	if !ok || e.Resource == jsontree.None || e.Type == "" {
		return
	}
	switch {
	case e.ID == "":
		c.at(finding.Error, "invalid", "bundle.fullurl-mismatch", n, ".fullUrl",
			"fullUrl "+quote(u)+" is a RESTful URL ending in "+rest.Type+"/"+rest.ID+", but the resource has no id; give it id "+quote(rest.ID)+" or use a urn:uuid: fullUrl")
	case rest.Type != e.Type || rest.ID != e.ID:
		// The spec says SHALL, and the reference validator errs since late
		// 2023; a warning here because the R4 examples themselves break it
		// (lri-example, two message examples) and it is their references,
		// not the entry itself, that go wrong (see ref.base-mismatch).
		c.at(finding.Warning, "invalid", "bundle.fullurl-mismatch", n, ".fullUrl",
			"fullUrl "+quote(u)+" looks like a RESTful URL, so it must end with the resource's type and id (/"+e.Type+"/"+e.ID+")")
	}
}

// fullURLRequired follows Bundle.entry.fullUrl: required except on POSTs in
// transactions and batches, in their responses, and for unidentified results
// of operations (a searchset's OperationOutcome).
func fullURLRequired(bundleType string, e *Entry, t *jsontree.Tree) bool {
	switch bundleType {
	case "transaction", "batch", "transaction-response", "batch-response", "":
		return false
	case "searchset":
		mode := t.Text(t.Get(t.Get(e.Node, "search"), "mode"))
		return e.Type != "OperationOutcome" && mode != "outcome"
	}
	return true
}

// urlVersion identifies an entry for bdl-7: fullUrl and meta.versionId.
type urlVersion struct{ url, version string }

// unique reports an entry that repeats an earlier fullUrl (bdl-7) or, with a
// different fullUrl, an earlier resource's type, id and version.
func (c *entryChecker) unique(i int, seen map[urlVersion]int32) {
	g := c.g
	e := &g.Entries[i]
	if g.Type == "history" {
		return // bdl-7 exempts history: one resource, many versions
	}
	if e.FullURL == "" {
		// no fullUrl to repeat
	} else if all, _ := g.byFullURL.get(e.FullURL, ""); all.count > 1 {
		k := urlVersion{e.FullURL, e.Version}
		if first, dup := seen[k]; dup {
			at := c.t.Get(e.Node, "fullUrl")
			ver := ""
			if e.Version != "" {
				ver = " and meta.versionId " + quote(e.Version)
			}
			c.at(finding.Error, "invariant", "bdl-7", at, ".fullUrl",
				"fullUrl "+quote(e.FullURL)+ver+" is already used by entry "+strconv.Itoa(int(first))+
					"; fullUrls must be unique in a bundle unless the entries are different versions (bdl-7)")
			return
		}
		seen[k] = int32(i)
	}
	if e.Type == "" || e.ID == "" || g.Type == "batch-response" || g.Type == "transaction-response" {
		return
	}
	if g.laterTypeID == nil || g.laterTypeID[i/64]&(1<<(i%64)) == 0 {
		return // the first entry with its type and id: a duplicate is reported at the later one
	}
	all, atVersion := g.byTypeID.get(typeID{e.Type, e.ID}, e.Version)
	set := all
	if e.Version != "" {
		set = atVersion
	}
	j := set.first
	if set.count < 2 || int(j) == i {
		return
	}
	o := &g.Entries[j]
	if o.Version != e.Version || o.FullURL == e.FullURL {
		return // already reported as bdl-7
	}
	if o.Base != "" && e.Base != "" && o.Base != e.Base {
		return // the same id on two servers is two resources
	}
	c.at(finding.Warning, "duplicate", "bundle.duplicate-id", e.Resource, ".resource",
		e.Type+"/"+e.ID+" is also in entry "+strconv.Itoa(int(j))+" (fullUrl "+orNone(o.FullURL)+
			"); a relative reference "+e.Type+"/"+e.ID+" cannot tell the two apart: give the resources distinct ids")
}

// article prefixes a type name with "a" or "an".
func article(s string) string {
	if s != "" && strings.ContainsRune("AEIOU", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

func typeName(t string) string {
	if t == "" {
		return "bundle without a type"
	}
	return t + " bundle"
}

func quote(s string) string { return strconv.Quote(s) }

func orUnknown(s string) string {
	if s == "" {
		return "resource of unknown type"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return quote(s)
}

func orType(s string) string {
	if s == "" {
		return "Type"
	}
	return s
}

func orID(s string) string {
	if s == "" {
		return "id"
	}
	return s
}
