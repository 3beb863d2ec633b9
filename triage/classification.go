package triage

import "time"

// Classification is everything triage reads from one text: the model's
// labels with calibrated confidences, rule-backed flags and the extracted
// facts. `xiaobao classify` and POST /api/v1/triage/classify print it as JSON.
type Classification struct {
	ID                string   `json:"id,omitempty"`
	Intent            string   `json:"intent"`
	IntentConfidence  float64  `json:"intent_confidence"`
	Product           string   `json:"product"`
	ProductConfidence float64  `json:"product_confidence"`
	Reason            string   `json:"reason"`
	ReasonConfidence  float64  `json:"reason_confidence"`
	Flags             []string `json:"flags"`
	Demands           []string `json:"demands"`
	Institution       string   `json:"institution,omitempty"`
	AmountYuan        *float64 `json:"amount_yuan,omitempty"`
	// AmountForeign is an amount written in a foreign currency, as written
	// ("两万英镑"); it is not converted into AmountYuan.
	AmountForeign string     `json:"amount_foreign,omitempty"`
	OccurredAt    *time.Time `json:"occurred_at,omitempty"`
	// Phones are the mobile numbers found in the text (digits only); they
	// never leave the process unmasked.
	Phones []string `json:"-"`
	// NeedsReview is set when a confidence is below the review threshold.
	NeedsReview bool `json:"needs_review"`
	// Engine says which engine produced the labels: "offline" or "llm".
	Engine string `json:"engine"`
}

// HasFlag reports whether c carries flag.
func (c Classification) HasFlag(flag string) bool {
	for _, f := range c.Flags {
		if f == flag {
			return true
		}
	}
	return false
}
