package evals

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// TriageReport is what `xiaobao eval triage` measures on the held-out test
// split of the corpus: label quality, flag precision and recall, demands
// and extraction, each against its target where the issue sets one.
type TriageReport struct {
	Engine string `json:"engine"`
	// Set names the lines scored: the corpus's held-out test split, or a
	// whole set the model never trained on.
	Set           string         `json:"set"`
	CorpusHash    string         `json:"model_corpus_hash"`
	TrainExamples int            `json:"train_examples"`
	TestExamples  int            `json:"test_examples"`
	Complaints    int            `json:"test_complaints"`
	Intent        LabelScores    `json:"intent"`
	Product       LabelScores    `json:"product"`
	Reason        LabelScores    `json:"reason"`
	Flags         []BinaryScores `json:"flags"`
	Demands       []BinaryScores `json:"demands"`
	DemandsMicro  BinaryScores   `json:"demands_micro"`
	Extraction    Extraction     `json:"extraction"`
	NeedsReview   float64        `json:"needs_review_rate"`
	Targets       []Target       `json:"targets"`
	Seconds       float64        `json:"seconds"`
}

// LabelScores are multi-class results with the confusion matrix
// (Confusion[truth][predicted], rows and columns in Labels order).
type LabelScores struct {
	MacroF1   float64        `json:"macro_f1"`
	Accuracy  float64        `json:"accuracy"`
	Support   int            `json:"support"`
	Labels    []string       `json:"labels"`
	PerClass  []BinaryScores `json:"per_class"`
	Confusion [][]int        `json:"confusion"`
}

// BinaryScores are precision and recall of one label.
type BinaryScores struct {
	Label     string  `json:"label"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	Support   int     `json:"support"`
}

// Extraction scores the rule-based extraction against the labels.
type Extraction struct {
	// InstitutionAccuracy counts a line right when the normalised
	// institution equals the label ("" for none).
	InstitutionAccuracy float64 `json:"institution_accuracy"`
	// InstitutionFoundAccuracy is the same over lines whose label names
	// an institution.
	InstitutionFoundAccuracy float64 `json:"institution_accuracy_labelled"`
	// AmountAccuracy counts a line right when the amount is within 1% of
	// the label (or both are absent).
	AmountAccuracy float64 `json:"amount_accuracy"`
	// AmountFoundAccuracy is the same over lines whose label has an amount.
	AmountFoundAccuracy float64 `json:"amount_accuracy_labelled"`
}

// Target is one goal from the issue and whether the run met it.
type Target struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Target float64 `json:"target"`
	Met    bool    `json:"met"`
}

// TriageClassifier is what the evaluation needs: *triage.Classifier.
type TriageClassifier interface {
	Classify(ctx context.Context, text string, now time.Time) triage.Classification
}

// EvalTriage classifies every test example and scores the results. Product
// and reason are scored on complaints (the lines that carry both), intent
// and flags on every line, demands on complaints.
func EvalTriage(ctx context.Context, c TriageClassifier, test []triage.Example, now time.Time) TriageReport {
	start := time.Now()
	codes := func(list []triage.Code) []string {
		var out []string
		for _, c := range list {
			out = append(out, c.Code)
		}
		return out
	}
	intent := newConfusion(codes(triage.Intents))
	product := newConfusion(codes(triage.Products))
	reason := newConfusion(codes(triage.Reasons))
	flagNames := []string{"fraud_in_progress", "crisis", "vulnerable", "escalation", "large_amount"}
	flags := make([]BinaryScores, len(flagNames))
	demandNames := codes(triage.Demands)
	demands := make([]BinaryScores, len(demandNames))
	var r TriageReport
	var instOK, instLab, instLabOK, amtOK, amtLab, amtLabOK, review int
	for _, ex := range test {
		if ctx.Err() != nil {
			break
		}
		got := c.Classify(ctx, ex.Text, now)
		r.Engine = got.Engine
		r.TestExamples++
		intent.add(ex.Intent, got.Intent)
		if ex.Intent == "complaint" {
			r.Complaints++
			product.add(ex.Product, got.Product)
			reason.add(ex.Reason, got.Reason)
			if got.NeedsReview {
				review++
			}
			for i, d := range demandNames {
				countBinary(&demands[i], slices.Contains(ex.Demands, d), slices.Contains(got.Demands, d))
			}
		}
		for i, f := range flagNames {
			countBinary(&flags[i], ex.HasFlag(f), got.HasFlag(f))
		}
		want := ex.InstitutionLabel()
		if got.Institution == want {
			instOK++
		}
		if want != "" {
			instLab++
			if got.Institution == want {
				instLabOK++
			}
		}
		ok := amountMatches(ex.AmountYuan, got.AmountYuan)
		if ok {
			amtOK++
		}
		if ex.AmountYuan != nil {
			amtLab++
			if ok {
				amtLabOK++
			}
		}
	}
	r.Intent, r.Product, r.Reason = intent.scores(), product.scores(), reason.scores()
	for i := range flags {
		flags[i].Label = flagNames[i]
		finishBinary(&flags[i])
	}
	r.Flags = flags
	var micro BinaryScores
	for i := range demands {
		demands[i].Label = demandNames[i]
		finishBinary(&demands[i])
		micro.TP += demands[i].TP
		micro.FP += demands[i].FP
		micro.FN += demands[i].FN
	}
	micro.Label = "all"
	finishBinary(&micro)
	r.Demands, r.DemandsMicro = demands, micro
	r.Extraction = Extraction{
		InstitutionAccuracy:      ratio(instOK, r.TestExamples),
		InstitutionFoundAccuracy: ratio(instLabOK, instLab),
		AmountAccuracy:           ratio(amtOK, r.TestExamples),
		AmountFoundAccuracy:      ratio(amtLabOK, amtLab),
	}
	r.NeedsReview = ratio(review, r.Complaints)
	flag := func(name string) BinaryScores {
		for _, f := range r.Flags {
			if f.Label == name {
				return f
			}
		}
		return BinaryScores{}
	}
	target := func(name string, v, t float64) Target { return Target{name, round4(v), t, v >= t} }
	r.Targets = []Target{
		target("product macro-F1", r.Product.MacroF1, 0.90),
		target("reason macro-F1", r.Reason.MacroF1, 0.75),
		target("intent macro-F1", r.Intent.MacroF1, 0.95),
		target("fraud_in_progress recall", flag("fraud_in_progress").Recall, 0.98),
		target("fraud_in_progress precision", flag("fraud_in_progress").Precision, 0.85),
		target("crisis recall", flag("crisis").Recall, 0.98),
		target("crisis precision", flag("crisis").Precision, 0.85),
	}
	r.Seconds = round4(time.Since(start).Seconds())
	return r
}

func amountMatches(want, got *float64) bool {
	switch {
	case want == nil && got == nil:
		return true
	case want == nil || got == nil:
		return false
	}
	return math.Abs(*want-*got) <= 0.01*math.Max(1, math.Abs(*want))
}

// confusion counts truth × prediction for one label set. Predictions
// outside the set (an empty product for a non-complaint intent) count in
// an extra "(none)" column.
type confusion struct {
	labels []string
	m      [][]int
}

func newConfusion(labels []string) *confusion {
	labels = append(slices.Clone(labels), "(none)")
	m := make([][]int, len(labels))
	for i := range m {
		m[i] = make([]int, len(labels))
	}
	return &confusion{labels: labels, m: m}
}

func (c *confusion) index(label string) int {
	if i := slices.Index(c.labels, label); i >= 0 {
		return i
	}
	return len(c.labels) - 1
}

func (c *confusion) add(truth, pred string) { c.m[c.index(truth)][c.index(pred)]++ }

func (c *confusion) scores() LabelScores {
	n := len(c.labels)
	s := LabelScores{Labels: c.labels, Confusion: c.m}
	var f1sum float64
	classes, correct := 0, 0
	for i := 0; i < n; i++ {
		var b BinaryScores
		b.Label = c.labels[i]
		for j := 0; j < n; j++ {
			switch {
			case i == j:
				b.TP = c.m[i][i]
			default:
				b.FN += c.m[i][j]
				b.FP += c.m[j][i]
			}
		}
		finishBinary(&b)
		s.Support += b.Support
		correct += b.TP
		if i == n-1 {
			continue // "(none)" is not a class of the taxonomy
		}
		s.PerClass = append(s.PerClass, b)
		if b.Support > 0 || b.FP > 0 {
			classes++
			f1sum += b.F1
		}
	}
	if classes > 0 {
		s.MacroF1 = round4(f1sum / float64(classes))
	}
	s.Accuracy = round4(ratio(correct, s.Support))
	return s
}

func countBinary(b *BinaryScores, truth, pred bool) {
	switch {
	case truth && pred:
		b.TP++
	case pred:
		b.FP++
	case truth:
		b.FN++
	}
}

func finishBinary(b *BinaryScores) {
	b.Support = b.TP + b.FN
	b.Precision = round4(ratio(b.TP, b.TP+b.FP))
	b.Recall = round4(ratio(b.TP, b.TP+b.FN))
	if b.Precision+b.Recall > 0 {
		b.F1 = round4(2 * b.Precision * b.Recall / (b.Precision + b.Recall))
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// WriteText prints the report as tables people can read.
func (r TriageReport) WriteText(w io.Writer) {
	set := cmp.Or(r.Set, "the held-out test split")
	fmt.Fprintf(w, "Triage evaluation (%s engine) on %s: %d lines, %d complaints; model trained on %d lines (corpus %s…)\n\n",
		r.Engine, set, r.TestExamples, r.Complaints, r.TrainExamples, short(r.CorpusHash))
	fmt.Fprintf(w, "%-30s %8s %8s %6s\n", "target", "value", "target", "met")
	for _, t := range r.Targets {
		met := "no"
		if t.Met {
			met = "yes"
		}
		fmt.Fprintf(w, "%-30s %8.4f %8.2f %6s\n", t.Name, t.Value, t.Target, met)
	}
	fmt.Fprintln(w)
	for _, l := range []struct {
		name string
		s    LabelScores
	}{{"intent", r.Intent}, {"product", r.Product}, {"reason", r.Reason}} {
		fmt.Fprintf(w, "%s: macro-F1 %.4f, accuracy %.4f over %d lines\n", l.name, l.s.MacroF1, l.s.Accuracy, l.s.Support)
		writeBinaryTable(w, l.s.PerClass)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "flags:")
	writeBinaryTable(w, r.Flags)
	fmt.Fprintf(w, "\ndemands (complaints): micro precision %.4f, recall %.4f, F1 %.4f\n", r.DemandsMicro.Precision, r.DemandsMicro.Recall, r.DemandsMicro.F1)
	writeBinaryTable(w, r.Demands)
	fmt.Fprintf(w, "\nextraction: institution accuracy %.4f (%.4f on lines naming one), amount accuracy %.4f (%.4f on lines with one)\n",
		r.Extraction.InstitutionAccuracy, r.Extraction.InstitutionFoundAccuracy, r.Extraction.AmountAccuracy, r.Extraction.AmountFoundAccuracy)
	fmt.Fprintf(w, "complaints marked needs_review: %.1f%%\n\n", 100*r.NeedsReview)
	for _, l := range []struct {
		name string
		s    LabelScores
	}{{"intent", r.Intent}, {"product", r.Product}, {"reason", r.Reason}} {
		fmt.Fprintf(w, "confusion matrix, %s (rows truth, columns predicted):\n", l.name)
		writeConfusion(w, l.s)
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "took %.2fs\n", r.Seconds)
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func writeBinaryTable(w io.Writer, rows []BinaryScores) {
	fmt.Fprintf(w, "  %-18s %9s %7s %7s %5s %5s %5s %7s\n", "label", "precision", "recall", "F1", "tp", "fp", "fn", "support")
	for _, b := range rows {
		fmt.Fprintf(w, "  %-18s %9.4f %7.4f %7.4f %5d %5d %5d %7d\n", b.Label, b.Precision, b.Recall, b.F1, b.TP, b.FP, b.FN, b.Support)
	}
}

func writeConfusion(w io.Writer, s LabelScores) {
	abbrev := func(l string) string {
		if len(l) > 6 {
			return l[:6]
		}
		return l
	}
	fmt.Fprintf(w, "  %-14s", "")
	for _, l := range s.Labels {
		fmt.Fprintf(w, " %6s", abbrev(l))
	}
	fmt.Fprintln(w)
	for i, row := range s.Confusion {
		if sum(row) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-14s", s.Labels[i])
		for _, v := range row {
			if v == 0 {
				fmt.Fprintf(w, " %6s", ".")
			} else {
				fmt.Fprintf(w, " %6d", v)
			}
		}
		fmt.Fprintln(w)
	}
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// WriteSVG draws the three confusion matrices as heat maps, each cell
// shaded by its share of the row, so off-diagonal mass stands out.
func (r TriageReport) WriteSVG(w io.Writer) error {
	const cell, left, top, gap = 34, 130, 60, 70
	mats := []struct {
		name string
		s    LabelScores
	}{{"intent", r.Intent}, {"product", r.Product}, {"reason", r.Reason}}
	width, height := 0, top
	for _, m := range mats {
		n := len(m.s.Labels)
		width = max(width, left+n*cell+40)
		height += n*cell + gap + 40
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/><text x="10" y="22" font-size="15" font-weight="bold">xiaobao triage: confusion matrices on the test split (%s engine)</text>`+"\n", escapeXML(r.Engine))
	y := top
	for _, m := range mats {
		n := len(m.s.Labels)
		fmt.Fprintf(&b, `<text x="10" y="%d" font-size="13" font-weight="bold">%s — macro-F1 %.3f (rows: truth, columns: predicted)</text>`+"\n", y, m.name, m.s.MacroF1)
		y += 16
		for j, l := range m.s.Labels {
			x := left + j*cell + cell/2
			fmt.Fprintf(&b, `<text x="%d" y="%d" transform="rotate(-45 %d %d)" font-size="9">%s</text>`+"\n", x, y+30, x, y+30, escapeXML(l))
		}
		y += 36
		for i, row := range m.s.Confusion {
			total := sum(row)
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-6, y+i*cell+cell/2+4, escapeXML(m.s.Labels[i]))
			for j, v := range row {
				share := ratio(v, total)
				color := fmt.Sprintf("rgb(%d,%d,%d)", 255-int(share*200), 255-int(share*120), 255)
				if i != j && v > 0 {
					color = fmt.Sprintf("rgb(255,%d,%d)", 255-int(share*200), 255-int(share*200))
				}
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#ccc"/>`, left+j*cell, y+i*cell, cell, cell, color)
				if v > 0 {
					fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%d</text>`, left+j*cell+cell/2, y+i*cell+cell/2+4, v)
				}
				b.WriteString("\n")
			}
		}
		y += n*cell + gap
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
