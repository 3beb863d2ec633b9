package triage

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func TestStatsAndExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clock := newTxService(t)
	h := handler("王芳", "")
	resolve := func(c Case) {
		t.Helper()
		_, err := s.Claim(ctx, h, c.TrackingNo)
		noErr(t, err)
		_, err = s.Resolve(ctx, h, c.TrackingNo, ResolveInput{Outcome: "refund", Message: "已退费。"})
		noErr(t, err)
	}

	phone := uniquePhone()
	onTime := fileSample(t, s, func(in *CaseInput) { in.Phone = phone })
	late := fileSample(t, s, func(in *CaseInput) {
		in.Institution, in.Classification.Product, in.Classification.Reason = "工行", "loan", "collection"
	})
	overdue := fileSample(t, s, func(in *CaseInput) {
		in.Institution, in.Channel = "工行", ChannelAPI
		in.Classification.Flags = []string{"fraud_in_progress"}
	})
	_ = overdue
	clock.AddDays(1)
	resolve(onTime)
	clock.AddDays(19)
	resolve(late)
	fileSample(t, s) // filed on day 20, on track
	noErr(t, s.Rate(ctx, onTime.TrackingNo, last4(phone), 4, "好"))

	from := civilDay(testStart, ChinaTime)
	st, err := s.Stats(ctx, StatsQuery{From: from, To: from.AddDate(0, 0, 30)})
	noErr(t, err)
	eq(t, st.Total, 4)
	eq(t, st.ByInstitution, []Count{{"中国工商银行", "中国工商银行", 2}, {"招商银行", "招商银行", 2}})
	eq(t, st.ByProduct, []Count{{"credit_card", "信用卡", 3}, {"loan", "贷款", 1}})
	eq(t, st.ByReason, []Count{{"fees", "定价收费", 3}, {"collection", "债务催收方式和手段", 1}})
	eq(t, st.ByFlag, []Count{{"fraud_in_progress", "诈骗进行中", 1}})
	eq(t, st.ByChannel, []Count{{"chat", "在线对话", 3}, {"api", "接口", 1}})
	eq(t, st.ByStatus, []Count{{"new", "已受理，待处理", 2}, {"resolved", "已作出处理决定", 2}})
	eq(t, st.Deadlines, DeadlineStats{Decided: 2, OnTime: 1, Late: 1, OpenOverdue: 1, OpenOnTrack: 1,
		Overdue: 2, Open: 1, ComplianceRate: ptr(1.0 / 3)})
	eq(t, *st.AvgHandlingHours, (24.0+20*24)/2, "1 day and 20 days")
	eq(t, st.Satisfaction.Count, 1)
	eq(t, *st.Satisfaction.Average, 4.0)
	eq(t, st.Satisfaction.Distribution, map[int]int{1: 0, 2: 0, 3: 0, 4: 1, 5: 0})
	eq(t, len(st.Daily), 30)
	eq(t, st.Daily[0], DayStats{Day: "2026-03-02", Filed: 3})
	eq(t, st.Daily[1], DayStats{Day: "2026-03-03", Decided: 1})
	eq(t, st.Daily[2], DayStats{Day: "2026-03-04"})
	eq(t, st.Daily[20], DayStats{Day: "2026-03-22", Filed: 1, Decided: 1, Late: 1})

	series, err := s.TimeSeries(ctx, StatsQuery{From: from, To: from.AddDate(0, 0, 30)}, "product")
	noErr(t, err)
	eq(t, len(series.Buckets), 30)
	eq(t, series.Buckets[20], "2026-03-22")
	eq(t, len(series.Series), 2)
	eq(t, []any{series.Series[0].Key, series.Series[0].Name, series.Series[0].Total, series.Series[0].Counts[0], series.Series[0].Counts[20]},
		[]any{"credit_card", "信用卡", 3, 2, 1})
	flagSeries, err := s.TimeSeries(ctx, StatsQuery{From: from, To: from.AddDate(0, 0, 30)}, "flag")
	noErr(t, err)
	eq(t, flagSeries.Series[0].Key, "fraud_in_progress")
	_, err = s.TimeSeries(ctx, StatsQuery{From: from, To: from.AddDate(0, 0, 30)}, "phone")
	errIs(t, err, ErrInvalidInput, "only whitelisted dimensions")

	scoped, err := s.Stats(ctx, StatsQuery{From: from, To: from.AddDate(0, 0, 30), Institution: "工行"})
	noErr(t, err)
	eq(t, scoped.Total, 2, "scope applies")

	_, err = s.Stats(ctx, StatsQuery{From: from, To: from})
	errIs(t, err, ErrInvalidInput)

	var buf bytes.Buffer
	noErr(t, WriteStatsCSV(&buf, st))
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	noErr(t, err)
	find := func(section, key string) string {
		for _, r := range records {
			if r[0] == section && r[1] == key {
				return r[3]
			}
		}
		return "missing"
	}
	eq(t, find("summary", "total"), "4")
	eq(t, find("by_product", "loan"), "1")
	eq(t, find("deadline", "compliance_rate"), "0.3333")
	eq(t, find("daily_filed", "2026-03-22"), "1")

	buf.Reset()
	noErr(t, s.ExportCases(ctx, StatsQuery{From: from, To: from.AddDate(0, 0, 30)}, &buf))
	records, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	noErr(t, err)
	eq(t, len(records), 5, "header and four cases")
	eq(t, records[0], exportHeader)
	var loanRow []string
	for _, r := range records[1:] {
		if r[0] == late.TrackingNo {
			loanRow = r
		}
	}
	eq(t, loanRow[5], "贷款类")
	eq(t, loanRow[7], "因债务催收方式和手段引起的投诉")
	eq(t, loanRow[12], "退费")
	eq(t, loanRow[14], "否", "decided late")
	isTrue(t, !strings.Contains(buf.String(), phone[3:]) && !strings.Contains(buf.String(), "张三丰"), "no personal data in the export")
}

func TestParseStatsRange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 31, 23, 30, 0, 0, ChinaTime)
	from, to, err := ParseStatsRange("", "", now)
	noErr(t, err)
	eqTime(t, from, time.Date(2026, 3, 2, 0, 0, 0, 0, ChinaTime))
	eqTime(t, to, time.Date(2026, 4, 1, 0, 0, 0, 0, ChinaTime))
	from, to, err = ParseStatsRange("2026-01-01", "2026-01-31", now)
	noErr(t, err)
	eq(t, to.Sub(from), 31*24*time.Hour, "to is inclusive")
	for _, bad := range [][2]string{{"2026-13-01", ""}, {"", "yesterday"}, {"2026-02-01", "2026-01-01"}} {
		_, _, err := ParseStatsRange(bad[0], bad[1], now)
		errIs(t, err, ErrInvalidInput, bad)
	}
}

func TestJRT0169Names(t *testing.T) {
	t.Parallel()
	for _, p := range Products {
		isTrue(t, JRT0169Products[p.Code] != "", "product %s has a JR/T 0169 class", p.Code)
	}
	eq(t, JRT0169Reason("fees"), "因定价收费引起的投诉")
	eq(t, JRT0169Reason("other"), "其他原因引起的投诉")
	eq(t, JRT0169Product("nonsense"), "其他类")
}

func ptr[T any](v T) *T { return &v }
