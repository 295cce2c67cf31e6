// Words that shape a question without saying what it is about. They are never content the answer must hold:
// "等保三级日志要留存多久？" is about 日志 and 留存, not about 要 or 多久.

/**
 * jieba part-of-speech tags of words that carry no subject: pronouns (r), adverbs (d), prepositions (p),
 * conjunctions (c), particles (u*), modal particles (y), interjections (e), onomatopoeia (o), numerals and
 * quantifiers (m, mq, q: levels and numbers are read separately), locatives (f: 上, 里, 之前), distinguishing words
 * such as 所有 (b), time words (t: 现在, 今年) and punctuation (x is jieba's "unknown", handled apart).
 */
export const FUNCTION_TAGS = new Set(['r', 'rr', 'rz', 'ry', 'd', 'ad', 'dg', 'p', 'c', 'u', 'uj', 'ul', 'uz', 'ug', 'uv', 'ud', 'y', 'e', 'o', 'f', 't', 'tg', 'h', 'k', 'zg']);

/**
 * Characters that never start or end a content word on their own: particles, pronouns, light verbs, numerals. Runs of
 * other single characters that jieba's dictionary does not know are joined back into one word (代+维 → 代维, 漏+扫
 * → 漏扫, 内+网 → 内网): auditors' shorthand is rarely in a general dictionary.
 */
export const FUNCTION_CHARACTERS = new Set(
  Array.from('的了着过在是和与或及对有中为将被把让从由于等里上下时后前要会能可该得也都就才又再先还很更最个些来去到给用做搞弄干看查管说讲叫吗呢吧啊呀么嘛这那哪啥咋怎几多少每各某其之以而且但若如即则并不没无别请它他她我你您们谁一二三四五六七八九十两半啦呗哦嗯支位台家条件只张份套层'),
);

/**
 * Chinese words that say how something is asked, not what: interrogatives, modal verbs, colloquial fillers and
 * the meta words of compliance talk. jieba tags many of them as verbs or nouns, so they are listed.
 */
export const CHINESE_QUESTION_WORDS = new Set([
  // interrogatives
  '什么', '哪些', '哪个', '哪种', '哪类', '哪里', '哪儿', '哪', '怎么', '怎样', '怎么样', '怎么办', '如何', '为什么', '为何', '多少',
  '多久', '多长', '多长时间', '多大', '多远', '多高', '多少钱', '几', '几个', '几次', '几年', '几天', '几级', '是否', '是不是', '有没有',
  '要不要', '不要', '能不能', '可不可以', '会不会', '需不需要', '用不用', '算不算', '行不行', '对不对', '有无', '何', '何种', '有何', '啥', '咋',
  '咋办', '吗', '呢', '吧', '啊', '呀', '么', '嘛', '哈', '咯', '呗', '请问', '请教', '问一下', '问下', '咨询', '想问', '想知道',
  // modal and light verbs
  '要', '需要', '需', '应', '应该', '应当', '必须', '得', '能', '能够', '可以', '可', '会', '该', '允许', '不许', '不能', '不得', '不行',
  '行', '算', '算是', '属于', '是', '有', '没有', '没', '无', '做', '搞', '弄', '干', '整', '进行', '开展', '实施', '落实', '满足',
  '达到', '符合', '合规', '过', '过关', '通过', '看', '查', '管', '用', '说', '讲', '提', '叫', '让', '给', '拿', '放',
  // fillers and scene-setting
  '我们', '我', '咱们', '咱', '你们', '你', '他们', '她们', '它', '大家', '别人', '人家', '自己', '这个', '那个', '这些', '那些', '这种',
  '那种', '这样', '那样', '这么', '那么', '这块', '这一块', '一块', '那块', '这方面', '方面', '这边', '那边', '一下', '到底', '究竟', '具体',
  '具体地', '老说', '都说', '听说', '据说', '一般', '通常', '平时', '还', '还要', '也', '都', '就', '才', '又', '再', '先', '直接',
  '顺手', '随便', '随意', '完事', '一遍', '一套', '一大堆', '一堆', '一些', '有些', '某些', '某', '某个', '各', '各个', '每个',
  '不会', '还有', '没用', '只有', '只能', '只是', '就是', '还是', '能否', '可否', '一直', '总是', '经常', '已经', '准备',
  '打算', '想要', '希望', '觉得', '认为', '知道', '了解', '清楚', '明确', '一定', '肯定', '真的', '其实', '硬性', 
  '为主', '为准', '一共', '总共', '共有', '最低', '最少', '至少', '起码', '最多', '大概', '大约', '左右',
  '所有', '全部', '一个', '一次', '一份', '一台', '一条', '好几', '好几家', '几家', '多个', '碰上', '遇到', '碰到', '出现', '发生',
  '说法', '情况', '时候', '的话', '东西', '事情', '事', '方式', '办法', '地方', '部分', '相关', '有关', '关于', '对于',
  '特别', '尤其', '主要', '其中', '比如', '例如', '像', '之类', '这类', '那类', '什么样', '一样', '不同', '区别', '差异', '差别',
  '比', '比较', '相比', '相较', '多了', '少了', '更', '最', '严', '严格', '宽松', '变化', '分别', '或者', '或是', '以及',
  '而且', '但是', '但', '如果', '要是', '假如', '因为', '所以', '然后', '现在', '目前', '刚', '刚刚', '马上', '立刻',
  // the words of every compliance question
  '标准', '规定', '要求', '里面', '里', '上面', '中', '上', '下', '内', '时', '后', '前', '以上', '以下', '等保', '等级保护',
  '网络安全等级保护', '等级', '级别', '系统', '信息系统', '网络系统',
]);

/** English words that carry no subject (a standard IR stop list plus the words of compliance questions). */
export const ENGLISH_STOP_WORDS = new Set([
  'besides', 'apart', 'a', 'an', 'the', 'of', 'to', 'in', 'on', 'for', 'and', 'or', 'nor', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'am',
  'what', 'which', 'who', 'whom', 'whose', 'how', 'why', 'when', 'where', 'does', 'do', 'did', 'doing', 'done', 'should',
  'must', 'shall', 'will', 'would', 'can', 'could', 'may', 'might', 'need', 'needs', 'needed', 'have', 'has', 'had', 'having',
  'with', 'without', 'by', 'as', 'at', 'from', 'into', 'onto', 'about', 'that', 'this', 'these', 'those', 'it', 'its', 'they',
  'them', 'their', 'there', 'here', 'we', 'our', 'us', 'you', 'your', 'i', 'me', 'my', 'he', 'she', 'his', 'her', 'so', 'if',
  'then', 'than', 'also', 'any', 'all', 'some', 'each', 'every', 'such', 'other', 'own', 'same', 'just', 'only', 'very', 'too',
  'not', 'no', 'yes', 'get', 'got', 'getting', 'say', 'says', 'said', 'tell', 'require', 'requires', 'required', 'requirement',
  'requirements', 'under', 'according', 'per', 'regarding', 'concerning', 'again', 'there', 'anything', 'something', 'kind',
  'much', 'many', 'long', 'often', 'exactly', 'really', 'actually', 'supposed', 'allowed', 'okay', 'ok', 'standard', 'standards',
  'rule', 'rules', 'say', 'define', 'defines', 'defined', 'definition', 'mean', 'means', 'between', 'difference', 'differ',
  'compare', 'compared', 'vs', 'versus', 'more', 'less', 'stricter', 'happen', 'happens', 'make', 'makes', 'use', 'used', 'using',
  'go', 'goes', 'put', 'keep', 'way', 'ways', 'thing', 'things', 'able', 'before', 'after', 'while', 'during', 'until', 'up', 'out',
  'china', "china's", 's', 'level', 'levels', 'system', 'systems',
]);

/**
 * A light English stemmer (plural, -ing, -ed), applied alike to questions and passages when they are compared in
 * the engine. The index itself stems with FTS5's porter tokenizer.
 */
export function stemEnglish(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  if (/([^aeiou])\1$/.test(w) && !/(?:ll|ss|zz)$/.test(w)) w = w.slice(0, -1); // logged → log
  return w;
}

/** The Latin words of a text, lowercased and stemmed, in order. */
export function englishWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z][a-z0-9']*/g) ?? []).map((word) => stemEnglish(word.replace(/'s$/, '')));
}
