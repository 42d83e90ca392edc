"""Welsh rules of the crisis check, and whether a message is written in Welsh.

Welsh changes the first letter of a word after certain words (mutations): "lladd"
(kill) is "ladd" in "i ladd", "taro" (hit) is "nharo" in "fy nharo i" (hitting me) and
"tharo" in "ei tharo hi" (hitting her). A rule names a word in braces, `{taro}`, for
every form it takes; the normaliser has already folded circumflexes (ŵ -> w) and the
squash makes "ll"/"l" and "dd"/"d" one letter, so "lladd" and "ladd" read alike.
Forms and examples were checked with a Welsh-speaking helper's glossary (north and
south forms, chat spellings, English words mixed in: "mae o'n hitio fi").

`{...}` and the <W> macro expand before the squash; the table is compiled with the
English one (bot/crisis/detect.py).
"""

from __future__ import annotations

import re

# First-letter mutations: radical -> soft, nasal and aspirate forms (the glossary's
# table; "g" drops away under the soft mutation).
_MUTATIONS: dict[str, tuple[str, ...]] = {
    "p": ("b", "mh", "ph"), "t": ("d", "nh", "th"), "c": ("g", "ngh", "ch"),
    "b": ("f", "m"), "d": ("dd", "n"), "g": ("", "ng"), "ll": ("l",), "m": ("f",),
    "rh": ("r",),
}  # fmt: skip


def _forms(word: str) -> str:
    """Every mutated form of `word`, as a regex alternation."""
    for radical in ("ll", "rh", *"ptcbdgm"):
        if word.startswith(radical):
            rest = word[len(radical):]
            forms = [word, *(m + rest for m in _MUTATIONS[radical])]
            return "(?:" + "|".join(dict.fromkeys(forms)) + ")"
    return word


_BRACES = re.compile(r"\{([a-z]+)\}")

# "fy hun", "'yn hun", "fi'n hun", "'n hun" (myself), "ei hun" (himself, herself)
_HUN = r"(?:fy |y |yn |fin |fi yn |fi |and |n |ei |eu |dy |)(?:hun|hunan|hunain)\b"
_WANT = r"(?:isio|isho|ishio|eisiau|eisie|ishe|isie|moyn|mofyn|am|awydd|mynd i)"
_NOW_CY = r"(?:heno|nawr|rwan|heddiw|yn syth|cyn bore)"
_CHILD = (r"(?:plant|blant|mhlant|phlant|plentyn|blentyn|mhlentyn|phlentyn|babi|fabi|mabi|"
          r"baban|faban|rhai bach|y bach|y fach|bychan|fechan|kids|baby)")
_PILLS = (r"(?:tabledi|dabledi|nhabledi|thabledi|tabled|dabled|pils|bils|pills|tablets|"
          r"moddion|foddion|meddyginiaeth|feddyginiaeth|paracetamol|parasetamol|methadon|"
          r"fethadon|methadone|co codamol|tramadol|diazepam|benzos|cyffuriau|gyffuriau)")
_GONE_CY = r"(?:feddw|meddw|chwil|gaib|high|smashed|mashed|off (?:ei|fy) ben|allan ohoni)"
_HIM_HER = r"(?:e|o|fe|fo|hi|nhw|rhywun|pawb)\b"

RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overdose", (
        r"\b{cymryd} (?:gormod|y cwbl|y cyfan|llwyth|potel gyfan|y botel gyfan|pecyn "
        r"cyfan|bocs cyfan|overdose|od|gorddos|orddos)\b(?! o (?:amser|waith|sylw|arian|"
        r"fwyd|bwyd|goffi|de)\b)",
        rf"\b{{llyncu}} <W>{{0,3}}?(?:{_PILLS}|y cwbl|y cyfan|potel|botel|pecyn|bocs|llwyth|"
        rf"gormod|cannydd|bleach|batri)\b",
        r"\b(?:wedi|newydd|di|cymryd|gymryd|cael|gael|ges i|mynd i|isio|eisiau|moyn) (?:y |yr |)"
        r"(?:gorddos|orddos|gorddosio|orddosio)\b",
        r"\b(?:ddim|dim|prin|heb) (?:yn )?anadlu\b",
        r"\banadlu (?:yn |n )?(?:od|rhyfedd|swnllyd|araf|wan)\b",
        r"\b(?:ddim|dim) yn (?:deffro|ymateb|symud)\b",
        r"\bmethu (?:ei |i |eu |)(?:deffro|ddeffro)\b",
        r"\b(?:anymwybodol|llipa)\b",
        r"\b(?:gwefusau|wefusau) <W>{0,2}?(?:las|glas|biws|piws)\b",
        r"\b{yfed} <W>{0,2}?(?:cannydd|bleach|gwenwyn|wenwyn|antifreeze)\b",
        rf"\b{_CHILD} <W>{{0,6}}?(?:llyncu|lyncu|bwyta|fwyta|yfed) <W>{{0,4}}?(?:{_PILLS}|"
        rf"stwff|fodca|vodka|cannydd|bleach)\b",
    )),
    ("medical", (
        r"\b(?:cael|gael|ges i|gafodd|cafodd) (?:ffit|ffitiau|confylsiwn|trawiad)\b",
        r"\bffitio\b",
        r"\btrawiad ar y galon\b",
        r"\bmethu anadlu\b(?! gan chwerthin)",
        r"\b(?:chwydu|chwdu|pesychu) (?:gwaed|waed)\b",
        r"\b(?:gweld|clywed|weld|glywed) (?:pethau|petha|pryfed|pryfaid|corynnod|lleisiau|"
        r"pobl sydd ddim|pethe)\b",
        r"\brhithweledigaeth",
        r"\b(?:stopio|stopiodd|stopies|rhoi yr gorau|heb yfed|heb gyffuriau|rhoi gorau) "
        r"<W>{0,8}?(?:ffit|crynu|grynu|gweld|clywed|drysu|dryslyd|chwysu)\b",
        r"\b(?:crynu|grynu) <W>{0,4}?(?:methu stopio|yn ofnadwy|drwg|gweld|clywed|ffit)\b",
        r"\b(?:ar lawr|ar y llawr) <W>{0,4}?(?:crynu|ffit|ddim yn)\b",
        r"\b(?:wedi |newydd )?(?:llewygu|lewygu)\b",
        r"\bpoen (?:yn|ar) (?:fy|y|ei) (?:mrest|brest|frest|chest|nghalon|galon)\b",
    )),
    ("child_at_risk", (
        rf"\b{_CHILD} <W>{{0,4}}?(?:ar ben (?:eu|ei|i) (?:hun|hunain|hunan|pennau)|ar eu "
        rf"pennau|ar ei phen|heb neb|heb oedolyn|wrth eu hunain|adre ar ben)\b",
        rf"\bgadael (?:y |yr |fy |ei )?{_CHILD} <W>{{0,4}}?(?:ar ben|ar eu|yn y car|heb neb|"
        rf"adre|adref)\b",
        rf"\b(?:rhy|yn rhy) {_GONE_CY} <W>{{0,4}}?{_CHILD}",
        rf"\b{_CHILD} <W>{{0,6}}?(?:llwgu|heb fwyd|heb fwyta|cleisiau|gleisiau|ofn (?:mam|"
        rf"dad|fo|fe|hi|nhad))\b",
        r"\b(?:dw i|dwi|rwy|wi) (?:yn )?(?:[1-9]|1[0-7]) <W>{0,10}?(?:mum|dad|nhad|tad|"
        r"llystad|llysfam|rhieni)\b",
        rf"\b(?:{{taro}}|{{curo}}|hitio|{{brifo}}|{{llosgi}}|cicio|gicio) (?:y |yr |fy |ei )?"
        rf"{_CHILD}",
    )),
    ("abuse", (
        r"\b(?:nharo|nghuro|nghicio|nyrnu|mygwth|nhrywanu|nhagu|nhreisio|nghloi|mhwnsio|"
        r"mwrw|ngwthio)\b(?! gan (?:syniad|y syniad|feddwl))",
        r"\b(?:hitio|hittio|slapio|cicio|gicio|pynsio|waldio|waldo|dyrnu|ddyrnu|bwrw|fwrw|"
        r"taro|daro|curo|guro|stabio|tagu|dagu|bygwth|fygwth|cloi|gloi|gwthio|wthio|"
        r"threatenio) (?:fi|fin|i|ni|mi)\b",
        r"\b(?:ei|iw|i w) (?:tharo|churo|thagu|thrywanu|threisio|chicio|chloi|bygwth) ?(?:hi)?\b",
        r"\b(?:{treisio}|threisio|ymosod arna|ymosododd arna|ymosod arnaf)\b",
        r"\b(?:gafael|afael|dwylo) (?:yn|am|rownd) (?:fy |y )?(?:ngwddf|ngwddw|ngwddwg|"
        r"ngwddw|gwddf)\b",
        r"\b{cymryd} (?:fy |y )?(?:ffon|mhres|mhwrs|mhasbort|allweddi|arian|nghardiau|"
        r"ngherdyn|phone)\b",
        r"\b(?:ofn|ofnus|dychryn) (?:mynd )?(?:adra|adre|adref|nol adre|gartref)\b",
        r"\b(?:ofn|ofnus) (?:fy |y )?(?:ngwr|ngwraig|nghariad|mhartner|fo|fe|e|o|ohono|"
        r"ohoni|ohonyn)\b",
        r"\b(?:bygwth|fygwth) (?:fy |i |y |yr |)(?:mhlant|lladd|ladd|brifo|frifo|nharo)\b",
        r"\b(?:rheoli|reoli) (?:fy |y )?(?:mhres|arian|ffon|mywyd|mhopeth|bopeth)\b",
        r"\b(?:gwneud|neud|wneud) i (?:fi|mi) (?:werthu|ddal|gario|redeg|symud|gadw) <W>?"
        r"(?:cyffuriau|gyffuriau|stwff|pethau|drygs|drugs)\b",
        r"\b(?:stelcian|fy nilyn|dilyn fi)\b",
        r"\b(?:gyllell|chyllell|nghyllell|cyllell|knife) <W>{0,4}?(?:fi|ata i|ataf|arna i|"
        r"tu allan|tu fas)\b",
    )),
    ("harm_to_others", (
        rf"\b{_WANT} (?:ei |iw |i w |)(?:{{lladd}}|{{trywanu}}|{{brifo}}|{{curo}}|{{taro}}|"
        rf"{{tagu}}|{{anafu}}|{{malu}}|{{waldio}}|{{dyrnu}}|{{saethu}}|stabio|killio|hitio|"
        rf"{{ysgwyd}}) (?:y |yr |fy |ei )?(?:{_HIM_HER}|{_CHILD}|ngwr|ngwraig|nghariad|"
        rf"dealer|deliwr)",
        r"\b(?:{lladda}|{trywana}|{ladda}) i (?:e|o|fe|fo|hi|nhw|chdi|di)\b",
        rf"\b(?:bydda i|fydda i|wna i|na i|dw i am|mi wna i) (?:yn )?(?:ei |iw )?(?:{{lladd}}|"
        rf"{{trywanu}}|{{brifo}}|{{curo}}|{{taro}}) {_HIM_HER}",
    )),
    ("suicide", (
        rf"\b(?:{{lladd}}|{{crogi}}|{{boddi}}|{{saethu}}|killio|kilio|{{gwenwyno}}) {_HUN}",
        r"\b(?:gwneud|neud|wneud) amdana",
        r"\bhunan ?lad",  # hunanladdiad, hunanladdol, hunan laddiad
        r"\bh lad\b",
        rf"\b{_WANT} (?:i )?{{marw}}\b(?! (?:chwerthin|o syched|isio bwyd|o embaras|o "
        rf"gywilydd|o ddiflastod|o eisiau bwyd)\b)",
        r"\bgwell (?:gen i|gyda fi|da fi) (?:farw|marw|bod yn farw)\b",
        r"\b(?:hoffwn|liciwn|baswn|byswn|buaswn|swn) <W>{0,2}?(?:farw|marw)\b",
        rf"\b(?:ddim|dim|im|sa i|so i|sai|smo fi|ddim yn) {_WANT} (?:byw|bod yma|bod yn fyw|"
        rf"bod ma|deffro|cario mlaen|bod o gwmpas)\b",
        r"\b(?:{diweddu}|{gorffen}|rhoi diwedd ar|roi diwedd ar|rhoi terfyn ar|roi terfyn ar|"
        r"{cymryd}|dod a|ddod a) (?:fy |y |ei |)(?:bywyd|fywyd|mywyd)\b(?! (?:yn ol|nol)\b)",
        rf"\b(?:{{gorffen}}|rhoi diwedd ar|roi diwedd ar) (?:y cwbl|y cyfan|popeth|pob dim|"
        rf"bopeth)\b <W>{{0,2}}?{_NOW_CY}",
        r"\b(?:does|sdim|s dim|dim|m|does na|dos) (?:na )?(?:dim )?(?:pwynt|pwrpas|iws) "
        r"<W>{0,2}?(?:byw|fi|i fi|mywyd|fy mywyd|cario mlaen|cario ymlaen|bod yma|bod yn "
        r"fyw|deffro|mwy|rhagor|mynd ymlaen|trio)\b",
        r"\b(?:be|beth|by) (?:di yr|yw yr|ydi yr|yr) pwynt <W>{0,3}?(?:byw|bod|"
        r"cario|mwy|trio|dim|deffro)\b",
        r"\bmethu (?:cario|mynd|dal) (?:mlaen|ymlaen|ati)\b",
        r"\bmethu (?:ymdopi|dygymod|diodde|dioddef|cymryd) (?:mwy|rhagor|dim mwy|ddim mwy|gyda "
        r"bywyd|efo bywyd|gyda dim|efo dim|o gwbl)\b",
        r"\b(?:alla|fedra|fedrai|galla) (?:i )?(?:ddim|m|im) (?:cario|mynd|neud|gwneud|wneud|"
        r"diodde|dioddef) (?:mlaen|ymlaen|hyn|rhagor|mwy)\b",
        r"\bwell (?:eu byd|off|ei byd) (?:heb(?:dda|ddo|dd|dda i|ddof)|hebof)",
        r"\b(?:yn |n )?(?:faich|baich) (?:ar|i) (?:bawb|pawb|chi|nhw|fy)\b|\b(?:dw i|dwi|rwy|wi) "
        r"(?:yn |n )?faich\b",
        r"\bfydd (?:neb|dim un) yn (?:gweld fy|sylwi|gweld fy isio|poeni|hidio|malio|colli)",
        r"\b(?:fydda i|fyddai|bydda i|byddai) (?:ddim|im|dim) (?:yma|o gwmpas|yn fyw)\b",
        r"\b(?:ddim|dim) yma (?:fory|yfory)\b",
        r"\bwedi (?:cael llond bol|blino|cael digon) (?:ar|o) (?:fyw|fywyd|bywyd|mywyd)\b",
        r"\b(?:isio|eisiau|moyn|ishe) i yr (?:cyfan|cwbl|boen|poen) (?:stopio|ddod i ben|"
        r"orffen|ddiflannu)\b",
        r"\b(?:cysgu a |cysgu heb |)(?:pheidio|peidio|byth) (?:a )?deffro\b",
        r"\bhwyl fawr am byth\b|\bffarwel (?:i bawb|am byth)\b",
        r"\b(?:llythyr|nodyn|neges) (?:ffarwel|olaf)\b|\bdyma yr tro olaf\b",
        r"\bsori am bopeth\b",
        r"\b(?:rhoi|roi|rois|rhoddais|rhoddi|wedi rhoi) <W>{0,3}?(?:mhethau|mhetha|mhres|"
        r"nghi|nghath|stwff|eiddo|mhopeth) <W>{0,2}?(?:i ffwrdd|i ffwrdd|i bawb)\b",
        r"\b(?:trefnu|sortio|sorto|neud|gwneud) (?:fy |y )?(?:ewyllys|angladd)\b",
        r"\b(?:dw i|dwi|rwy|wi|ydw i|yn sefyll|sefyll|eistedd|yn eistedd|ista) (?:yn )?"
        r"(?:sefyll |eistedd |ista |)(?:ar|wrth|ar ben|ar ymyl|ger) (?:y bont|y clogwyn|"
        r"y dibyn|y to|y lein|y rheilffordd|yr rheilffordd|y reilffordd|y trac|y cledrau|"
        r"y platfform)\b",
        r"\bo flaen (?:y |yr )?(?:tren|car|lori|bws)\b",
        r"\b(?:neidio|neidia) (?:o|oddi ar|off) (?:y |yr )?<W>?(?:bont|pont|clogwyn|glogwyn|"
        r"to|dibyn|adeilad)\b",
        r"\b(?:prynu|brynu|mae gen i|gen i|gynna i|da fi|wedi cael|cael) <W>{0,2}?"
        r"(?:{rhaff}|raff)\b",
        rf"\b(?:casglu|gasglu|cadw|gadw|hel|cuddio|guddio|cynilo) <W>{{0,2}}?{_PILLS}",
        r"\b(?:teimlo|deimlo|teimlon) (?:yn |n )?(?:hunanladdol|suicidal)\b",
    )),
    ("self_harm", (
        rf"\b(?:{{torri}}|{{brifo}}|{{anafu}}|{{niweidio}}|{{llosgi}}|cutio|cuttio|{{crafu}}|"
        rf"{{taro}}) {_HUN}",
        r"\bhunan ?(?:niweidio|niwed|anafu|anaf)\b",
        r"\bysfa <W>{0,3}?(?:torri|dorri|frifo|brifo|losgi|llosgi|cutio|niweidio|sh)\b",
        r"\b(?:llafn|llafnau|rasel|raser|blade|blades|bled) <W>{0,6}?(?:fraich|mraich|"
        r"breichiau|mreichiau|coesau|nghoesau|croen|nghroen|eto|heno|allan|yn barod)\b",
    )),
)

# Words that mark a message as Welsh: greetings and very common function words that are
# not English words (the glossary's section 4). Two different ones make a message Welsh.
_WELSH_WORDS = frozenset(
    "shwmae shwmai smae sumae sut mae dw dwi rwy rydw ydw ydy ydi oes mae ma wedi efo gyda "
    "gen ddim dim isio eisiau eisie ishe moyn heno nawr rwan heddiw fory yfory diolch helo "
    "haia bore prynhawn noswaith nos hwyl iawn plis fy ein eu nhw chi ti fi sydd sy beth "
    "pam pryd ble lle sut faint hefyd achos oherwydd felly rhywun rhywbeth gwybod meddwl "
    "teimlo cyfarfod grwp yng ym yr hun hunan alla fedra methu cariad ngwr mhlant plant "
    "babi cymorth help angen arna".split()
)
# Too common in English (or English text-speak) to count on their own.
_ALSO_ENGLISH = frozenset("help dim fi".split())


def is_welsh(norm: str) -> bool:
    """Whether a normalised message reads as Welsh (two Welsh words, or one in a
    message of one or two words: "diolch", "shwmae")."""
    words = norm.split()
    hits = {w for w in words if w in _WELSH_WORDS and w not in _ALSO_ENGLISH}
    return len(hits) >= 2 or (len(hits) == 1 and len(words) <= 2)


def expand(src: str) -> str:
    """A rule with {word} written out as every mutated form."""
    return _BRACES.sub(lambda m: _forms(m.group(1)), src)
