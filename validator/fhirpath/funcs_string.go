package fhirpath

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"
)

func registerStrings() {
	register("indexOf", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		sub, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		i := strings.Index(s, sub)
		if i < 0 {
			return Collection{Integer(-1)}
		}
		return Collection{Integer(utf8.RuneCountInString(s[:i]))}
	})
	register("lastIndexOf", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		sub, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		i := strings.LastIndex(s, sub)
		if i < 0 {
			return Collection{Integer(-1)}
		}
		return Collection{Integer(utf8.RuneCountInString(s[:i]))}
	})
	register("substring", 1, 2, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		start, ok2 := ev.intArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		ev.spendBytes(c, 4*len(s))
		r := []rune(s)
		if start < 0 || start >= int64(len(r)) {
			return nil
		}
		end := int64(len(r))
		if len(c.args) == 2 {
			n, ok := ev.intArg(c, 1, focus, fr)
			if ok {
				end = min(end, start+max(n, 0))
			}
		}
		return Collection{String(string(r[start:end]))}
	})
	strPred := func(name string, f func(s, arg string) bool) {
		register(name, 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
			s, ok := ev.stringInput(c, in)
			a, ok2 := ev.stringArg(c, 0, focus, fr)
			if !ok || !ok2 {
				return nil
			}
			return boolColl(f(s, a))
		})
	}
	strPred("startsWith", strings.HasPrefix)
	strPred("endsWith", strings.HasSuffix)
	strPred("contains", strings.Contains)
	// strFn registers a function of the input string; grow is the most bytes
	// of new string it builds per input byte, charged to the byte budget
	// (0: it builds none).
	strFn := func(name string, grow int, f func(s string) Value) {
		register(name, 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
			s, ok := ev.stringInput(c, in)
			if !ok {
				return nil
			}
			if grow > 0 {
				ev.spendBytes(c, grow*len(s))
			}
			return Collection{f(s)}
		})
	}
	strFn("upper", 3, func(s string) Value { return String(strings.ToUpper(s)) })
	strFn("lower", 3, func(s string) Value { return String(strings.ToLower(s)) })
	strFn("length", 0, func(s string) Value { return Integer(utf8.RuneCountInString(s)) })
	strFn("trim", 0, func(s string) Value { return String(strings.TrimSpace(s)) })
	register("toChars", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		if !ok {
			return nil
		}
		ev.spend(c, len(s))
		var out Collection
		for _, r := range s {
			out = append(out, String(string(r)))
		}
		return out
	})
	register("replace", 2, 2, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		pat, ok2 := ev.stringArg(c, 0, focus, fr)
		sub, ok3 := ev.stringArg(c, 1, focus, fr)
		if !ok || !ok2 || !ok3 {
			return nil
		}
		ev.spendBytes(c, replaceSize(s, pat, sub))
		return Collection{String(strings.ReplaceAll(s, pat, sub))}
	})
	register("matches", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		pat, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		return boolColl(ev.regex(c, "(?s)"+pat).MatchString(s))
	})
	register("matchesFull", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		pat, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		return boolColl(ev.regex(c, "(?s)^(?:"+pat+")$").MatchString(s))
	})
	register("replaceMatches", 2, 2, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		pat, ok2 := ev.stringArg(c, 0, focus, fr)
		sub, ok3 := ev.stringArg(c, 1, focus, fr)
		if !ok || !ok2 || !ok3 {
			return nil
		}
		if pat == "" {
			return Collection{String(s)}
		}
		re := ev.regex(c, "(?s)"+pat)
		ev.spendBytes(c, replaceMatchesSize(s, sub))
		return Collection{String(re.ReplaceAllString(s, sub))}
	})
	register("split", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		sep, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		ev.spend(c, strings.Count(s, sep))
		var out Collection
		for _, p := range strings.Split(s, sep) {
			out = append(out, String(p))
		}
		return out
	})
	register("join", 0, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		sep := ""
		if len(c.args) == 1 {
			sep, _ = ev.stringArg(c, 0, focus, fr)
		}
		parts := make([]string, 0, len(in))
		for _, v := range in {
			s, ok := ev.primitive(v).(String)
			if !ok {
				ev.fail(c, "join() needs strings, got %s", typeLabel(v))
			}
			parts = append(parts, string(s))
			ev.spendBytes(c, len(s)+len(sep))
		}
		return Collection{String(strings.Join(parts, sep))}
	})
	register("encode", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		enc, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		ev.spendBytes(c, 2*len(s)+4)
		switch enc {
		case "base64":
			return Collection{String(base64.StdEncoding.EncodeToString([]byte(s)))}
		case "urlbase64":
			return Collection{String(base64.URLEncoding.EncodeToString([]byte(s)))}
		case "hex":
			return Collection{String(hex.EncodeToString([]byte(s)))}
		}
		ev.fail(c.args[0], "unknown encoding %q", enc)
		return nil
	})
	register("decode", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		enc, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		ev.spendBytes(c, len(s))
		var b []byte
		var err error
		switch enc {
		case "base64":
			b, err = base64.StdEncoding.DecodeString(s)
		case "urlbase64":
			b, err = base64.URLEncoding.DecodeString(s)
		case "hex":
			b, err = hex.DecodeString(s)
		default:
			ev.fail(c.args[0], "unknown encoding %q", enc)
		}
		if err != nil {
			return nil
		}
		return Collection{String(b)}
	})
	register("escape", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		kind, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		ev.spendBytes(c, 6*len(s))
		switch kind {
		case "html":
			return Collection{String(htmlEscaper.Replace(s))}
		case "json":
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s)
			out := strings.TrimSuffix(b.String(), "\n")
			return Collection{String(out[1 : len(out)-1])}
		}
		ev.fail(c.args[0], "unknown escape target %q", kind)
		return nil
	})
	register("unescape", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		s, ok := ev.stringInput(c, in)
		kind, ok2 := ev.stringArg(c, 0, focus, fr)
		if !ok || !ok2 {
			return nil
		}
		ev.spendBytes(c, len(s))
		switch kind {
		case "html":
			return Collection{String(html.UnescapeString(s))}
		case "json":
			return Collection{String(unescapeJSON(s))}
		}
		ev.fail(c.args[0], "unknown escape target %q", kind)
		return nil
	})
}

// regex compiles a pattern (cached per process, bounded).
func (ev *evaluator) regex(c *callNode, pat string) *regexp.Regexp {
	if re, ok := regexCache.Load(pat); ok {
		return re.(*regexp.Regexp)
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		ev.fail(c, "invalid regular expression: %v", err)
	}
	if regexCount.Add(1) < maxCachedRegexes {
		regexCache.Store(pat, re)
	}
	return re
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// unescapeJSON decodes JSON string escapes; other characters pass through.
func unescapeJSON(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			var out string
			if i+5 <= len(s) && json.Unmarshal([]byte(`"\\u`+s[i+1:i+5]+`"`), &out) == nil {
				b.WriteString(out)
				i += 4
				continue
			}
			b.WriteString(`\\u`)
		default:
			b.WriteByte(e)
		}
	}
	return b.String()
}
