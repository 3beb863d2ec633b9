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
	`(不是|不会|没有|没想|并没|并不|不至于|不打算|别担心|放心)[^，。！？；,.!?;]{0,4}?(想不开|寻短见|短见|想死|做傻事|傻事|轻生|自杀|不想活|去死)`,
	`想死(你|我了|他|她)`,
	`(排|等|排队|排得|等得)[^，。！？；,.!?;]{0,4}?想走了|想走了[^，。！？；,.!?;]{0,2}想回家`,
	`跳楼(价|甩卖|大甩卖|清仓|促销)`,
	`(店|生意|公司|厂|资金链|现金流|腰|腿|胳膊|手机|电脑|系统|等得|排队)[^，。！？；,.!?;]{0,5}?(撑不下去|撑不住|熬不下去|扛不住|熬不动)`,
	`(还完了?|还清了?|结清了?|注销|销户|关掉|扔了)[^。！？!?]{0,8}?一了百了|一了百了[^。！？!?]{0,8}?(注销|关掉|销户|关了|删|卸载|不碰)`,
	`(打|喷|撒|遍|买)了?[^，。！？；,.!?;]{0,2}农药`,
	`(办|料理|处理|操办)[^，。！？；,.!?;]{0,3}后事|后事(办|料理|处理)`,
}, "|"))

// crisisPlace is a place people go to end their lives with someone staying
// there ("在江堤上坐了一下午", "站在天台上"); the bare place names are not in
// the lists because they are also addresses ("河边那个网点").
var crisisPlace = regexp.MustCompile(
	`(站在|坐在|蹲在|待在|呆在|走到|爬上|爬到|来到)[^，。！？；,.!?;]{0,4}(江边|河边|湖边|海边|桥上|桥边|天台|楼顶|顶楼|顶上|阳台边|窗台|江堤|河堤|水库|站台边|铁轨)` +
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
