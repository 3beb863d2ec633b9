package triage

import (
	"regexp"
	"time"
)

// People date what happened by festivals ("国庆节后那个礼拜", "腊月底",
// "春节前后"): the lunar ones move every year, so their dates are listed.
// The dates are approximate by nature; a handler confirms them, but a
// date near the right one is worth more than none.

// lunarFestivals are the Gregorian dates of 春节 (first day of the lunar
// year), 中秋 and 端午, 2020–2030.
var lunarFestivals = map[string]map[int][2]int{
	"春节": {2020: {1, 25}, 2021: {2, 12}, 2022: {2, 1}, 2023: {1, 22}, 2024: {2, 10}, 2025: {1, 29}, 2026: {2, 17}, 2027: {2, 6}, 2028: {1, 26}, 2029: {2, 13}, 2030: {2, 3}},
	"中秋": {2020: {10, 1}, 2021: {9, 21}, 2022: {9, 10}, 2023: {9, 29}, 2024: {9, 17}, 2025: {10, 6}, 2026: {9, 25}, 2027: {9, 15}, 2028: {10, 3}, 2029: {9, 22}, 2030: {9, 12}},
	"端午": {2020: {6, 25}, 2021: {6, 14}, 2022: {6, 3}, 2023: {6, 22}, 2024: {6, 10}, 2025: {5, 31}, 2026: {6, 19}, 2027: {6, 9}, 2028: {5, 28}, 2029: {6, 16}, 2030: {6, 5}},
}

// festivals maps a festival's words to its anchor: a fixed month and day,
// or a lunar festival and a number of days from it.
var festivals = map[string]struct {
	month, day int
	lunar      string
	offset     int
}{
	"元旦": {month: 1, day: 1}, "五一": {month: 5, day: 1}, "劳动节": {month: 5, day: 1},
	"清明": {month: 4, day: 4}, "国庆": {month: 10, day: 1}, "十一长假": {month: 10, day: 1}, "十一假期": {month: 10, day: 1},
	"双十一": {month: 11, day: 11}, "双11": {month: 11, day: 11}, "双十二": {month: 12, day: 12}, "双12": {month: 12, day: 12},
	"六一八": {month: 6, day: 18}, "618": {month: 6, day: 18},
	"春节": {lunar: "春节"}, "过年": {lunar: "春节"}, "除夕": {lunar: "春节", offset: -1}, "大年三十": {lunar: "春节", offset: -1},
	"年三十": {lunar: "春节", offset: -1}, "正月": {lunar: "春节", offset: 7}, "腊月": {lunar: "春节", offset: -10},
	"元宵": {lunar: "春节", offset: 14}, "中秋": {lunar: "中秋"}, "端午": {lunar: "端午"},
}

// festivalRE reads a festival, an optional year before it and an optional
// "before/after" or part after it.
var festivalRE = regexp.MustCompile(`(去年|前年|今年)?\s*(国庆|十一长假|十一假期|元旦|五一|劳动节|春节|过年|除夕|大年三十|年三十|正月|腊月|元宵|中秋|端午|清明|双十一|双11|双十二|双12|六一八|618)节?\s*(前后|期间|之前|以前|之后|以后|前|后|底|初|里)?`)

// festivalNeed are characters one of which a festival's words contain.
const festivalNeed = "庆旦五劳春年除正腊宵秋午明双八8"

// resolveFestival turns a festivalRE match into the latest such date not
// after now, or the one of the year named.
func resolveFestival(m []string, now time.Time) (time.Time, bool) {
	f, ok := festivals[m[2]]
	if !ok {
		return time.Time{}, false
	}
	shift := f.offset
	switch m[3] {
	case "前", "之前", "以前":
		shift -= 3
	case "后", "之后", "以后":
		shift += 7
	case "底":
		shift += 6 // 腊月底: the last days before 除夕
	case "初":
		shift -= 4 // 正月初: the first days of the year
	}
	at := func(y int) (time.Time, bool) {
		md := [2]int{f.month, f.day}
		if f.lunar != "" {
			if md, ok = lunarFestivals[f.lunar][y]; !ok {
				return time.Time{}, false
			}
		}
		t, ok := ymd(y, md[0], md[1], now)
		return t.AddDate(0, 0, shift), ok
	}
	if m[1] != "" {
		return at(now.Year() - map[string]int{"去年": 1, "前年": 2}[m[1]])
	}
	// 腊月 of the coming lunar year can fall in this Gregorian year's
	// January, so the next year's anchor is a candidate too.
	for _, y := range []int{now.Year() + 1, now.Year(), now.Year() - 1} {
		if t, ok := at(y); ok && !t.After(now) {
			return t, true
		}
	}
	return time.Time{}, false
}
