package triage

import (
	"regexp"
	"strings"
)

// The labelling convention's MK-PITCH (b) (docs/labelling/reason-selling.md):
// a credit product pitched as free of interest or fees that then charges
// them is `marketing`: the sale misrepresented the product. The corpus
// has a dozen such lines among hundreds about fees, too few for the model
// to learn the boundary, and it reads "免息…手续费" as a fee dispute. The
// rule needs the claim to be reported as someone's words (说, 宣传, 传单 …
// shortly before it), a charge named outside the claim, and no contract
// in the story: "说零利息, 合同里却有服务费" is a written term against an
// oral claim, which the convention files under contract (CT-ORAL). The
// grace period (免息期) is not a pitch, and (b) is about credit: a fund
// sold as "零费率" that charges a service fee is a charge dispute (fees),
// so the text must name credit (分期, 贷, 借, a card, 花呗 …).
var (
	freeClaimRE = regexp.MustCompile(`(?:说|讲|强调|宣传|承诺|号称|告诉|介绍|推销|推荐|广告|写着|传单|搞什么|骗)[^。！？!?]{0,24}?` + freeWords)
	freeWordRE  = regexp.MustCompile(freeWords)
	chargeRE    = regexp.MustCompile(`手续费|利息|分期费|服务费|费用|年化`)
	contractRE  = regexp.MustCompile(`合同|协议|条款`)
	creditRE    = regexp.MustCompile(`分期|贷|借|信用卡|卡|白条|花呗|额度|月付|先用后付`)
)

const freeWords = `(?:免息|零利息|零利率|0利息|0利率|零手续费|0手续费|无息|不要利息|没有利息|不收利息|不收手续费|没有手续费|不要手续费)`

// freeCreditPitch reports whether lower tells of credit pitched as free
// that then charged interest or fees (MK-PITCH b).
func freeCreditPitch(lower string) bool {
	if !strings.Contains(lower, "息") && !strings.Contains(lower, "费") && !strings.Contains(lower, "率") {
		return false
	}
	lower = strings.ReplaceAll(lower, "免息期", "")
	if !freeClaimRE.MatchString(lower) || contractRE.MatchString(lower) || !creditRE.MatchString(lower) {
		return false
	}
	return chargeRE.MatchString(freeWordRE.ReplaceAllString(lower, ""))
}
