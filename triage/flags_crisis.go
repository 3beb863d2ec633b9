package triage

import (
	"regexp"
	"strings"
)

// The crisis lists are broad on purpose, so the words they share with
// everyday speech are taken out before they are read: a denial ("我不是想
// 不开"), a thing rather than the writer giving out ("店里撑不下去了"),
// missing someone ("想死你们了"), a queue ("排得我都想走了"), a sale ("跳楼
// 价"), getting rid of a card ("一了百了全注销"), a farm's pesticide, a
// relative's funeral. Each pattern stays inside one clause, so a denial
// does not cancel what follows it ("我不是想死，是真的活不下去了" still
// fires).
var crisisFigureRE = regexp.MustCompile(strings.Join([]string{
	`(不是|不会|没有|没想|并没|并不|不至于|不打算|别担心|放心|还没穷到)[^，。！？；,.!?;]{0,4}?(想不开|寻短见|短见|想死|做傻事|傻事|轻生|自杀|不想活|去死|跳楼|跳河|跳江|跳海|寻死觅活|寻死)`,
	// Someone else's death in the news, and the suicide clause of a
	// policy, are talked about, not contemplated.
	`(新闻|报道|听说|看到|网上说|据说)[^。！？!?]{0,16}?(自杀|跳楼|轻生|寻短见)`,
	`自杀(条款|免责|除外|责任免除|不赔|拒赔|证明|鉴定|认定|结论)`,
	// A denial with nothing between ("我没想不开"), a death the insurer
	// calls a suicide, someone else's jump in a rumour.
	`没(想不开|想死|想过死|自杀|轻生|寻短见|做傻事)`,
	`(说是|说成|认定|认定为|定为|定性为|排除|非说是|怀疑是|判定为?)[^，。！？；,.!?;]{0,2}自杀`,
	`有(个)?人[^，。！？；,.!?;]{0,4}(跳楼|自杀|轻生|跳河|跳江)|(跳楼|自杀|轻生)的(传言|谣言|新闻|消息|事)`,
	`(年前|多年前|那年|早年)[^，。！？；,.!?;]{0,4}(自杀|跳楼|轻生)`,
	// A child left with family while the writer works away; not when a
	// trip is what the writer told them ("跟她说我出差几天").
	`托付给[^。！？!?说]{0,12}(打工|上班|出差|工作)`,
	// A "last time" that ends in a lawsuit or the regulator is an
	// ultimatum; fighting (拼了) for a refund is determination.
	`最后一次[^。！？!?]{0,20}?(起诉|法院|律师|监管|12378|媒体|曝光|仲裁)`,
	`拼了[^。！？!?]{0,30}?(电话|投诉|材料|大厅|说法|公道|维权|不走|到底|上岸|还清|还完)`,
	// Self-defence is not a threat ("谁敢上门我就跟谁拼命"), nor an urge
	// at a thing ("真想把电脑砸了"), a curse at a product ("去死吧这种套路
	// 贷"), a warning the other side wrote ("“…后果自负”"), "等着瞧" said
	// of the regulator, or hyperbole about people in general ("要把人逼死").
	`谁敢[^。！？!?]{0,20}?(拼命|拼了)`,
	`(真想|恨不得|差点|想)[^，。！？；,.!?;]{0,8}(柜台|电脑|手机|键盘|屏幕|机器|显示器|桌子)[^，。！？；,.!?;]{0,3}砸了`,
	`去死吧[^，。！？；,.!?;]{0,2}(这种|这些|这帮|这个|你们的)`,
	`后果自负[”"」』]`,
	`(监管|人民银行|曝光|起诉|法院|律师|处罚|12378|媒体|记者|电视台)(?s:.){0,80}?等着瞧`,
	`把(人|大家|老百姓|我们|小摊贩|普通人)[^，。！？；,.!?;]{0,8}逼死|逼死人`,
	// A thing with no point left ("自助设备还有什么意义"), a price or an
	// animal killed, "ending it all" said of sales calls, and a home's
	// finances giving out.
	`(提前|早点)还有什么意义|(提前还|设备|机器|app|产品|保险|理财|卡|会员|服务|功能|合同|协议|存款|投诉|保障|自助|柜台)[^，。！？；,.!?;]{0,4}还有什么意义`,
	`杀了?(一刀|年猪|猪|鸡|鸭|鱼|羊)|杀价`,
	// Arithmetic and settlement accounts, not getting even; the words
	// themselves talked about ("这种要砍人的话"); someone else at the
	// branch with a knife, which is a security complaint.
	`结算账|清算账|(会|不会|自己|好好|仔细|算不清)算账`,
	`(砍人|砍你|去死|跳楼|弄死|杀人|打死)(的话|这种话|之类的话|这样的话|这种字眼)`,
	`有(个|一个)?人[^。！？!?]{0,20}?(拿着刀|拿刀|带着刀|持刀|闹事)[^。！？!?]*`,
	`结束这一切的[^，。！？；,.!?;]{0,8}(电话|推销|营销|骚扰|短信|广告)`,
	`安眠(枕|园|音乐|香|喷雾|眼罩|茶)`,
	`自杀式|(拿刀)?砍价|笑不活|紫砂(壶|杯|锅|茶|泥|器)|自鲨(头像|表情|贴纸)|天台(县|山|宗|路|镇|区|市)`,
	`阎王债`,
	// A height visited for a photo or fishing.
	`(站在|坐在|在)[^，。！？；,.!?;]{0,6}(桥上|江边|河边|楼顶|天台|海边)[^，。！？；,.!?;]{0,4}(拍照|钓鱼|夜钓|散步|跑步|看风景|看烟花|看日出|乘凉|晒被子|晒衣服|晾衣服|晒太阳)`,
	`想死(你|我了|他|她)`,
	`(排|等|排队|排得|等得)[^，。！？；,.!?;]{0,4}?想走了|想走了[^，。！？；,.!?;]{0,2}想回家`,
	`跳楼(价|甩卖|大甩卖|清仓|促销)`,
	`(店|生意|公司|厂|资金链|现金流|腰|腿|胳膊|手机|电脑|系统|等得|排队|我们家|家里|家庭|经济)[^，。！？；,.!?;]{0,5}?(撑不下去|撑不住|熬不下去|扛不住|熬不动)`,
	`(还完了?|还清了?|结清了?|注销|销户|销卡|退卡|停卡|关掉|扔了)[^。！？!?]{0,8}?一了百了|一了百了[^。！？!?]{0,14}?(注销|关掉|销户|销卡|销了|关了|删|卸载|不碰)`,
	`(打|喷|撒|遍|买)了?[^，。！？；,.!?;]{0,2}农药`,
	`(办|料理|处理|操办)[^，。！？；,.!?;]{0,3}后事|后事(办|料理|处理)`,
}, "|"))

// crisisPlace is a place people go to end their lives with someone staying
// there ("在江堤上坐了一下午", "站在天台上"); the bare place names are not in
// the lists because they are also addresses ("河边那个网点").
var crisisPlace = regexp.MustCompile(
	`(站在|坐在|蹲在|待在|呆在|走到|爬上|爬到|来到|骑到|开到|跑到|站到|坐到|企喺|站喺)[^，。！？；,.!?;]{0,4}(江边|河边|湖边|海边|桥上|桥边|天台|楼顶|顶楼|顶上|阳台边|窗台|江堤|河堤|水库|站台边|铁轨)` +
		`|(江边|河边|湖边|海边|桥上|天台上|楼顶|顶楼|顶上|阳台边|阳台上|窗台上|江堤上|河堤上|水库边)[^，。！？；,.!?;]{0,2}(坐|站|待|呆)了?(很久|一夜|一下午|一晚|半天|好久|一整天|一天|了很久)`)

// crisisPlaceWords are the places crisisPlace names; the phrase matcher
// finds them in the one pass it already makes, so the pattern runs only on
// the few texts that name one.
var crisisPlaceWords = phrases("江边", "河边", "湖边", "海边", "桥上", "桥边", "天台", "楼顶", "顶楼", "顶上", "阳台", "窗台", "江堤", "河堤", "水库", "站台边", "铁轨")

// maskCrisisFigures blanks the everyday uses of crisis words out of lower
// (asciiLower text), reporting whether it found any.
func maskCrisisFigures(lower string) (string, bool) {
	if !crisisFigureRE.MatchString(lower) {
		return lower, false
	}
	return crisisFigureRE.ReplaceAllString(lower, "。"), true
}

// crisisMeaningRE are warning signs a phrase list cannot hold, because
// their words come apart: the will to live given up in other words (不敢
// 活了, 这条命我准备不要了), cuts on an arm, a date set for oneself, "I
// will not be here", the other side (阎王, 去那边算), the means saved up or
// hidden, another attempt "this time", standing on a roof right now, "they
// are better off without me", and debts that outlive the writer.
var crisisMeaningRE = regexp.MustCompile(strings.Join([]string{
	`(不想|不敢|不愿|唔想|勿想|冇心)再?活|(没|不)打算活|不想(再)?存在`,
	`(人生|这辈子|人间)[^，。！？；,.!?;]{0,8}(杀青|下架|退订|不续费)|从这个?世[上界][^，。！？；,.!?;]{0,4}(下架|下线|删除|注销)`,
	`(从|往)[^，。！？；,.!?;]{0,8}(楼上|楼顶|高架|桥上|天台)[^，。！？；,.!?;]{0,3}(下去|跳|冲)|往[^，。！？；,.!?;]{0,3}(车底|车轮)|冲下(高架|桥|悬崖|江|河)|差一?点就(下去|跳)`,
	`刀[^，。！？；,.!?;]{0,4}(在手边|在身上|磨好|备好)|给自己(订|买|定|选)[^，。！？；,.!?;]{0,4}(花圈|骨灰盒|墓地|寿衣)|遗照[^，。！？；,.!?;]{0,2}(选好|准备好|拍好)`,
	`(就|今晚|马上)去(找|陪)[^，。！？；,.!?;]{0,2}(外公|外婆|爷爷|奶奶|老伴|太奶)|今晚[^，。！？；,.!?;]{0,8}(湖里|河里|江里|海里|江边|河边|湖边|海边)`,
	`窗户?打开了?[^。！？!?]{0,4}(\d+|十几|二十几?)楼|(写好|写在)[^，。！？；,.!?;]{0,6}(备忘录|信里|纸上)`,
	`(这条|我这条|这)命[^。！？!?]{0,6}(不要了|不想要了|不打算要了)`,
	`(割|划)(过|了)?[^，。！？；,.!?;]{0,4}(手腕|腕子|胳膊|手臂|大腿)|(手腕|胳膊|手臂|大腿)上?[^，。！？；,.!?;]{0,6}(口子|刀口|划痕)`,
	`给自己定的最后一天|最后一晚|最后一夜`,
	`(我|我人|妈妈|爸爸)[^，。！？；,.!?;]{0,8}不在了`,
	`阎王(爷|殿|那)|黄泉|奈何桥|孟婆汤|(去|到)(那边|下面|地下)(再)?(算|还|找|见)`,
	`(药|安眠药|绳子|炭|刀片)[^，。！？；,.!?;]{0,6}(够了|攒够|攒了|攒下来|备好了|准备好了|买好了|藏在|藏起来)`,
	`(这次|这回)[^，。！？；,.!?;]{0,6}(不会再失手|不会失手|不会再让人|不会让人看见|不会再被救)`,
	`(上次|上回|之前|去年)[^。！？!?]{0,10}(割过|吃过药|跳过|站过|被拉下来|被救回来|抢救过来|洗了?胃)`,
	`我(已经|真的|现在|正)?在[^，。！？；,.!?;]{0,6}(楼顶|顶楼|天台)|我(真的|现在|正)?在(大桥|天桥|桥)上|在去(江边|河边|海边|湖边|楼顶|天台|桥)|从[^，。！？；,.!?;]{0,4}(顶楼|楼顶|天台|桥上)`,
	`(就|要|准备)去(楼顶|天台|顶楼|桥上|大桥上)`,
	`没有(我|她|他|妈妈|爸爸)[^，。！？；,.!?;]{0,6}(会|才)?(过得|活得)?更好`,
	`想结束了([，。！？…,.!?]|$)|想结束自己`,
	`有他没我|有我没他|有她没我|有我没她|捅(他|你|她)`,
	`我死了(以后|之后)[^。！？!?]{0,12}(欠的|债|贷款|还)`,
	// Leaving for good, the way out asked about, and the means at hand.
	`(去|到|出去|开车)[^。！？!?]{0,14}(不回来了|不打算回来|没打算回来|不想回来了)`,
	`走了也好|早点走[^，。！？；,.!?;]{0,4}(省钱|省心|不拖累)|一起走([，。！？…,.!?]|$)|一起走了`,
	`就没有然后了|活着[^，。！？；,.!?;]{0,4}拖累|(想|要)去(找|陪)[^，。！？；,.!?;]{0,2}(外公|外婆|爷爷|奶奶|老伴)了`,
	`怎么死(才|没有|不|得|比较|最)|怎样死|搜[^，。！？；,.!?;]{0,4}死`,
	`不再醒|别再醒|不会再醒|把自己了(解|结)|在想怎么结束|怎么结束(自己|生命)`,
	`喝药(拉倒|算了|死)|门口喝药|就喝药|去喝药|把煤气(打开|开着)|开煤气`,
}, "|"))

// crisisMeaningWords are words every pattern of crisisMeaningRE needs; the
// phrase matcher finds them in the pass it already makes, so the patterns
// run only on texts that have one (without this gate classification fell
// from 8,000 to 4,900 texts per CPU second).
var crisisMeaningWords = phrases(
	"想活", "敢活", "愿活", "想再活", "敢再活", "愿再活", "打算活", "想存在", "想再存在", "活着",
	"杀青", "下架", "退订", "不续费", "楼上", "楼顶", "顶楼", "天台", "高架", "桥上", "在去", "车底", "车轮", "冲下", "差点就", "差一点就",
	"在手边", "在身上", "磨好", "备好", "花圈", "骨灰", "墓地", "寿衣", "遗照",
	"外公", "外婆", "爷爷", "奶奶", "老伴", "太奶", "湖里", "河里", "江里", "海里", "江边", "河边", "海边", "湖边",
	"窗户打开", "窗打开", "备忘录", "信里", "纸上", "这命", "条命", "手腕", "腕子", "胳膊", "手臂", "大腿",
	"最后一天", "最后一晚", "最后一夜", "不在了", "阎王", "黄泉", "奈何桥", "孟婆汤",
	"去那边", "到那边", "去下面", "到下面", "去地下", "到地下",
	"够了", "攒", "准备好了", "买好了", "藏在", "藏起来", "失手", "再让人", "让人看见", "被救",
	"割过", "吃过药", "跳过", "站过", "拉下来", "救回来", "抢救过来", "洗胃", "洗了胃",
	"更好", "想结束", "没我", "没他", "没她", "捅", "我死了", "不回来", "打算回来", "想回来",
	"走了也好", "早点走", "一起走", "没有然后", "拖累", "去找", "去陪", "怎么死", "怎样死", "搜",
	"不再醒", "别再醒", "不会再醒", "自己了", "怎么结束", "喝药", "煤气",
)

// crisisMeaning reports a warning sign of crisisMeaningRE in lower, whose
// phrases are h.
func crisisMeaning(lower string, h *textHits) bool {
	return (h.any(crisisMeaningWords) && crisisMeaningRE.MatchString(lower)) || crisisSignsFound(lower, h)
}

// crisisRecoveredRE and crisisPastRE tell a crisis that is over: thoughts
// had before, now behind the writer ("之前想过不活了，现在在看心理医生，好多
// 了"). crisisRelapseRE says it has come back.
var (
	crisisRecoveredRE = regexp.MustCompile(`都过去了|过去好几年|过去很久|好多了|在变好|好起来了|走出来了|挺过来了|缓过来了|拉了?回来|看了?心理医生|吃了半年药|人好好的|都还清|都还完|全部还清|还了一大半|没事了|过得(挺|还|很)好|过得还行|跟现在没关系|早就过去|年前的事`)
	crisisPastRE      = regexp.MustCompile(`以前|之前|去年|当时|那时|那会儿|那阵子|曾经|有过|想过|年前`)
	// A relapse is the thoughts coming back, not any "again" in the story
	// ("又算了我一期罚息").
	crisisRelapseRE = regexp.MustCompile(`又(想|开始|有了?|冒出|动了|觉得|走到|站到|站在|不想|撑不|活不)|再次(想|有|动)|(这次|这回)(真|是真|不会)|还是想`)
)

// crisisOver reports a crisis told as past and over, which neither the
// rule nor the model head should flag.
func crisisOver(lower string) bool {
	return crisisRecoveredRE.MatchString(lower) && crisisPastRE.MatchString(lower) && !crisisRelapseRE.MatchString(lower)
}

// crisisJokeRE marks a text as laughing at itself ("这手续麻烦得我想死😂",
// "杀了我吧哈哈"); crisisEarnestRE says it is meant all the same: a time,
// the means, a place, or "不是玩笑".
var (
	crisisJokeRE    = regexp.MustCompile(`哈哈|😂|🤣|笑死|hhh`)
	crisisEarnestRE = regexp.MustCompile(`别醒|不想醒|醒不过来|活着好累|今晚|明天|药|刀|绳|楼顶|天台|遗书|遗言|遗照|不是玩笑|不是开玩笑|认真的|真的想|真的不想|真不想|说真的|这次是真的`)
)

// crisisJoke reports death words said as a joke, which neither the rule
// nor the model head should flag.
func crisisJoke(lower string) bool {
	return crisisJokeRE.MatchString(lower) && !crisisEarnestRE.MatchString(lower)
}

// despaceCJK removes the spaces between two Chinese characters ("不 想 活
// 了", "今晚 准备 去"): people space words out, sometimes to get past
// filters, and the lists are written without spaces. It reports whether
// it removed any.
func despaceCJK(s string) (string, bool) {
	if !strings.ContainsAny(s, " \u3000") {
		return s, false
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	changed := false
	for i, r := range rs {
		if r == ' ' || r == '\u3000' {
			j := i
			for j < len(rs) && (rs[j] == ' ' || rs[j] == '\u3000') {
				j++
			}
			if len(out) > 0 && out[len(out)-1] >= 0x2E80 && j < len(rs) && rs[j] >= 0x2E80 {
				changed = true
				continue
			}
		}
		out = append(out, r)
	}
	return string(out), changed
}
