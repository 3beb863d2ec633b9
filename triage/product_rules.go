package triage

import (
	"regexp"
	"strings"
)

// Six product rules of the labelling convention
// (docs/labelling/product-credit.md, product-accounts.md) that the model
// has too few lines to learn: each names a product by what the complaint
// is about when two products meet in one story, and the model, reading
// words, picks the one more often written about. Written and checked on
// the train split, where they agree with the labels they fire on
// (PI-CR 13 of 14, BR 社保卡 16 of 17, ATMNET 8 of 8, CL-PAY 31 of 31,
// BUNDLE 12 of 12, DEP-TIE 5 of 5).
var (
	// PI-CR: when a 征信 mark is the grievance and the institution's own
	// failed debit or system put it there, the complaint is
	// personal_info, whatever product the debt was; a hypothetical mark
	// ("会上征信") or a good record mentioned in passing is not one.
	creditMarkRE = regexp.MustCompile(`征信[^。！？!?]{0,10}(逾期|不良|记录|多了|显示|上了|1)|(逾期|不良)[^。！？!?]{0,10}征信|上了?征信`)
	markCauseRE  = regexp.MustCompile(`自动还款|自动扣款|代扣|系统|没扣成|扣款失败|没扣|扣失败|没有扣`)
	notMarkRE    = regexp.MustCompile(`会上征信|影响征信|征信(那么|很|挺)好`)

	// ATMNET: an ATM out of cash, out of order, removed or out of reach
	// is about access to cash (`cash`), not the consumer's account, which
	// a swallowed card or a debit without notes is.
	atmRE        = regexp.MustCompile(`atm|取款机|柜员机|存取款机|提款机|自助机`)
	atmAccessRE  = regexp.MustCompile(`没钱|没有钱|没现金|没有现金|缺钞|无钞|没加钞|不加钞|加钞|现金不足|取不出|坏了|停用|撤了|撤掉|拆了|太少|只有一台|台阶|轮椅`)
	atmAccountRE = regexp.MustCompile(`吞卡|吞钞|扣款|扣了钱|没出钞|未出钞|少吐|余额|盗|转账|手续费|假币`)

	// CL-PAY: credit offered at checkout by a payment or shopping
	// platform (花呗, 白条, 月付 …) is `payment`, its collection included;
	// cash loans (借呗, 金条 …) are `loan`, and anything about 征信 is
	// personal_info's (PI-CR).
	checkoutCreditRE = regexp.MustCompile(`花呗|白条|月付|先用后付|信用付|分期付|微信分付|分付额度|分付分期|开通分付|开了分付|关闭分付|把分付`)
	cashLoanRE       = regexp.MustCompile(`借呗|金条|微粒贷|借钱|度小满|网商贷|360借条|备用金|现金贷|借款|征信`)

	// BUNDLE: insurance forced onto a loan, card, instalment or currency
	// exchange is `insurance`, the product the consumer was made to buy;
	// a guarantee insurance or fee built into an online loan is a cost of
	// the credit (INS-GUAR, `loan`), and when a wealth product or a
	// dealer is forced too the host product stays.
	forcedRE     = regexp.MustCompile(`必须|不买不|不买就|不买的话|强制|搭售|捆绑|默认勾选|默认勾|才给放|才能放|才放款|才给办|才给批|不勾|强行|硬塞|附加`)
	hostCreditRE = regexp.MustCompile(`贷|借|分期|信用卡|放款|换汇|购汇`)
	notBundleRE  = regexp.MustCompile(`履约保证|信用保证|担保费|保证保险|理财|4s店`)

	// DEP-TIE: a deposit offered only if the consumer buys a wealth
	// product is `wealth` (with insurance tied, 保险 in the story, the
	// model already reads insurance).
	depositRE = regexp.MustCompile(`大额存单|存单|定期|存款`)
	tiedBuyRE = regexp.MustCompile(`(先|必须|非要|非得|得|强制|硬要|才给|才能|才肯)[^，。！？；,.!?;]{0,6}买[^，。！？；,.!?;]{0,8}(理财|基金)` +
		`|买[^，。！？；,.!?;]{0,8}(理财|基金)[^，。！？；,.!?;]{0,8}(才给|才能|才肯|才可以|才办|才有)`)
)

// conventionProduct returns the product a convention rule assigns to a
// lowered complaint, or "" when none applies.
func conventionProduct(lower string) string {
	// Cheap substring tests first: these run on every complaint.
	if strings.Contains(lower, "征信") && creditMarkRE.MatchString(lower) && markCauseRE.MatchString(lower) && !notMarkRE.MatchString(lower) {
		return "personal_info"
	}
	// BR: a 社保卡 (activation, replacement, its fees, being made to come
	// in person) is the branch's service, not the holder's deposit.
	if strings.Contains(lower, "社保卡") {
		return "other"
	}
	if (strings.Contains(lower, "机") || strings.Contains(lower, "atm")) && atmRE.MatchString(lower) && atmAccessRE.MatchString(lower) && !atmAccountRE.MatchString(lower) {
		return "cash"
	}
	if strings.ContainsAny(lower, "呗条付") {
		if t := strings.ReplaceAll(lower, "按月付", ""); checkoutCreditRE.MatchString(t) && !cashLoanRE.MatchString(t) {
			return "payment"
		}
	}
	if forcedInsurance(lower) {
		return "insurance"
	}
	if tiedDeposit(lower) {
		return "wealth"
	}
	return ""
}

// forcedInsurance is BUNDLE: insurance forced onto credit.
func forcedInsurance(lower string) bool {
	return strings.Contains(lower, "险") && forcedRE.MatchString(lower) && hostCreditRE.MatchString(lower) && !notBundleRE.MatchString(lower)
}

// tiedDeposit is DEP-TIE: a deposit tied to buying a wealth product.
func tiedDeposit(lower string) bool {
	return strings.Contains(lower, "买") && !strings.Contains(lower, "保险") && depositRE.MatchString(lower) && tiedBuyRE.MatchString(lower)
}

// tiedSale is the convention's CH-TIE (docs/labelling/reason-selling.md):
// a product forced on as the condition of another is a complaint about
// the consumer's free choice (`choice`), however the story goes on; on
// the train split the two bundles above are choice 15 of 15.
func tiedSale(lower string) bool { return forcedInsurance(lower) || tiedDeposit(lower) }
