package triage

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ChinaTime)
	if err != nil {
		panic(err)
	}
	return t
}

func endOf(s string) time.Time { return day(s + " 23:59").Add(59 * time.Second) }

const testHolidays = `# 国庆节 2026 (a test calendar)
2026-10-01 国庆节
2026-10-02
2026-10-03
2026-10-04
2026-10-05
2026-10-06
2026-10-07
2026-10-10 workday 国庆调休
`

func TestDeadlines(t *testing.T) {
	t.Parallel()
	hol, err := ParseHolidays(strings.NewReader(testHolidays))
	noErr(t, err)
	calendar := DeadlineConfig{}
	calendar.setDefaults()
	strict := DeadlineConfig{StrictCalendar: true}
	strict.setDefaults()
	calendarHol := DeadlineConfig{Holidays: hol}
	calendarHol.setDefaults()
	working := DeadlineConfig{WorkingDays: true, Holidays: hol}
	working.setDefaults()

	for _, tc := range []struct {
		name string
		cfg  *DeadlineConfig
		k    Clock
		want time.Time
	}{
		{"15 calendar days, the receiving day not counted", &calendar,
			Clock{StartedAt: day("2026-03-02 10:00"), Days: 15}, endOf("2026-03-17")},
		{"a deadline on a Saturday moves to Monday (民法典 203)", &calendar,
			Clock{StartedAt: day("2026-03-06 10:00"), Days: 15}, endOf("2026-03-23")},
		{"unless strict calendar days are configured", &strict,
			Clock{StartedAt: day("2026-03-06 10:00"), Days: 15}, endOf("2026-03-21")},
		{"days are China days whatever the input zone", &calendar,
			Clock{StartedAt: day("2026-03-03 00:30").UTC(), Days: 15}, endOf("2026-03-18")},
		{"a deadline in the National Day holiday moves past it", &calendarHol,
			Clock{StartedAt: day("2026-09-20 09:00"), Days: 11}, endOf("2026-10-08")},
		{"15 working days skip weekends", &working,
			Clock{StartedAt: day("2026-03-02 10:00"), Days: 15}, endOf("2026-03-23")},
		{"working days skip holidays and count the adjusted Saturday", &working,
			Clock{StartedAt: day("2026-09-30 16:00"), Days: 5}, endOf("2026-10-13")},
		{"complex 30 + extension 30 + 5 paused days", &calendar,
			Clock{StartedAt: day("2026-03-02 10:00"), Days: 30, ExtensionDays: 30, PausedDays: 5}, endOf("2026-05-06")},
	} {
		eqTime(t, tc.cfg.Deadline(tc.k), tc.want, tc.name)
	}

	eq(t, calendar.CountedDays(day("2026-03-02 10:00"), day("2026-03-05 09:00")), 3, "calendar pause")
	eq(t, calendar.CountedDays(day("2026-03-02 10:00"), day("2026-03-02 18:00")), 0, "same-day pause")
	eq(t, calendar.CountedDays(day("2026-03-05 10:00"), day("2026-03-02 18:00")), 0, "backwards")
	eq(t, working.CountedDays(day("2026-03-06 10:00"), day("2026-03-09 10:00")), 1, "Fri→Mon is one working day")
	eq(t, working.CountedDays(day("2026-09-30 10:00"), day("2026-10-10 10:00")), 3, "8, 9 and the adjusted 10 October")
}

func TestParseHolidays(t *testing.T) {
	t.Parallel()
	h, err := ParseHolidays(strings.NewReader(testHolidays + "\n  \n2026-10-11 补班 # also worked\n"))
	noErr(t, err)
	eq(t, h.Len(), 9)
	isTrue(t, !h.Working(day("2026-10-01 00:00")), "holiday")
	isTrue(t, h.Working(day("2026-10-10 00:00")), "adjusted Saturday")
	isTrue(t, h.Working(day("2026-10-11 00:00")), "补班 Sunday")
	isTrue(t, !h.Working(day("2026-10-17 00:00")), "ordinary Saturday")
	isTrue(t, h.Working(day("2026-10-09 00:00")), "ordinary Friday")
	var none *Holidays
	isTrue(t, none.Working(day("2026-10-01 00:00")), "no calendar: a Thursday works")

	_, err = ParseHolidays(strings.NewReader("2026-10-01\n2026/10/02\n"))
	isTrue(t, err != nil && strings.Contains(err.Error(), "line 2"), "error names the line: %v", err)
}

func TestDeadlineConfigValidate(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]DeadlineConfig{
		"negative days":        {Days: -1},
		"complex below normal": {Days: 20, ComplexDays: 10},
		"absurd extension":     {ExtensionDays: 1000},
	} {
		c.setDefaults()
		isTrue(t, c.validate() != nil, name)
	}
	c := DeadlineConfig{ExtensionDays: -1}
	c.setDefaults()
	noErr(t, c.validate())
	eq(t, c.maxExtension(), 0, "negative forbids extensions")
}
