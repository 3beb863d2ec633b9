package triage

import "regexp"

// crisisSignList are the warning signs crisis lines teach people to notice
// in someone who never says "die": belongings given away or handed over,
// affairs written down, goodbyes and last requests, treatment or medicine
// stopped, the means bought or looked up, a night spent by water or on a
// roof, a date set, wanting to disappear, joining the dead, a payout
// that only a death brings, and a threat with a weapon in hand. Each was
// found in lines labelled crisis that no word list caught; each is
// written for the sign, not the sentence.
var crisisSignList = []crisisSign{
	// Belongings given away, handed over or put where family will find
	// them.
	{phrases("分给", "分出去", "送人", "送了", "白送"), regexp.MustCompile(`(东西|衣服|首饰|电脑|家当|金镯子|缝纫机)[^。！？!?]{0,8}(都|全)[^。！？!?]{0,6}(分给|分出去|送人|送了|白送)|(都|全)(挂出来)?白送|把(猫|狗|宠物)[^，。！？；,.!?;]{0,2}送人了`)},
	{phrases("交给", "交到", "留给", "压在", "放进", "塞进"), regexp.MustCompile(`(房本|房产证|存折|保单|保险单|手表|车钥匙|首饰)[^。！？!?]{0,12}(都|全)[^。！？!?]{0,4}(交给|交到|留给|压在|放进|塞进)[^，。！？；,.!?;]{0,4}(我|她|他|老婆|老公|孩子|儿子|女儿|枕头|包里)`)},
	{phrases("密码"), regexp.MustCompile(`密码[^，。！？；,.!?;]{0,4}(都|全)(发给|告诉)[^，。！？；,.!?;]{0,2}(我哥|我姐|我妹|我弟|我妈|我爸|老婆|老公|她|他)|密码在[^，。！？；,.!?;]{0,4}备忘录`)},
	// Affairs put in order and written down for those left behind.
	{phrases("后事", "身后", "该处理", "该交代", "该安排"), regexp.MustCompile(`(身后的事|身后事|后事|该处理的|该交代的|该安排的)[^。！？!?]{0,8}(交代|处理好|安排好|处理完|写清楚)`)},
	{phrases("理好了", "理清楚", "写清楚", "写在本子"), regexp.MustCompile(`(账|欠条|账本)[^。！？!?]{0,12}(理好了|理清楚|写清楚|写在本子上)[^。]{0,12}(留给|放在|能看明白|看得明白)|(谁欠我|欠谁)[^。！？!?]{0,12}写清楚`)},
	{phrases("走后", "走了以后", "死后", "不在以后", "不在了以后", "都写清楚", "都写好了"), regexp.MustCompile(`(走后|走了以后|死后|不在以后|不在了以后)[^，。！？；,.!?;]{0,8}(怎么分|怎么处理|归谁|留给)|(怎么处理|怎么分)[^。！？!?]{0,6}都写(清楚|好)了`)},
	{phrases("纸条", "字条", "留信", "留了信", "封信", "孩子好好"), regexp.MustCompile(`留了?(张|一张|封|一封)?(纸条|字条|信)[^。！？!?]{0,12}(对不起|好好过|密码|照顾好)|以后你(和|跟)孩子好好`)},
	// A letter to family left where they will find it; not one that
	// confesses the debts.
	{phrases("的信", "封信"), regexp.MustCompile(`(给|写给)(爸妈|家里|家人|父母|我妈|我爸|孩子|女儿|儿子|老婆|老公)[^，。！？；,.!?;]{0,2}的信[^。！？!?]{0,10}(放在|放进|放抽屉|藏|抽屉|袋子|枕头|留在)|(写了|写好)(封|一封)信[^。！？!?]{0,8}(放|藏|抽屉|留)`)},
	// Goodbyes, last requests, nobody to answer any more.
	{phrases("不会麻烦", "不会再麻烦", "不用麻烦", "不用再麻烦", "不来麻烦", "不会打扰", "不会再打扰", "不用打扰", "不用再打扰", "不来打扰", "最后一次打扰", "最后一个请求", "最后一条留言", "说声再见"), regexp.MustCompile(`(以后|再也)[^，。！？；,.!?;]{0,3}(不会|不用|不来)再?(麻烦|打扰)|最后一次打扰|最后一个请求|最后一条留言|跟你们说声再见|说声再见`)},
	{phrases("找不到我", "联系不上我", "打不通", "接不了了", "等不到那天", "没人还了"), regexp.MustCompile(`(以后|到时候)[^，。！？；,.!?;]{0,4}(找不到我|联系不上我|打不通)|也接不了了|等不到那天|(下个月|以后)[^，。！？；,.!?;]{0,3}也?没人还了`)},
	{phrases("这个世界", "来生", "下辈子再聚"), regexp.MustCompile(`(跟|和|向)这个世界(说)?(拜拜|再见|告别|道别)|来生再|下辈子再聚`)},
	// Disappearing, leaving, not facing tomorrow, better off dead.
	{phrases("消失"), regexp.MustCompile(`我?想(要)?消失|之前消失|哪天消失了|就此消失`)},
	{phrases("面对明天", "面对了", "撞上去", "死了好", "死了就好", "死了才好", "死了得了", "死我得了", "死我算了", "不配当", "不配做"), regexp.MustCompile(`不用面对明天|不想面对明天|不打算(再)?面对了|撞上去就好了|死了(就|才)?好了|(整死|弄死)我(得了|算了)|死了得了|不配当|不配做你`)},
	{phrases("活着", "拖着", "拖累", "老骨头"), regexp.MustCompile(`活着[^，。！？；,.!?;]{0,3}(没啥意思|没意思|没什么意思|没意义|添乱|受罪|多余)|不想再?(拖着|拖累)|老骨头[^，。！？；,.!?;]{0,4}(就这样|不要了|算了)`)},
	{phrases("路可走", "冻僵", "冻死", "饿死"), regexp.MustCompile(`没有别的路可走|没有路可走|无路可走|(冻僵|冻死|饿死)了?算`)},
	{phrases("睡很久", "永远睡", "长眠"), regexp.MustCompile(`睡很久很久|永远睡|长眠不醒`)},
	// Treatment and medicine stopped.
	{phrases("降压药", "靶向药", "化疗", "透析", "疗程", "治疗", "救心丸", "偷偷"), regexp.MustCompile(`(降压药|靶向药|化疗|透析|疗程|治疗|救心丸)[^，。！？；,.!?;]{0,8}(全?扔|停了|不吃了|不去了|不做了|不打算做|不治了)|(不肯|不想|不打算)再?(用|吃|做|去)[^，。！？；,.!?;]{0,2}(靶向药|化疗|透析|降压药)|(起不去|不去)透析|偷偷[^，。！？；,.!?;]{0,4}(药)?停了`)},
	// The means bought, kept or looked up.
	{phrases("炭"), regexp.MustCompile(`(木炭|炭)[^。！？!?]{0,10}(买|放在|床底|烧的时间)|(去|要|准备|网上)买[^，。！？；,.!?;]{0,2}炭|查了?[^，。！？；,.!?;]{0,4}炭`)},
	{phrases("绳子", "甩棍", "刀片", "炭", "刀"), regexp.MustCompile(`(绳子|甩棍|刀片|炭)[^，。！？；,.!?;]{0,6}(已经|都)?[^，。！？；,.!?;]{0,4}买(了|到了)|刀[^，。！？；,.!?;]{0,4}(放在|藏在)[^，。！？；,.!?;]{0,4}(书包|包里|枕头|床底)`)},
	{phrases("打虫", "打药", "杀虫"), regexp.MustCompile(`(打虫|打药|杀虫)的?[^，。！？；,.!?;]{0,6}药[^，。！？；,.!?;]{0,6}(收到|藏|放到)`)},
	{phrases("寿衣"), regexp.MustCompile(`寿衣[^，。！？；,.!?;]{0,6}(穿上|试)`)},
	// Water, bridges and roofs: a night there, going there tonight, a
	// jump named.
	{phrases("江边", "河边", "湖边", "海边", "水库", "江堤", "大桥上", "楼顶", "天台"), regexp.MustCompile(`我(现在|正|已经|人)?(就)?在(江边|河边|湖边|海边|水库边?|江堤|大桥上|楼顶)([，。！？…,.!?\s]|$)|我(现在|正|已经|人)(就)?在(江边|河边|湖边|海边|水库|楼顶|天台)`)},
	{phrases("江边", "河边", "湖边", "海边", "水库", "楼顶", "天台", "桥上"), regexp.MustCompile(`(江边|河边|湖边|海边|水库边?上?|楼顶|天台)[^，。！？；,.!?;]{0,2}(坐着|坐坐|站着|停着|坐了|站了|一坐)|在[^，。！？；,.!?;]{0,4}(楼顶|天台)(吹风|抽烟)|往(江边|河边|湖边|海边|水库|桥上)走`)},
	{phrases("楼顶", "天台", "顶楼", "大桥", "跳"), regexp.MustCompile(`(就|要|准备|今晚|明天)[^，。！？；,.!?;]{0,3}(去|上)[^，。！？；,.!?;]{0,8}(楼顶|天台|顶楼|大桥)|跳[^，。！？；,.!?;\s的]{1,3}(河|江|湖|水库)([，。！？…,.!?\s]|$)|跳落去|跳落嚟`)},
	{phrases("冲进", "开进", "跳进", "冲下", "下去", "下面的", "翻过去", "翻下去", "烟囱", "想挂了", "准备走了"), regexp.MustCompile(`(冲进|开进|跳进|冲下)[^，。！？；,.!?;]{0,2}(河|江|湖|海|水库)|从这(里|儿)?(跳)?下去|(看着|盯着)下面的(水|车)|差点(就)?翻(过去|下去)|火葬场的烟囱|想挂了[^。！？!?]{0,10}是我|准备走了[^。！？!?]{0,6}还要[^。！？!?]{0,8}(干什么|干嘛|有什么用)`)},
	{phrases("楼", "窗户", "窗台"), regexp.MustCompile(`(从|往)[^，。！？；,.!?;]{0,6}(\d+楼|[一二三四五六七八九十]+楼|窗户|窗台)[^，。！？；,.!?;]{0,3}(下去|跳|……|…)`)},
	{phrases("阳台", "窗台"), regexp.MustCompile(`(整夜|半夜|一夜|天天)[^，。！？；,.!?;]{0,4}(坐在|站在)阳台|(站在|坐在)阳台上?[^。！？!?]{0,10}(窗户全?打开|站了很久|不说话)|(又|一个人)(站到|站在|爬上|坐在)[^，。！？；,.!?;]{0,2}(阳台|窗台)`)},
	{phrases("定位", "叫了半天才下来", "的门开着"), regexp.MustCompile(`最后的定位|定位在[^，。！？；,.!?;]{0,8}(大桥|江边|河边|桥)|楼顶[^。！？!?]{0,8}叫了半天才下来|楼顶的门开着|天台的门开着`)},
	// A date set, the dead joined, a payout only a death brings.
	{phrases("给自己定"), regexp.MustCompile(`给自己定了个?(日子|时间)[^。！？!?]{0,24}(要是|如果|然后|……|…|到那天)|给自己定了个?(日子|时间)[，,]?(就)?(这个月|下个月|本月|下周)?[^，。！？；,.!?;]{0,4}(号|日)([，。！？…,.!?\s]|$)`)},
	{phrases("花圈", "骨灰盒", "墓地", "寿衣"), regexp.MustCompile(`(花圈|骨灰盒|墓地|寿衣)[^，。！？；,.!?;]{0,4}给自己(订|买|定|选)`)},
	{phrases("外公", "外婆", "爷爷", "奶奶", "姥姥", "姥爷", "老伴", "太奶", "早点去", "在那边"), regexp.MustCompile(`(想|要|就|早点)去(找|陪|见)[^，。！？；,.!?;]{0,2}(外公|外婆|爷爷|奶奶|姥姥|姥爷|老伴|太奶)|(不如|还不如)早点去(找|陪)|一个人在那边|在那边(也)?孤单`)},
	{phrases("走了", "受益人", "满两年", "两年以后", "两年后"), regexp.MustCompile(`走了[^，。！？；,.!?;]{0,4}(保险金|赔的钱|保险)[^，。！？；,.!?;]{0,6}(够|还)|受益人[^。！？!?]{0,20}(拿到那笔钱|比跟着我)|(满两年|两年以后|两年后)[^。！？!?]{0,16}(走的话|走了|出事)`)},
	{phrases("意外"), regexp.MustCompile(`(如果|要是)[^，。！？；,.!?;]{0,4}(出了?意外)[^。！？!?]{0,14}(把债还上|还债|还清)`)},
	// Threats with a weapon ready, a person tracked down.
	{phrases("锤子", "棍子", "甩棍", "斧头", "砖头", "汽油", "拿刀去", "揸住把刀", "住哪", "住在哪", "楼下等", "楼下蹲", "点把火", "别活"), regexp.MustCompile(`拿(锤子|刀|棍子|甩棍|斧头|砖头|汽油)去|揸住把刀|(他|她)住(哪|在哪)[^。！？!?]{0,8}(知道了|找到了)|楼下(等|蹲)(他|她|着)|点把火|(大家|都)别活`)},
	{phrases("彻底润", "那种润", "那种救命", "那种寄"), regexp.MustCompile(`彻底润|不是出国那种润|不是那种救命|不是考试那种寄`)},
}

// crisisSign is one warning sign: a pattern and the words every match of
// it contains, which the phrase matcher finds in the pass it already makes,
// so that each pattern runs only on the few texts that could match it.
type crisisSign struct {
	words *phraseList
	re    *regexp.Regexp
}

// crisisSignsFound reports a warning sign of crisisSignList in lower,
// whose phrases are h.
func crisisSignsFound(lower string, h *textHits) bool {
	for _, s := range crisisSignList {
		if h.any(s.words) && s.re.MatchString(lower) {
			return true
		}
	}
	return false
}
