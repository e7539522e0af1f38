package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseFlags parses args with fs, accepting flags before, between and after
// the positional arguments ("--" ends the flags; "-" is stdin, an argument).
// -h/--help prints usage and the flags to stdout and returns done with exit
// code 0. A bad flag prints the error, a "did you mean" when a flag is close
// to the mistyped one, and a hint to stderr, and returns done with code 2.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (pos []string, code int, done bool) {
	fs.SetOutput(io.Discard) // errors are printed here, help to stdout
	fs.Usage = func() {}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, fs, usage)
			return nil, 0, true
		}
		if err != nil {
			fmt.Fprintf(stderr, "fhirlens %s: %v\n", fs.Name(), err)
			if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
				if s := suggest(strings.TrimPrefix(name, "-"), flagNames(fs)); s != "" {
					fmt.Fprintf(stderr, "did you mean --%s?\n", s)
				}
			}
			fmt.Fprintf(stderr, "run 'fhirlens %s --help' for usage\n", fs.Name())
			return nil, 2, true
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), 0, false
		}
		if len(rest) == 0 {
			return pos, 0, false
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError prints a usage mistake (not a flag one) with the help hint.
func usageError(stderr io.Writer, cmd, format string, a ...any) int {
	fmt.Fprintf(stderr, "fhirlens %s: %s\n", cmd, fmt.Sprintf(format, a...))
	fmt.Fprintf(stderr, "run 'fhirlens %s --help' for usage\n", cmd)
	return 2
}

// printUsage writes a subcommand's usage text and its flags.
func printUsage(w io.Writer, fs *flag.FlagSet, usage string) {
	fmt.Fprint(w, strings.TrimRight(usage, "\n")+"\n")
	if flagNames(fs) != nil {
		fmt.Fprintln(w, "\nflags (before or after the arguments):")
		writeFlags(w, fs, "  ")
	}
}

// writeFlags lists the flags of fs, one per line with its description and
// default, in the flag package's order (sorted by name).
func writeFlags(w io.Writer, fs *flag.FlagSet, indent string) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		head := "--" + f.Name
		if arg != "" {
			head += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			text += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		if len(head) <= 22 {
			fmt.Fprintf(w, "%s%-22s %s\n", indent, head, text)
		} else {
			fmt.Fprintf(w, "%s%s\n%s%22s %s\n", indent, head, indent, "", text)
		}
	})
}

func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// suggest returns the candidate closest to name when it is close enough to
// be a typo (edit distance at most 2, or 1 for short names, or a prefix).
func suggest(name string, candidates []string) string {
	best, bestDist := "", 1<<30
	for _, c := range candidates {
		d := editDistance(name, c)
		if len(name) >= 3 && strings.HasPrefix(c, name) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := 2
	if len(name) <= 3 {
		limit = 1
	}
	if bestDist <= limit {
		return best
	}
	return ""
}

// editDistance is the Damerau–Levenshtein distance (with adjacent swaps).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
