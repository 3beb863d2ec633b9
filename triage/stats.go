package triage

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// StatsQuery selects the cases statistics are computed over: those filed in
// [From, To), within an institution scope ("" for all).
type StatsQuery struct {
	From, To    time.Time
	Institution string
}

// Count is one bucket of a breakdown.
type Count struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// DeadlineStats is compliance with the legal clock.
type DeadlineStats struct {
	// Decided cases got a decision; OnTime by their deadline, Late after it.
	Decided int `json:"decided"`
	OnTime  int `json:"on_time"`
	Late    int `json:"late"`
	// OpenOverdue are undecided cases past their deadline (clock running);
	// OpenOnTrack are the other undecided ones.
	OpenOverdue int `json:"open_overdue"`
	OpenOnTrack int `json:"open_on_track"`
	// Overdue is every missed deadline (Late + OpenOverdue); Open is
	// OpenOnTrack. They are what charts of on time / overdue / open show.
	Overdue int `json:"overdue"`
	Open    int `json:"open"`
	// ComplianceRate is OnTime over every case whose deadline has been
	// decided or missed; nil when there is none.
	ComplianceRate *float64 `json:"compliance_rate"`
}

// Satisfaction summarises the consumers' ratings (满意度).
type Satisfaction struct {
	Count   int      `json:"count"`
	Average *float64 `json:"average"`
	// Distribution counts ratings by score, 1 to 5.
	Distribution map[int]int `json:"distribution"`
}

// DayStats is one day of the time series (China days).
type DayStats struct {
	Day     string `json:"day"`
	Filed   int    `json:"filed"`
	Decided int    `json:"decided"`
	Late    int    `json:"late"`
}

// Stats is the supervisor's view of a period.
type Stats struct {
	From          time.Time     `json:"from"`
	To            time.Time     `json:"to"`
	Total         int           `json:"total"`
	ByInstitution []Count       `json:"by_institution"`
	ByProduct     []Count       `json:"by_product"`
	ByReason      []Count       `json:"by_reason"`
	ByFlag        []Count       `json:"by_flag"`
	ByChannel     []Count       `json:"by_channel"`
	ByStatus      []Count       `json:"by_status"`
	Deadlines     DeadlineStats `json:"compliance"`
	// AvgHandlingHours is filing to decision, over decided cases.
	AvgHandlingHours *float64 `json:"avg_handling_hours"`
	// Satisfaction is the consumers' ratings of cases filed in the period.
	Satisfaction Satisfaction `json:"satisfaction"`
	Daily        []DayStats   `json:"daily"`
}

// channelNames are the Chinese names of filing channels.
var channelNames = []Code{{ChannelChat, "在线对话"}, {ChannelAPI, "接口"}}

// maxStatsDays bounds a statistics period.
const maxStatsDays = 3 * 366

// Stats computes the supervisor statistics for q. Days are counted in China
// time; q.From and q.To should be local midnights.
func (s *Service) Stats(ctx context.Context, q StatsQuery) (Stats, error) {
	if !q.To.After(q.From) {
		return Stats{}, invalidf("结束日期应晚于开始日期")
	}
	if q.To.Sub(q.From) > maxStatsDays*24*time.Hour {
		return Stats{}, invalidf("统计区间最长 %d 天", maxStatsDays)
	}
	now := s.now()
	args := pgx.NamedArgs{"from": q.From, "to": q.To, "scope": s.Scope(q.Institution), "now": now, "open": openStatuses}
	st := Stats{From: q.From, To: q.To}
	st.ByInstitution, st.ByProduct, st.ByReason, st.ByFlag, st.ByChannel, st.ByStatus =
		[]Count{}, []Count{}, []Count{}, []Count{}, []Count{}, []Count{}

	rows, err := s.db.Query(ctx, sqlStatsBreakdown, args)
	if err != nil {
		return Stats{}, wrap("statistics", err)
	}
	var dim, key string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&dim, &key, &n}, func() error {
		switch dim {
		case "institution":
			name := key
			if name == "" {
				name = "（未识别机构）"
			}
			st.ByInstitution = append(st.ByInstitution, Count{key, name, n})
			st.Total += n
		case "product":
			st.ByProduct = append(st.ByProduct, Count{key, NameOf(Products, key), n})
		case "reason":
			st.ByReason = append(st.ByReason, Count{key, NameOf(Reasons, key), n})
		case "channel":
			st.ByChannel = append(st.ByChannel, Count{key, NameOf(channelNames, key), n})
		case "status":
			st.ByStatus = append(st.ByStatus, Count{key, StatusName(key), n})
		case "flag":
			st.ByFlag = append(st.ByFlag, Count{key, NameOf(Flags, key), n})
		}
		return nil
	})
	if err != nil {
		return Stats{}, wrap("statistics", err)
	}

	for _, counts := range [][]Count{st.ByInstitution, st.ByProduct, st.ByReason, st.ByFlag, st.ByChannel, st.ByStatus} {
		sortCounts(counts)
	}

	d := &st.Deadlines
	err = s.db.QueryRow(ctx, sqlStatsDeadlines, args).Scan(&d.Decided, &d.OnTime, &d.Late, &d.OpenOverdue,
		&d.OpenOnTrack, &st.AvgHandlingHours)
	if err != nil {
		return Stats{}, wrap("deadline statistics", err)
	}
	d.Overdue, d.Open = d.Late+d.OpenOverdue, d.OpenOnTrack
	if due := d.OnTime + d.Late + d.OpenOverdue; due > 0 {
		rate := float64(d.OnTime) / float64(due)
		d.ComplianceRate = &rate
	}

	st.Satisfaction, err = s.satisfaction(ctx, args)
	if err != nil {
		return Stats{}, err
	}
	st.Daily, err = s.daily(ctx, q, args)
	if err != nil {
		return Stats{}, err
	}
	return st, nil
}

// sortCounts orders a breakdown by count, then key, independent of the
// database's collation.
func sortCounts(c []Count) {
	slices.SortStableFunc(c, func(a, b Count) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Key, b.Key)
	})
}

func (s *Service) satisfaction(ctx context.Context, args pgx.NamedArgs) (Satisfaction, error) {
	out := Satisfaction{Distribution: map[int]int{1: 0, 2: 0, 3: 0, 4: 0, 5: 0}}
	rows, err := s.db.Query(ctx, sqlStatsRatings, args)
	if err != nil {
		return out, wrap("satisfaction statistics", err)
	}
	var score, n, sum int
	_, err = pgx.ForEachRow(rows, []any{&score, &n}, func() error {
		out.Distribution[score] = n
		out.Count += n
		sum += score * n
		return nil
	})
	if err != nil {
		return out, wrap("satisfaction statistics", err)
	}
	if out.Count > 0 {
		avg := float64(sum) / float64(out.Count)
		out.Average = &avg
	}
	return out, nil
}

// daily returns one entry per China day of the period, zeros included, so
// charts have no gaps.
func (s *Service) daily(ctx context.Context, q StatsQuery, args pgx.NamedArgs) ([]DayStats, error) {
	rows, err := s.db.Query(ctx, sqlStatsDaily, args)
	if err != nil {
		return nil, wrap("daily statistics", err)
	}
	byDay := map[string]DayStats{}
	var day time.Time
	var ds DayStats
	_, err = pgx.ForEachRow(rows, []any{&day, &ds.Filed, &ds.Decided, &ds.Late}, func() error {
		ds.Day = day.Format(time.DateOnly)
		byDay[ds.Day] = ds
		return nil
	})
	if err != nil {
		return nil, wrap("daily statistics", err)
	}
	out := []DayStats{}
	for d := civilDay(q.From, ChinaTime); d.Before(q.To); d = d.AddDate(0, 0, 1) {
		key := d.Format(time.DateOnly)
		v := byDay[key]
		v.Day = key
		out = append(out, v)
	}
	return out, nil
}

// ParseStatsRange turns inclusive China dates (YYYY-MM-DD, either may be
// empty) into a StatsQuery range. The default is the 30 days up to today.
func ParseStatsRange(from, to string, now time.Time) (time.Time, time.Time, error) {
	end := civilDay(now, ChinaTime).AddDate(0, 0, 1)
	if to != "" {
		d, err := time.ParseInLocation(time.DateOnly, to, ChinaTime)
		if err != nil {
			return time.Time{}, time.Time{}, invalidf("结束日期 %q 应为 YYYY-MM-DD", to)
		}
		end = d.AddDate(0, 0, 1)
	}
	start := end.AddDate(0, 0, -30)
	if from != "" {
		d, err := time.ParseInLocation(time.DateOnly, from, ChinaTime)
		if err != nil {
			return time.Time{}, time.Time{}, invalidf("开始日期 %q 应为 YYYY-MM-DD", from)
		}
		start = d
	}
	if !end.After(start) {
		return time.Time{}, time.Time{}, invalidf("结束日期不能早于开始日期")
	}
	return start, end, nil
}
