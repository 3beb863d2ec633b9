package triage

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Holidays is the official calendar of days off: public holidays, and the
// weekend days that are worked instead (调休补班). A nil or empty Holidays
// treats Monday to Friday as working days.
type Holidays struct {
	off     map[string]bool
	working map[string]bool
}

// Working reports whether day (a local date) is a working day.
func (h *Holidays) Working(day time.Time) bool {
	key := day.Format(time.DateOnly)
	if h != nil {
		if h.working[key] {
			return true
		}
		if h.off[key] {
			return false
		}
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Len is the number of listed days, for start-up logs.
func (h *Holidays) Len() int {
	if h == nil {
		return 0
	}
	return len(h.off) + len(h.working)
}

// LoadHolidays reads a holiday file; see ParseHolidays for the format.
func LoadHolidays(path string) (*Holidays, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening holidays file: %w", err)
	}
	defer f.Close()
	h, err := ParseHolidays(f)
	if err != nil {
		return nil, fmt.Errorf("holidays file %s: %w", path, err)
	}
	return h, nil
}

// ParseHolidays reads one date per line, YYYY-MM-DD, optionally followed by
// a name. A date followed by the word "workday" or "补班" is an adjusted
// working day. Blank lines and text after '#' are ignored:
//
//	2025-10-01 国庆节
//	2025-09-28 workday 国庆调休
func ParseHolidays(r io.Reader) (*Holidays, error) {
	h := &Holidays{off: map[string]bool{}, working: map[string]bool{}}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		day, err := time.Parse(time.DateOnly, fields[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %q is not a date like 2025-10-01", line, fields[0])
		}
		key := day.Format(time.DateOnly)
		if len(fields) > 1 && (strings.EqualFold(fields[1], "workday") || fields[1] == "补班") {
			h.working[key] = true
			delete(h.off, key)
			continue
		}
		h.off[key] = true
		delete(h.working, key)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return h, nil
}
