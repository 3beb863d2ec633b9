package triage

import "slices"

// Every keyword list of the classifier (lexicons, flag rules, demand cues)
// is registered here and compiled into one Aho–Corasick automaton, so a
// text is scanned once for all of them instead of once per keyword: with
// about 1,500 keywords that is the difference between 1,500 substring
// searches and one pass.

// phraseList is a registered keyword list: patterns [first, first+n).
type phraseList struct {
	first, n int
	words    []string
}

var (
	allPhrases []string
	// phraseMatcher is built lazily after every package-level list has
	// registered (registration happens in variable initialisation).
	phraseMatcher *acMatcher
)

// phrases registers a keyword list. Words must be lower-case: texts are
// matched after asciiLower.
func phrases(words ...string) *phraseList {
	if phraseMatcher != nil {
		panic("triage: phrases registered after the matcher was built")
	}
	l := &phraseList{first: len(allPhrases), n: len(words), words: words}
	allPhrases = append(allPhrases, words...)
	return l
}

func init() { phraseMatcher = newACMatcher(allPhrases) }

// textHits records, for one text, the end offset of the first occurrence
// of every registered phrase (or -1).
type textHits struct {
	end []int32
}

// scanPhrases finds every registered phrase in lower (an asciiLower-ed,
// prepared text).
func scanPhrases(lower string) *textHits {
	h := &textHits{end: make([]int32, len(allPhrases))}
	for i := range h.end {
		h.end[i] = -1
	}
	phraseMatcher.scan(lower, func(pattern int, end int) {
		if h.end[pattern] < 0 {
			h.end[pattern] = int32(end)
		}
	})
	return h
}

// any reports whether a phrase of l occurs.
func (h *textHits) any(l *phraseList) bool {
	for i := l.first; i < l.first+l.n; i++ {
		if h.end[i] >= 0 {
			return true
		}
	}
	return false
}

// count returns how many distinct phrases of l occur, up to limit.
func (h *textHits) count(l *phraseList, limit int) int {
	c := 0
	for i := l.first; i < l.first+l.n && c < limit; i++ {
		if h.end[i] >= 0 {
			c++
		}
	}
	return c
}

// anyBefore reports whether a phrase of l ends within the first end bytes.
func (h *textHits) anyBefore(l *phraseList, end int) bool {
	for i := l.first; i < l.first+l.n; i++ {
		if e := h.end[i]; e >= 0 && int(e) <= end {
			return true
		}
	}
	return false
}

// acMatcher is a byte-level Aho–Corasick automaton. UTF-8 is
// self-synchronising, so byte matches of valid UTF-8 patterns in valid
// UTF-8 text always fall on rune boundaries.
type acMatcher struct {
	root  [256]int32 // transitions from the root, dense for speed
	nodes []acNode
}

type acNode struct {
	keys []byte
	next []int32
	fail int32
	// out lists the patterns ending here; dict is the nearest node on the
	// failure chain that has outputs, so matches need no chain walk.
	out  []int32
	dict int32
}

func newACMatcher(patterns []string) *acMatcher {
	m := &acMatcher{nodes: []acNode{{dict: -1}}}
	child := func(n int32, b byte) int32 {
		nd := &m.nodes[n]
		if i := slices.Index(nd.keys, b); i >= 0 {
			return nd.next[i]
		}
		return -1
	}
	for id, p := range patterns {
		if p == "" {
			continue
		}
		n := int32(0)
		for i := 0; i < len(p); i++ {
			c := child(n, p[i])
			if c < 0 {
				c = int32(len(m.nodes))
				m.nodes = append(m.nodes, acNode{dict: -1})
				m.nodes[n].keys = append(m.nodes[n].keys, p[i])
				m.nodes[n].next = append(m.nodes[n].next, c)
			}
			n = c
		}
		m.nodes[n].out = append(m.nodes[n].out, int32(id))
	}
	// Breadth-first failure links.
	queue := []int32{}
	for _, c := range m.nodes[0].next {
		m.nodes[c].fail = 0
		queue = append(queue, c)
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for i, b := range m.nodes[n].keys {
			c := m.nodes[n].next[i]
			f := m.nodes[n].fail
			for {
				if g := child(f, b); g >= 0 && g != c {
					m.nodes[c].fail = g
					break
				}
				if f == 0 {
					m.nodes[c].fail = 0
					break
				}
				f = m.nodes[f].fail
			}
			fl := m.nodes[c].fail
			if len(m.nodes[fl].out) > 0 {
				m.nodes[c].dict = fl
			} else {
				m.nodes[c].dict = m.nodes[fl].dict
			}
			queue = append(queue, c)
		}
	}
	for b := 0; b < 256; b++ {
		m.root[b] = child(0, byte(b))
		if m.root[b] < 0 {
			m.root[b] = 0
		}
	}
	return m
}

// scan calls found(pattern, endOffset) for every occurrence in text.
func (m *acMatcher) scan(text string, found func(pattern, end int)) {
	n := int32(0)
	for i := 0; i < len(text); i++ {
		b := text[i]
		for {
			if n == 0 {
				n = m.root[b]
				break
			}
			nd := &m.nodes[n]
			if j := slices.Index(nd.keys, b); j >= 0 {
				n = nd.next[j]
				break
			}
			n = nd.fail
		}
		for d := n; d > 0; d = m.nodes[d].dict {
			for _, p := range m.nodes[d].out {
				found(int(p), i+1)
			}
		}
	}
}
