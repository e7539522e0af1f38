package bundle

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// request checks entry.request of a transaction or batch entry: the method,
// the form of the url for that method, and that the resource agrees with it
// (FHIR RESTful API: create POSTs to [type], update PUTs to [type]/[id]
// with a resource of that id).
func (c *entryChecker) request(i int, req jsontree.ID) {
	t := c.t
	e := &c.g.Entries[i]
	mn := t.Get(req, "method")
	un := t.Get(req, "url")
	method, url := e.Method, e.Request
	switch method {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH":
	case "":
		return // missing or not a string: cardinality and type checks report it
	default:
		c.at(finding.Error, "code-invalid", "bundle.request-method", mn, ".request.method",
			"request.method "+quote(method)+" is not an HTTP verb FHIR allows: use GET, HEAD, POST, PUT, DELETE or PATCH")
		return
	}
	if un == jsontree.None || t.Kind(un) != jsontree.String {
		return
	}
	upath := ".request.url"
	if scheme(url) != "" {
		c.at(finding.Information, "invalid", "bundle.request-url", un, upath,
			"request.url "+quote(url)+" is absolute; it should be relative to the server the "+c.g.Type+" is posted to, e.g. "+orType(e.Type))
		return
	}
	r, why := parseRequestURL(url, c.g.types)
	if why != "" {
		c.at(finding.Error, "invalid", "bundle.request-url", un, upath, "request.url "+quote(url)+" is not valid: "+why)
		return
	}
	bad := func(want string) {
		c.at(finding.Error, "invalid", "bundle.request-url", un, upath,
			"request.url "+quote(url)+" does not fit "+method+": "+want)
	}
	switch method {
	case "POST":
		if r.op == "" && !r.search && (r.id != "" || r.typ == "" || r.history || r.query) {
			bad("a create POSTs to the resource type alone, e.g. " + quote(orType(e.Type)))
			return
		}
	case "PUT", "PATCH", "DELETE":
		if r.op != "" || r.search || r.history || r.typ == "" || r.id == "" && !r.query {
			bad("it needs [type]/[id] or a conditional [type]?[search parameters]")
			return
		}
	}
	c.requestResource(i, method, r, url, upath)
}

// requestResource checks that the entry's resource agrees with its request.
func (c *entryChecker) requestResource(i int, method string, r requestURL, url, upath string) {
	e := &c.g.Entries[i]
	un := c.t.Get(c.t.Get(e.Node, "request"), "url")
	switch method {
	case "POST", "PUT":
		if r.op != "" || r.search {
			return // operations take Parameters or any resource
		}
		if e.Resource == jsontree.None {
			c.at(finding.Error, "required", "bundle.request-resource", e.Node, "",
				"a "+method+" entry must carry the resource to "+map[bool]string{true: "create", false: "update"}[method == "POST"])
			return
		}
		if e.Type != "" && r.typ != e.Type {
			c.at(finding.Error, "invalid", "bundle.request-resource", un, upath,
				"request.url "+quote(url)+" is for "+r.typ+", but the entry's resource is "+article(e.Type))
			return
		}
		if method == "PUT" && r.id != "" && e.ID != r.id {
			c.at(finding.Error, "invalid", "bundle.request-resource", un, upath,
				"request.url "+quote(url)+" updates id "+quote(r.id)+", but the resource's id is "+orNone(e.ID)+"; an update's resource must have the id of its URL")
		}
	case "GET", "HEAD", "DELETE":
		if e.Resource != jsontree.None {
			c.at(finding.Warning, "invalid", "bundle.request-resource", e.Resource, ".resource",
				"a "+method+" entry has a resource, which the server ignores; remove it or change the method")
		}
	}
}

// requestURL is a parsed relative request URL.
type requestURL struct {
	typ, id string
	op      string // "$everything"
	history bool   // .../_history[/vid]
	search  bool   // [type]/_search or _search
	query   bool   // has ?parameters
}

// parseRequestURL reads the relative URL forms of the FHIR RESTful API:
// [type], [type]/[id], [type]/[id]/_history[/vid], [type]/_history,
// _history, [type]/_search, $op, [type]/$op, [type]/[id]/$op,
// [type]/[id]/[compartment type], metadata, each optionally with ?query.
func parseRequestURL(s string, types map[string]bool) (requestURL, string) {
	var r requestURL
	if q := strings.IndexByte(s, '?'); q >= 0 {
		r.query = true
		s = s[:q]
	}
	s = strings.TrimPrefix(s, "/")
	if s == "" {
		if r.query {
			return r, "" // whole-system search
		}
		return r, "it is empty"
	}
	seg := strings.Split(s, "/")
	if len(seg) == 1 {
		switch {
		case seg[0] == "metadata":
			return r, ""
		case seg[0] == "_history":
			r.history = true
			return r, ""
		case seg[0] == "_search":
			r.search = true
			return r, ""
		case strings.HasPrefix(seg[0], "$"):
			r.op = seg[0]
			return r, ""
		}
	}
	if !types[seg[0]] {
		return r, quote(seg[0]) + " is not a resource type"
	}
	r.typ = seg[0]
	if len(seg) == 1 {
		return r, ""
	}
	switch {
	case seg[1] == "_history" && len(seg) == 2:
		r.history = true
		return r, ""
	case seg[1] == "_search" && len(seg) == 2:
		r.search = true
		return r, ""
	case strings.HasPrefix(seg[1], "$") && len(seg) == 2:
		r.op = seg[1]
		return r, ""
	case !isFHIRID(seg[1]):
		return r, quote(seg[1]) + " is not a valid resource id"
	}
	r.id = seg[1]
	switch {
	case len(seg) == 2:
		return r, ""
	case len(seg) == 3 && seg[2] == "_history", len(seg) == 4 && seg[2] == "_history" && isFHIRID(seg[3]):
		r.history = true
		return r, ""
	case len(seg) == 3 && strings.HasPrefix(seg[2], "$"):
		r.op = seg[2]
		return r, ""
	case len(seg) == 3 && (types[seg[2]] || seg[2] == "*"):
		return r, "" // compartment search
	}
	return r, "it is not one of the URL forms of the FHIR RESTful API ([type], [type]/[id], [type]/[id]/_history/[vid], [type]?[parameters], $[operation] ...)"
}
