package triage

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	// A Monday afternoon.
	now := time.Date(2026, 11, 23, 15, 4, 0, 0, cst)
	day := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, cst) }
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2025-10-03", day(2025, 10, 3, 0, 0), true},
		{"2025/10/3", day(2025, 10, 3, 0, 0), true},
		{"2025.10.03", day(2025, 10, 3, 0, 0), true},
		{"2025年10月3日", day(2025, 10, 3, 0, 0), true},
		{"2025年10月3号下午", day(2025, 10, 3, 15, 0), true},
		{"10月3号", day(2026, 10, 3, 0, 0), true},
		{"十月三号", day(2026, 10, 3, 0, 0), true},
		{"12月5号", day(2025, 12, 5, 0, 0), true}, // not yet this year: last year
		{"上个月", day(2026, 10, 1, 0, 0), true},
		{"上个月15号", day(2026, 10, 15, 0, 0), true},
		{"上月底", day(2026, 10, 25, 0, 0), true},
		{"上上个月", day(2026, 9, 1, 0, 0), true},
		{"这个月3号", day(2026, 11, 3, 0, 0), true},
		{"前天", day(2026, 11, 21, 0, 0), true},
		{"大前天", day(2026, 11, 20, 0, 0), true},
		{"昨天", day(2026, 11, 22, 0, 0), true},
		{"昨天晚上", day(2026, 11, 22, 20, 0), true},
		{"昨晚", day(2026, 11, 22, 20, 0), true},
		{"昨天晚上8点半", day(2026, 11, 22, 20, 30), true},
		{"今天早上8点", day(2026, 11, 23, 8, 0), true},
		{"今天", day(2026, 11, 23, 0, 0), true},
		{"上周三", day(2026, 11, 18, 0, 0), true},
		// Festivals, fixed and lunar, before or after.
		{"国庆节后那个礼拜", day(2026, 10, 8, 0, 0), true},
		{"春节前后，腊月底那几天", day(2026, 2, 17, 0, 0), true},
		{"腊月底", day(2026, 2, 13, 0, 0), true},
		{"去年春节", day(2025, 1, 29, 0, 0), true},
		{"中秋节那天", day(2026, 9, 25, 0, 0), true},
		{"端午前", day(2026, 6, 16, 0, 0), true},
		{"双十一买的", day(2026, 11, 11, 0, 0), true},
		{"今年六一八的时候", day(2026, 6, 18, 0, 0), true},
		// A stretch up to now resolves to its start; a few days back.
		{"这一个礼拜", day(2026, 11, 16, 0, 0), true},
		{"这两个礼拜", day(2026, 11, 9, 0, 0), true},
		{"这十来天天天打", day(2026, 11, 13, 0, 0), true},
		{"这半个月一直在打", day(2026, 11, 8, 0, 0), true},
		{"最近三个月", day(2026, 8, 23, 0, 0), true},
		{"前几天", day(2026, 11, 20, 0, 0), true},
		{"这个月3号", day(2026, 11, 3, 0, 0), true},
		{"元旦", day(2026, 1, 1, 0, 0), true},
		{"上个星期五", day(2026, 11, 20, 0, 0), true},
		{"上礼拜天", day(2026, 11, 22, 0, 0), true},
		{"周三", day(2026, 11, 18, 0, 0), true}, // said on a Monday: last Wednesday
		{"三天前", day(2026, 11, 20, 0, 0), true},
		{"3天前", day(2026, 11, 20, 0, 0), true},
		{"两周前", day(2026, 11, 9, 0, 0), true},
		{"半个月前", day(2026, 11, 8, 0, 0), true},
		{"两个多月前", day(2026, 9, 23, 0, 0), true},
		{"一年前", day(2025, 11, 23, 0, 0), true},
		{"去年12月", day(2025, 12, 1, 0, 0), true},
		{"去年", day(2025, 1, 1, 0, 0), true},
		{"今年三月份", day(2026, 3, 1, 0, 0), true},
		{"今年3月", day(2026, 3, 1, 0, 0), true},
		{"我妈今年七十二了，上个月去存钱", day(2026, 10, 1, 0, 0), true}, // an age, then the date
		{"我爸今年83岁", time.Time{}, false},
		{"今年初", day(2026, 1, 1, 0, 0), true},
		{"3号", day(2026, 11, 3, 0, 0), true},
		{"25号", day(2026, 10, 25, 0, 0), true}, // still ahead this month
		{"刚才", now, true},
		{"大概是上个月10号左右吧", day(2026, 10, 10, 0, 0), true},
		{"", time.Time{}, false},
		{"不记得了", time.Time{}, false},
		{"下午", time.Time{}, false},
		{"2月30日", time.Time{}, false},
		{"3号线地铁站", time.Time{}, false},
		{"13812345678", time.Time{}, false},
	}
	for _, c := range cases {
		got, ok := ParseDate(c.in, now)
		if ok != c.ok || (ok && !got.Equal(c.want)) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseDateUsesNowsLocation(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("X", -5*3600)
	now := time.Date(2026, 1, 2, 1, 0, 0, 0, loc)
	got, ok := ParseDate("昨天", now)
	if !ok || got.Location() != loc || got.Day() != 1 {
		t.Fatalf("ParseDate(昨天) = %v, %v; want Jan 1 in the message's zone", got, ok)
	}
}
