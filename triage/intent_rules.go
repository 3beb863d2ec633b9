package triage

import (
	"math"
	"regexp"
	"strings"
)

// A scam under way that the writer asks about ("他让我转到安全账户，要不要
// 转？") is a question, at any length, and one that asks the institution to
// act ("快帮我冻结") is a complaint (docs/labelling.md, Intent). The model
// hears the scam's words and says complaint for both; this rule applies
// the convention when the fraud rule has fired, reading the ask.

// scamAskRE is the writer asking whether to comply, whether it is genuine,
// or what to do.
var scamAskRE = regexp.MustCompile(`(要不要|该不该|能不能|可不可以|按不按|报不报|转不转|交不交|给不给|挂不挂|扫不扫|点不点|下不下|借不借)[^。！!]{0,12}([？?]|$)|是不是(诈骗|骗子|骗局|真的|假的)|是真的吗|是骗子吗|靠谱吗|可信吗|该怎么办|怎么办[？?]*\s*$|要确认什么|我能挂断吗|该不该转|安全吗`)

// scamActRE is the writer asking someone to act on it: stop the payment,
// freeze the account, get the money back.
var scamActRE = regexp.MustCompile(`(请|麻烦|能不能|能否|快|赶紧|求)[^，。！？；,.!?;]{0,4}(帮我|帮忙|给我)?[^，。！？；,.!?;]{0,2}(拦|冻结|止付|挂失|追回)|投诉`)

// scamIntent returns the intent the convention gives a text the fraud rule
// fired on, or "" when the ask does not settle it.
func scamIntent(lower string) string {
	switch {
	case strings.Contains(lower, "犹豫要不要"):
		return "" // hesitation told, not asked
	case scamActRE.MatchString(lower):
		return "complaint"
	case scamAskRE.MatchString(lower):
		return "question"
	}
	return ""
}

// applyScamIntent moves a complaint or question about a scam under way to
// the intent its ask gives, with the model's confidence in that intent.
func (c *Classifier) applyScamIntent(out *Classification, lower string, h *textHits, z []float32) {
	if out.Intent != "complaint" && out.Intent != "question" || !fraudRule(h) {
		return
	}
	if want := scamIntent(lower); want != "" && want != out.Intent {
		out.Intent = want
		out.IntentConfidence = math.Round(c.prob("intent", want, z)*1e4) / 1e4
	}
}
