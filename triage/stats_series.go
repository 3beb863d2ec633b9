package triage

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// SeriesDimensions are what a time series can be broken down by.
var SeriesDimensions = []string{"product", "reason", "flag", "channel", "institution", "status"}

// TimeSeries is the number of cases filed per China day, one line per key
// of a dimension, for trend charts.
type TimeSeries struct {
	By      string       `json:"by"`
	Buckets []string     `json:"buckets"`
	Series  []SeriesLine `json:"series"`
}

// SeriesLine is one key's counts, aligned with TimeSeries.Buckets.
type SeriesLine struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Total  int    `json:"total"`
	Counts []int  `json:"counts"`
}

// TimeSeries counts filings per day in q's period broken down by one of
// SeriesDimensions; lines are ordered by their total, largest first.
func (s *Service) TimeSeries(ctx context.Context, q StatsQuery, by string) (TimeSeries, error) {
	if !validDimension(by) {
		return TimeSeries{}, invalidf("by 应为 product、reason、flag、channel、institution 或 status")
	}
	if !q.To.After(q.From) || q.To.Sub(q.From) > maxStatsDays*24*time.Hour {
		return TimeSeries{}, invalidf("统计区间不正确（最长 %d 天）", maxStatsDays)
	}
	out := TimeSeries{By: by, Buckets: []string{}, Series: []SeriesLine{}}
	index := map[string]int{}
	for d := civilDay(q.From, ChinaTime); d.Before(q.To); d = d.AddDate(0, 0, 1) {
		index[d.Format(time.DateOnly)] = len(out.Buckets)
		out.Buckets = append(out.Buckets, d.Format(time.DateOnly))
	}
	rows, err := s.db.Query(ctx, sqlStatsSeries, pgx.NamedArgs{
		"from": q.From, "to": q.To, "scope": s.Scope(q.Institution), "by": by,
	})
	if err != nil {
		return TimeSeries{}, wrap("time series", err)
	}
	lines := map[string]*SeriesLine{}
	var day time.Time
	var key string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&day, &key, &n}, func() error {
		i, ok := index[day.Format(time.DateOnly)]
		if !ok {
			return nil
		}
		l := lines[key]
		if l == nil {
			l = &SeriesLine{Key: key, Name: dimensionName(by, key), Counts: make([]int, len(out.Buckets))}
			lines[key] = l
		}
		l.Counts[i] += n
		l.Total += n
		return nil
	})
	if err != nil {
		return TimeSeries{}, wrap("time series", err)
	}
	for _, l := range lines {
		out.Series = append(out.Series, *l)
	}
	sortLines(out.Series)
	return out, nil
}

func validDimension(by string) bool {
	for _, d := range SeriesDimensions {
		if d == by {
			return true
		}
	}
	return false
}

// dimensionName is the Chinese name of a key of a dimension.
func dimensionName(by, key string) string {
	switch by {
	case "product":
		return NameOf(Products, key)
	case "reason":
		return NameOf(Reasons, key)
	case "flag":
		return NameOf(Flags, key)
	case "channel":
		return NameOf(channelNames, key)
	case "status":
		return StatusName(key)
	}
	if key == "" {
		return "（未识别机构）"
	}
	return key
}

func sortLines(l []SeriesLine) {
	c := make([]Count, len(l))
	pos := map[string]SeriesLine{}
	for i, x := range l {
		c[i] = Count{Key: x.Key, Count: x.Total}
		pos[x.Key] = x
	}
	sortCounts(c)
	for i, x := range c {
		l[i] = pos[x.Key]
	}
}
