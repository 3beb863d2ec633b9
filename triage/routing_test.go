package triage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultRouting(t *testing.T) {
	t.Parallel()
	r := DefaultRouting()
	for _, tc := range []struct {
		institution, product string
		flags                []string
		want                 Route
	}{
		{"工行", "savings", nil, Route{Institution: "中国工商银行", Known: true, Team: "bank-icbc", Priority: 3}},
		{" icbc ", "savings", nil, Route{Institution: "中国工商银行", Known: true, Team: "bank-icbc", Priority: 3}},
		// An alias only the classifier's list knows, routed by the table.
		{"工商行", "loan", nil, Route{Institution: "中国工商银行", Known: true, Team: "bank-icbc", Priority: 3}},
		{"支付宝", "payment", []string{"fraud_in_progress"},
			Route{Institution: "支付宝", Known: true, Team: "urgent", Priority: 1, Rules: []string{"urgent"}}},
		{"招商银行", "credit_card", []string{"crisis", "large_amount"},
			Route{Institution: "招商银行", Known: true, Team: "urgent", Priority: 1, Rules: []string{"urgent", "large_amount"}}},
		{"中国平安", "insurance", []string{"escalation"},
			Route{Institution: "中国平安", Known: true, Team: "ins-pingan", Priority: 2, Rules: []string{"escalation"}}},
		{"某某网贷平台", "loan", nil,
			Route{Institution: "某某网贷平台", Team: "triage", Priority: 3, Rules: []string{"unknown_institution"}}},
		{"", "other", []string{"handoff"},
			Route{Team: "triage", Priority: 2, Rules: []string{"escalation", "unknown_institution"}}},
	} {
		eq(t, r.Route(tc.institution, tc.product, tc.flags), tc.want, tc.institution)
	}
	teams := r.Teams()
	isTrue(t, len(teams) > 30 && teams[0] < teams[len(teams)-1], "teams sorted: %v", teams)
	eq(t, r.TeamOf("中国建设银行"), "bank-ccb")
	eq(t, r.TeamOf("nowhere"), "")
}

func TestParseRoutingRefusesMistakes(t *testing.T) {
	t.Parallel()
	for name, file := range map[string]string{
		"unknown key":       "default_teem: x\n",
		"unknown flag":      "rules:\n  - {name: r, flags: [fraud], team: x}\n",
		"unknown product":   "rules:\n  - {name: r, products: [bitcoin], team: x}\n",
		"rule matches none": "rules:\n  - {name: r, team: x}\n",
		"rule does nothing": "rules:\n  - {name: r, flags: [crisis]}\n",
		"rule without name": "rules:\n  - {flags: [crisis], team: x}\n",
		"bad priority":      "rules:\n  - {name: r, flags: [crisis], priority: 12}\n",
		"no team":           "institutions:\n  - {name: 甲银行}\n",
		"duplicate alias":   "institutions:\n  - {name: 甲银行, aliases: [甲], team: a}\n  - {name: 甲信托, aliases: [甲], team: b}\n",
		"not yaml":          "institutions: [\n",
	} {
		_, err := ParseRouting([]byte(file))
		isTrue(t, err != nil, name)
	}
}

func TestLoadRoutingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "routing.yaml")
	noErr(t, os.WriteFile(path, []byte(`
default_team: 分流组
institutions:
  - name: 甲银行
    aliases: [甲行]
    team: jia
rules:
  - name: 急
    flags: [crisis]
    team: 急救组
    priority: 1
`), 0o600))
	r, err := LoadRouting(path)
	noErr(t, err)
	eq(t, r.Route("甲行", "savings", nil), Route{Institution: "甲银行", Known: true, Team: "jia", Priority: 3})
	eq(t, r.Route("乙银行", "savings", nil).Team, "分流组")
	eq(t, r.Route("甲银行", "savings", []string{"crisis"}).Team, "急救组")

	_, err = LoadRouting(filepath.Join(t.TempDir(), "missing.yaml"))
	isTrue(t, err != nil)
	def, err := LoadRouting("")
	noErr(t, err)
	eq(t, def.Route("建行", "", nil).Team, "bank-ccb")
	isTrue(t, strings.Contains(string(defaultRoutingYAML), "XIAOBAO_ROUTING_FILE"), "the file says how to override it")
}
