package triage

import (
	"cmp"
	"errors"
	"time"
)

// ChinaTime is the zone deadlines are counted in. China has one zone and no
// daylight saving, so a fixed offset is exact and needs no tzdata.
var ChinaTime = time.FixedZone("CST", 8*60*60)

// DeadlineConfig holds the legal clock of 《银行业保险业消费投诉处理管理办法》.
// Every value is configurable because the rule is being revised.
type DeadlineConfig struct {
	// Days is the time to a decision, counted from the day after receipt.
	// Defaults to 15.
	Days int
	// ComplexDays replaces Days for a case marked complex. Defaults to 30.
	ComplexDays int
	// ExtensionDays is the most a deadline may be extended in total, with a
	// reason and a notice to the consumer. Defaults to 30; a negative value
	// forbids extensions.
	ExtensionDays int
	// WorkingDays counts only working days (weekends and Holidays skipped,
	// adjusted working days counted). Defaults to calendar days.
	WorkingDays bool
	// Holidays lists public holidays and adjusted working days. Defaults to
	// none, so only weekends are days off.
	Holidays *Holidays
	// StrictCalendar stops a calendar-day deadline that ends on a day off
	// from moving to the next working day. By default it moves, as 民法典
	// 第二百零三条 says for periods ending on a statutory rest day.
	StrictCalendar bool
	// DueSoon is how close to its deadline a case counts as due soon.
	// Defaults to 3 days.
	DueSoon time.Duration
	// Location is the zone days are counted in. Defaults to ChinaTime.
	Location *time.Location
}

func (c *DeadlineConfig) setDefaults() {
	c.Days = cmp.Or(c.Days, 15)
	c.ComplexDays = cmp.Or(c.ComplexDays, 30)
	c.ExtensionDays = cmp.Or(c.ExtensionDays, 30)
	c.DueSoon = cmp.Or(c.DueSoon, 72*time.Hour)
	if c.Location == nil {
		c.Location = ChinaTime
	}
	if c.Holidays == nil {
		c.Holidays = &Holidays{}
	}
}

func (c *DeadlineConfig) validate() error {
	switch {
	case c.Days < 1 || c.Days > 365:
		return errors.New("triage: deadline days must be 1 to 365")
	case c.ComplexDays < c.Days || c.ComplexDays > 365:
		return errors.New("triage: complex deadline days must be at least the normal deadline and at most 365")
	case c.ExtensionDays > 365:
		return errors.New("triage: extension days must be at most 365")
	case c.DueSoon < 0:
		return errors.New("triage: due-soon window must not be negative")
	}
	return nil
}

// maxExtension is the extension budget in days; 0 when extensions are off.
func (c *DeadlineConfig) maxExtension() int { return max(c.ExtensionDays, 0) }

// baseDays is the decision period for a case.
func (c *DeadlineConfig) baseDays(complex bool) int {
	if complex {
		return c.ComplexDays
	}
	return c.Days
}

// Clock is the state of one case's legal clock, as stored on the case.
type Clock struct {
	// StartedAt is receipt, or the day the consumer brought new facts.
	StartedAt time.Time
	// Days is the decision period (normal or complex).
	Days int
	// ExtensionDays are granted extensions.
	ExtensionDays int
	// PausedDays are counted days during which the clock stood still
	// (external appraisal), from pauses that have ended.
	PausedDays int
}

// Deadline is the end of the last day of the clock: 23:59:59 local time of
// the day reached by counting Days+ExtensionDays+PausedDays from the day
// after StartedAt (the receiving day itself does not count).
func (c *DeadlineConfig) Deadline(k Clock) time.Time {
	n := k.Days + k.ExtensionDays + k.PausedDays
	day := civilDay(k.StartedAt, c.Location)
	if c.WorkingDays {
		for counted := 0; counted < n; {
			day = day.AddDate(0, 0, 1)
			if c.Holidays.Working(day) {
				counted++
			}
		}
	} else {
		day = day.AddDate(0, 0, n)
		if !c.StrictCalendar {
			for !c.Holidays.Working(day) {
				day = day.AddDate(0, 0, 1)
			}
		}
	}
	return endOfDay(day)
}

// CountedDays is how many days the clock counts in the period (from, to]:
// calendar days, or working days in working-day mode. It measures a pause.
func (c *DeadlineConfig) CountedDays(from, to time.Time) int {
	a, b := civilDay(from, c.Location), civilDay(to, c.Location)
	if !b.After(a) {
		return 0
	}
	if !c.WorkingDays {
		return int(b.Sub(a).Hours()/24 + 0.5)
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.Holidays.Working(d) {
			n++
		}
	}
	return n
}

// civilDay is midnight of t's date in loc. Dates are kept as local
// midnights so AddDate walks days, never 24-hour blocks.
func civilDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func endOfDay(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, 23, 59, 59, 0, day.Location())
}
