package triage

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// JRT0169Products maps product codes to the business classes (投诉业务类别)
// of JR/T 0169-2018 《金融消费者投诉统计分类及编码 银行业金融机构》. The
// standard's classes are coarser than ours in places (credit cards are bank
// cards; wealth and insurance sold by banks are agency business), so the
// finer product follows in brackets. Only the class names are emitted, not
// the standard's numeric codes.
var JRT0169Products = map[string]string{
	"savings":       "人民币储蓄类",
	"credit_card":   "银行卡类（信用卡）",
	"loan":          "贷款类",
	"payment":       "支付结算类",
	"wealth":        "理财及代理业务类（理财、基金、贵金属）",
	"insurance":     "代理业务类（保险）",
	"personal_info": "个人金融信息类",
	"forex":         "外汇类",
	"cash":          "人民币管理类（现金服务）",
	"securities":    "代理业务类（证券期货）",
	"other":         "其他类",
}

// JRT0169Reason returns the JR/T 0169-2018 complaint reason (投诉原因) of a
// reason code, in the standard's wording "因…引起的投诉".
func JRT0169Reason(code string) string {
	if code == "other" || !Valid(Reasons, code) {
		return "其他原因引起的投诉"
	}
	return "因" + NameOf(Reasons, code) + "引起的投诉"
}

// JRT0169Product returns the JR/T 0169-2018 business class of a product code.
func JRT0169Product(code string) string {
	if name, ok := JRT0169Products[code]; ok {
		return name
	}
	return JRT0169Products["other"]
}

// WriteStatsCSV writes st as CSV in long form (section, key, name, value),
// which spreadsheets pivot easily. A UTF-8 byte order mark comes first so
// Excel shows the Chinese correctly.
func WriteStatsCSV(w io.Writer, st Stats) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	row := func(section, key, name string, value any) {
		_ = cw.Write([]string{section, key, name, fmt.Sprint(value)})
	}
	row("section", "key", "name", "value")
	row("period", "from", "开始", st.From.In(ChinaTime).Format(time.DateOnly))
	row("period", "to", "结束（不含）", st.To.In(ChinaTime).Format(time.DateOnly))
	row("summary", "total", "投诉总数", st.Total)
	d := st.Deadlines
	row("deadline", "decided", "已作出决定", d.Decided)
	row("deadline", "on_time", "按期决定", d.OnTime)
	row("deadline", "late", "逾期决定", d.Late)
	row("deadline", "open_overdue", "未决且已逾期", d.OpenOverdue)
	row("deadline", "open_on_track", "未决且在期限内", d.OpenOnTrack)
	row("deadline", "compliance_rate", "按期率", optFloat(d.ComplianceRate))
	row("handling", "avg_handling_hours", "平均处理时长（小时）", optFloat(st.AvgHandlingHours))
	row("satisfaction", "count", "评价数", st.Satisfaction.Count)
	row("satisfaction", "average", "平均满意度", optFloat(st.Satisfaction.Average))
	for score := 1; score <= 5; score++ {
		row("satisfaction", strconv.Itoa(score), fmt.Sprintf("%d 分", score), st.Satisfaction.Distribution[score])
	}
	for _, sec := range []struct {
		name   string
		counts []Count
	}{
		{"by_institution", st.ByInstitution}, {"by_product", st.ByProduct}, {"by_reason", st.ByReason},
		{"by_flag", st.ByFlag}, {"by_channel", st.ByChannel}, {"by_status", st.ByStatus},
	} {
		for _, c := range sec.counts {
			row(sec.name, c.Key, c.Name, c.Count)
		}
	}
	for _, day := range st.Daily {
		row("daily_filed", day.Day, "受理", day.Filed)
		row("daily_decided", day.Day, "作出决定", day.Decided)
		row("daily_late", day.Day, "逾期决定", day.Late)
	}
	cw.Flush()
	return cw.Error()
}

func optFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', 4, 64)
}

// exportHeader is the header of the case export.
var exportHeader = []string{
	"投诉编号", "受理日期", "受理渠道", "被投诉机构", "业务类别代码", "业务类别（JR/T 0169-2018）",
	"投诉原因代码", "投诉原因（JR/T 0169-2018）", "诉求", "标记", "状态", "处理期限", "处理结果",
	"作出决定日期", "是否按期", "满意度",
}

// ExportCases streams the cases filed in the period as CSV, with the
// product and reason also in JR/T 0169-2018 terms, for reporting. It holds
// no personal data: no names, phones or facts.
func (s *Service) ExportCases(ctx context.Context, q StatsQuery, w io.Writer) error {
	if !q.To.After(q.From) {
		return invalidf("结束日期应晚于开始日期")
	}
	rows, err := s.db.Query(ctx, sqlExportCases, pgx.NamedArgs{"from": q.From, "to": q.To, "scope": s.Scope(q.Institution)})
	if err != nil {
		return wrap("exporting cases", err)
	}
	defer rows.Close()
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(exportHeader); err != nil {
		return err
	}
	var (
		no, channel, institution, product, reason, status, outcome string
		demands, flags                                             []string
		created, deadline                                          time.Time
		resolved                                                   *time.Time
		score                                                      *int16
	)
	_, err = pgx.ForEachRow(rows, []any{&no, &created, &channel, &institution, &product, &reason, &demands, &flags,
		&status, &deadline, &outcome, &resolved, &score}, func() error {
		decided, onTime, rating := "", "", ""
		if resolved != nil {
			decided = resolved.In(ChinaTime).Format(time.DateOnly)
			onTime = "否"
			if !resolved.After(deadline) {
				onTime = "是"
			}
		}
		if score != nil {
			rating = strconv.Itoa(int(*score))
		}
		return cw.Write([]string{
			no, created.In(ChinaTime).Format(time.DateOnly), NameOf(channelNames, channel), institution,
			product, JRT0169Product(product), reason, JRT0169Reason(reason),
			names(Demands, demands), names(Flags, flags), StatusName(status),
			deadline.In(ChinaTime).Format(time.DateOnly), NameOf(Outcomes, outcome), decided, onTime, rating,
		})
	})
	if err != nil {
		return wrap("exporting cases", err)
	}
	cw.Flush()
	return cw.Error()
}

// names joins the Chinese names of codes with 、.
func names(list []Code, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = NameOf(list, c)
	}
	return strings.Join(out, "、")
}
