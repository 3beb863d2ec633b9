package triage

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
)

// ClassifierConfig configures a Classifier. The zero value is the offline
// classifier with the embedded model.
type ClassifierConfig struct {
	// LargeAmountYuan is the amount at or above which a complaint gets the
	// large_amount flag. Defaults to 50000.
	LargeAmountYuan float64
	// ReviewThreshold is the calibrated confidence below which a product
	// or reason sends the case to review (NeedsReview). Defaults to 0.5.
	ReviewThreshold float64
	// Model replaces the embedded model, e.g. one trained with handlers'
	// corrections. Defaults to the embedded model.
	Model *Model
	// LLM switches on the LLM engine; nil keeps classification offline.
	LLM *LLMConfig
	// Logger receives LLM fallbacks (never the text). Defaults to discarding.
	Logger *slog.Logger
}

func (c *ClassifierConfig) setDefaults() {
	c.LargeAmountYuan = cmp.Or(c.LargeAmountYuan, 50000)
	c.ReviewThreshold = cmp.Or(c.ReviewThreshold, 0.5)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

func (c *ClassifierConfig) validate() error {
	if c.LargeAmountYuan < 0 || math.IsNaN(c.LargeAmountYuan) || math.IsInf(c.LargeAmountYuan, 0) {
		return fmt.Errorf("triage: LargeAmountYuan %v must be a positive number of yuan", c.LargeAmountYuan)
	}
	if c.ReviewThreshold < 0 || c.ReviewThreshold > 1 || math.IsNaN(c.ReviewThreshold) {
		return fmt.Errorf("triage: ReviewThreshold %v must be between 0 and 1", c.ReviewThreshold)
	}
	return nil
}

// Classifier reads a consumer's text: intent, product, reason with
// calibrated confidences, flags, demands and the extracted facts. It is
// the offline model plus rules plus extraction, optionally fronted by an
// LLM. It is safe for concurrent use.
type Classifier struct {
	cfg   ClassifierConfig
	model *compiledModel
	meta  *Model
	llm   *llmClassifier
}

// LoadClassifier builds a Classifier from cfg, with the embedded model
// unless cfg.Model is set.
func LoadClassifier(cfg ClassifierConfig) (*Classifier, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := cfg.Model
	if m == nil {
		var err error
		if m, err = EmbeddedModel(); err != nil {
			return nil, fmt.Errorf("loading embedded triage model: %w", err)
		}
	}
	for _, name := range []string{"intent", "product", "reason"} {
		if m.Head(name) == nil {
			return nil, fmt.Errorf("%w: no %s head", ErrBadModel, name)
		}
	}
	c := &Classifier{cfg: cfg, model: compile(m), meta: &Model{Version: m.Version, CorpusHash: m.CorpusHash, Examples: m.Examples, Corrections: m.Corrections}}
	if cfg.LLM != nil {
		l, err := newLLMClassifier(*cfg.LLM, cfg.Logger, cfg.ReviewThreshold)
		if err != nil {
			return nil, err
		}
		c.llm = l
	}
	return c, nil
}

// ModelInfo describes the loaded model (without its weights).
func (c *Classifier) ModelInfo() Model { return *c.meta }

// Classify reads text received at now (which resolves relative dates).
// Any input, however odd, yields a valid Classification; text with nothing
// to read (empty, emoji, binary) gets zero confidence and NeedsReview.
// With an LLM configured, the LLM's labels are used when it answers in
// time with valid codes; otherwise the offline result stands.
func (c *Classifier) Classify(ctx context.Context, text string, now time.Time) Classification {
	off := c.ClassifyOffline(text, now)
	if c.llm == nil || off.Intent == "" || !hasContent(prepareText(text)) {
		return off
	}
	return c.llm.classify(ctx, prepareText(text), off)
}

// ClassifyOffline is Classify without the LLM: model, rules, extraction.
func (c *Classifier) ClassifyOffline(text string, now time.Time) Classification {
	text = prepareText(text)
	out := Classification{Flags: []string{}, Demands: []string{}, Engine: "offline"}
	if !hasContent(text) {
		out.Intent, out.NeedsReview = "chitchat", true
		return out
	}
	lower := asciiLower(text)
	h := scanPhrases(lower)
	ex := extract(text, lower, now, h)
	z := c.model.scores(featurize(text, lower, h, &ex))

	intent, ic := c.best("intent", z)
	out.Intent, out.IntentConfidence = intent, ic
	c.applyScamIntent(&out, lower, h, z)
	intent = out.Intent
	if intent == "complaint" || intent == "question" {
		out.Product, out.ProductConfidence = c.best("product", z)
		out.Reason, out.ReasonConfidence = c.best("reason", z)
		if intent == "complaint" { // the rules were written and checked on complaints
			c.applyConventions(&out, lower, z, ex.Demands)
		}
		out.NeedsReview = out.ProductConfidence < c.cfg.ReviewThreshold || out.ReasonConfidence < c.cfg.ReviewThreshold
	}

	on := map[string]bool{
		"fraud_in_progress": fraudRule(h) || c.fires("flag:fraud_in_progress", z),
		"crisis":            crisisRule(lower, h) || c.crisisHead(text, lower, &ex, z),
		"vulnerable":        vulnerableRule(text, h),
		"escalation":        escalationRule(h),
		"large_amount":      ex.AmountYuan != nil && *ex.AmountYuan >= c.cfg.LargeAmountYuan,
	}
	for _, f := range Flags {
		if on[f.Code] {
			out.Flags = append(out.Flags, f.Code)
		}
	}

	if intent == "complaint" {
		explicit := map[string]bool{}
		for _, d := range ex.Demands {
			explicit[d] = true
		}
		// Money the writer says they do not want back ("不用退", "钱不多我也
		// 不要了") is not implied by the story either.
		declined := strings.Contains(lower, "不") && declinedRE.MatchString(lower)
		for _, d := range Demands {
			if declined && !explicit[d.Code] && (d.Code == "refund" || d.Code == "compensation" || d.Code == "cancel") {
				continue
			}
			if explicit[d.Code] || c.fires("demand:"+d.Code, z) {
				out.Demands = append(out.Demands, d.Code)
			}
		}
	}

	out.Institution = ex.Institution
	out.AmountYuan = ex.AmountYuan
	out.AmountForeign = ex.AmountForeign
	out.OccurredAt = ex.OccurredAt
	out.Phones = ex.Phones
	return out
}

// applyConventions applies the rules of the labelling convention the
// model has too few lines to learn. The confidence shown is the model's
// for the rule's label, usually low, so a handler looks. A personal_info
// reading (征信, data) keeps its product.
func (c *Classifier) applyConventions(out *Classification, lower string, z []float32, demands []string) {
	if out.Product == "forex" && !foreignRE.MatchString(lower) {
		out.Product, out.ProductConfidence = c.bestExcept("product", "forex", z)
	}
	if out.Product == "other" && bankClosure(lower) {
		out.Product = "savings"
		out.ProductConfidence = math.Round(c.prob("product", "savings", z)*1e4) / 1e4
	}
	if p := conventionProduct(lower); p != "" && p != out.Product && out.Product != "personal_info" {
		out.Product = p
		out.ProductConfidence = math.Round(c.prob("product", p, z)*1e4) / 1e4
	}
	for _, r := range reasonRules {
		if out.Reason != r.reason && !slices.Contains(r.keep, out.Reason) && r.test(lower) {
			c.setReason(out, r.reason, z)
		}
	}
	// FD-1 also when the model hears a product's yield (年金, 万能账户),
	// where 返还 is the product's payout, not money asked back.
	if out.Reason == "returns" && strings.Contains(lower, "返还") {
		lower = strings.ReplaceAll(lower, "返还", "□□")
		demands = ParseDemands(lower)
	}
	if (out.Reason == "disclosure" || out.Reason == "returns") && untoldChargeWanted(lower, demands) {
		c.setReason(out, "fees", z)
	}
	if out.Reason == "fees" && !slices.Contains(demands, "refund") && untoldChargeDeclined(lower) {
		c.setReason(out, "disclosure", z)
	}
}

// setReason gives out a rule's reason with the model's confidence in it,
// usually low, so a handler looks.
func (c *Classifier) setReason(out *Classification, reason string, z []float32) {
	out.Reason = reason
	out.ReasonConfidence = math.Round(c.prob("reason", reason, z)*1e4) / 1e4
}

// best returns the most probable class of a head and its calibrated
// probability, rounded for display.
func (c *Classifier) best(head string, z []float32) (string, float64) {
	p := c.model.headProbs(z, head)
	if p == nil {
		return "", 0
	}
	i := 0
	for j := range p {
		if p[j] > p[i] {
			i = j
		}
	}
	h := c.model.heads[c.model.byName[head]]
	return h.Classes[i], math.Round(p[i]*1e4) / 1e4
}

// bestExcept is best without one class: the runner-up when a rule rules
// the model's first choice out.
func (c *Classifier) bestExcept(head, except string, z []float32) (string, float64) {
	p := c.model.headProbs(z, head)
	if p == nil {
		return "", 0
	}
	h := c.model.heads[c.model.byName[head]]
	i := -1
	for j := range p {
		if h.Classes[j] != except && (i < 0 || p[j] > p[i]) {
			i = j
		}
	}
	if i < 0 {
		return "", 0
	}
	return h.Classes[i], math.Round(p[i]*1e4) / 1e4
}

// prob is a head's calibrated probability of one class (0 for a class
// or head the model does not have).
func (c *Classifier) prob(head, class string, z []float32) float64 {
	p := c.model.headProbs(z, head)
	if p == nil {
		return 0
	}
	for i, cl := range c.model.heads[c.model.byName[head]].Classes {
		if cl == class {
			return p[i]
		}
	}
	return 0
}

// fires reports whether a binary head's calibrated probability reaches
// its trained threshold. A model without the head never fires.
func (c *Classifier) fires(head string, z []float32) bool {
	p := c.model.headProbs(z, head)
	if p == nil {
		return false
	}
	return p[0] >= c.model.heads[c.model.byName[head]].Threshold
}

// crisisHead asks the crisis head about the writer's own words: when a
// collector's or a clerk's words are quoted, or crisis words are used as a
// figure of speech ("我跟保险公司拼了", "真想把柜台砸了"), it reads the text
// without them, as the rule does, so "催收骂我“早点死了算了”" is abuse to
// report rather than a cry for help. Other texts cost nothing extra.
func (c *Classifier) crisisHead(text, lower string, ex *Extraction, z []float32) bool {
	if !c.fires("flag:crisis", z) || crisisOver(lower) || crisisJoke(lower) {
		return false
	}
	own, quoted := withoutOthersSpeech(text)
	own, figured := maskCrisisFigures(own)
	if !quoted && !figured {
		return true
	}
	ownLower := asciiLower(own)
	return c.fires("flag:crisis", c.model.scores(featurize(own, ownLower, scanPhrases(ownLower), ex)))
}

// hasContent reports whether text has anything to classify: a letter or
// a digit (Han characters are letters).
func hasContent(text string) bool {
	return strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}
