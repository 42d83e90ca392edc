"""Context that lowers concern: danger words in a sentence about the past or a topic.

"I used to feel suicidal but I'm 3 years sober now", "suicide prevention walk in
Cardiff", "support for people bereaved by suicide", "I overdosed in 2015 and that was my
wake-up call": the words match a rule, but nobody is in danger now. A rule's match is
set aside when its clause or sentence is *distanced* (past time, time in recovery, bereavement,
an event, training or a topic) and holds nothing that brings it back to now ("again",
"tonight", "still", "want to", ...): "I used to cut and last night I did it again" is
still caught. Judged per sentence, so "Lost my brother to suicide. I want to die too."
is caught by its second sentence.

Since a crisis reply no longer replaces the search (the person's request is answered
after the contacts), a false alarm costs one message: these markers stay narrow, and
anything doubtful is left to alarm.

Both tables are written in normalised text (bot/crisis/normalise.py) and squashed when
compiled, like the rules. Welsh markers sit beside the English ones.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable

from bot.crisis.needles import Compiled
from bot.crisis.normalise import squash_pattern

# The past: set aside unless the clause (or, for "again", the sentence) is about now.
_PAST = (
    r"\bused to\b",
    r"\b(?:years?|yrs?|months|decades?) ago\b",
    r"\b(?:a few|many|some|couple of|few) (?:years|yrs) (?:back|ago)\b",
    r"\b(?:long time|ages|while) (?:ago|back)\b",
    r"\b(?:in|since|back in|around) (?:19|20)[0-9][0-9]\b",
    r"\b(?:19[5-9][0-9]|20[0-2][0-9])\b",
    r"\bin the (?:past|90s|80s|2000s)\b",
    r"\bback (?:in the day|then|when)\b",
    r"\bwhen i was (?:younger|little|a (?:kid|teen|teenager|child|student)|at (?:school|uni)|"
    r"in my|[0-9]+|drinking|using)\b",
    r"\bas a (?:kid|teen|teenager|child|boy|girl|youngster|young man|young woman|lad)\b",
    r"\bin my (?:teens|twenties|20s|thirties|30s|younger days|drinking days|using days|"
    r"active addiction|addiction)\b",
    r"\bbefore i got (?:sober|clean|into recovery|help)\b",
    r"\bat (?:my )?rock bottom\b",
    r"\bwake ?up call\b",
    r"\blast (?:year|summer|winter|spring|autumn|christmas|month)\b",
    r"\b(?:the|my) first (?:year|years|months|time|few (?:months|weeks))\b",
    r"\bfrom (?:age )?[0-9]+ (?:to|until|till|til) [0-9]+\b",
    r"\bi once\b",
    r"\b(?:in year|at) (?:[7-9]|1[0-9]|[2-9][0-9])\b(?! (?:tonight|oclock|pm|am|today)\b)",
    r"\b(?:im|i am) (?:free|safe|out|away|rehoused|housed|ok|okay|fine) now\b",
    r"\b(?:left|got away from|escaped|divorced) (?:him|her|them)\b",
    r"\bhistory\b",
    # time in recovery
    r"\b(?:[0-9]+|one|two|three|four|five|six|seven|eight|nine|ten|a|few) (?:years?|yrs?|"
    r"months?|weeks?|days?) (?:sober|clean|dry|free|in recovery|off (?:it|the drink|the gear))",
    r"\b(?:sober|clean|dry|in recovery|free of it) (?:for|since|ever since) (?:[0-9]+|a|one|"
    r"two|three|four|five|six|seven|eight|nine|ten|over|nearly|almost|about|then)\b",
    r"\b(?:now|today) im (?:sober|clean|in recovery|doing well|ok|okay|well|better)\b",
    r"\bim (?:doing (?:well|better|ok)|in a better place|much better)\b",
    r"\b(?:survived|survivor|survivors|got through it|came through|turned my life around|"
    r"changed my life|saved my life)\b",
    # Welsh: "used to", years ago, time sober ("arfer", "flynyddoedd yn ol", "sobr ers");
    # not the plain past ("roedd", "wnes i"): "he hit me" is past tense too
    r"\barfer\b",
    r"\b(?:flynyddoedd|blynyddoedd|blynedd|mlynedd|blwyddyn|flwyddyn|flynedd) (?:yn ol|"
    r"nol)\b",
    r"\b(?:sobr|lan|glan|heb yfed|heb gyffuriau) (?:ers|am)\b",
    r"\bers (?:[0-9]+ )?(?:blwyddyn|blynedd|mlynedd|flynyddoedd|mlynyddoedd)\b",
    r"\bers (?:un|dwy|tair|pedair|pum|chwe|saith|wyth|naw|deg|deng|[0-9]+) (?:mlynedd|"
    r"blynedd|flynedd|blwyddyn|mis)\b",
    r"\bers (?:misoedd|sbel|talwm)\b|\bllynedd\b|\bar un adeg\b",
    r"\byn (?:19|20)[0-9][0-9]\b",
    # "pan o'n i'n yfed" (when I was drinking): "o'n" reads "o yn" once normalised
    r"\bpan (?:on|o yn|oeddan|oeddwn|oedden|oedd|roeddwn|ron|ro yn) (?:i|ni) (?:yn )?"
    r"(?:blant|blentyn|ifanc|iau|yfed|iwsio|defnyddio|[0-9]+)\b",
    r"\b(?:dw i|dwi|rwy|wi|rydw i) (?:yn |)(?:saff|ddiogel|iawn|well|sobr|lan) "
    r"(?:nawr|rwan|erbyn hyn)\b",
)

# A topic, a loss, an event, work or the media: set aside unless the clause holds
# something plainly about the writer now ("again", "I want to ...", "help me").
_TOPIC = (
    r"\b(?:bereaved|bereavement|grief|grieving|funeral|anniversary|in memory|memorial|rip|"
    r"vigil)\b",
    r"\blost (?:my|our|a|his|her|their) <W>{0,2}?(?:to|through)\b",
    r"\blost to (?:suicide|overdose|drugs|drink|addiction|alcohol)\b",
    r"\b(?:died|passed away|passed) (?:by|of|from|after|through|in)\b",
    r"\b(?:who|that) (?:died|passed)\b",
    r"\b(?:prevention|awareness|training|course|courses|workshop|webinar|seminar|lecture|"
    r"conference|fundraiser|fundraising|charity|sponsored|campaign|leaflets?|posters?|"
    r"documentary|podcast|episode|series|novel|article|research|dissertation|essay|"
    r"statistics|stats|storyline|panel|risk assessments?|memoir|scene|character|bbc|"
    r"netflix|casualty|eastenders|corrie|hollyoaks|soap|film|theatre|learn|refresher|"
    r"volunteer|volunteering|volunteers|pharmacist|nurse|paramedic|outreach worker|support "
    r"worker|key worker|hostel|dual diagnosis|first aid)\b",
    r"\b(?:walk|run|event|talk|session|film|book|show|programme|play) (?:about|on|for|in "
    r"aid of)\b",
    r"\b(?:my story|shared at|share my|sharing my|speaker meeting|watched|watching)\b",
    r"\b(?:signs of|what to do if|what are the signs|how do (?:i|you|we) (?:know|tell|spot|"
    r"recognise) if|whats the difference)\b",
    # a group or service for people affected by something (a topic, not a disclosure)
    r"\b(?:group|groups|support|meeting|meetings|charity|service|services|help|somewhere|"
    r"anything|anyone) for (?:people|those|families|family members|parents|mums|dads|"
    r"partners|men|women|survivors|anyone|kids|children|young people)\b <W>{0,2}?"
    r"(?:affected|bereaved|who|that|whove|whose|after|with)\b",
    # Welsh: prevention, training, loss, the media ("atal hunanladdiad", "hyfforddiant",
    # "colli ... i hunanladdiad", "bu farw", "Pobol y Cwm")
    r"\b(?:atal|ymwybyddiaeth|hyfforddiant|cwrs|cyrsiau|taith gerdded|profedigaeth|"
    r"galar|angladd|colli|collais|collon|collodd|cofio|rhaglen|erthygl|llyfr|coffa|"
    r"taflenni|taflen|sgwrs am|traethawd|ystadegau|drama|gwylio|athrawon|adnoddau|"
    r"bu farw|fu farw|farw o|digwyddiad|radio|cymeriad|hollyoaks|pobol y cwm|rownd a rownd|"
    r"gwirfoddolwr|gwirfoddoli)\b",
)

# What brings a distanced sentence back to now.
_NOW = (
    r"\b(?:again|tonight|today|right now|at the moment|currently|still|lately|these days|"
    r"this (?:week|morning|evening|afternoon|time)|last night|"
    r"going to(?! (?:a|an|the|my|his|her|our|their|meetings?|groups?|church|work|school|"
    r"uni|college|see|be at|bed|sleep)\b)|about to|(?<!used to )want to|wants to|planning|"
    r"plan to|cant stop|keep (?:thinking|wanting|having|getting)|"
    r"urges?|back to|started (?:again|cutting|using|drinking)|relapsed|i will|ill do|"
    r"theres no point|whats the point|no point|help me|please help|now (?:im|i|hes|shes|"
    r"the|its)|and now|but now)\b",
    # Welsh: eto (again), heno (tonight), heddiw (today), neithiwr (last night),
    # gynnau/newydd (just now), isio/eisiau/moyn (want), mynd i (going to); not plain
    # "nawr"/"rwan" (now), which recovery talk is full of ("dw i'n saff nawr")
    r"\b(?:eto|heno|heddiw|neithiwr|gynau|newydd|mynd i)\b",
    r"(?<!roeddwn i )(?<!roedden i )(?<!o yn i )(?<!ro yn i )(?<!roedd )(?<!oedd )"
    r"(?<!on i )\b(?:isio|eisiau|eisie|moyn|ishe)\b",
)

# What brings a clause about a topic back to the writer, now.
_STRONG = (
    r"\b(?:again|right now|cant stop|urges?|relapsed|help me|please help|"
    r"(?<!used to )want to(?! (?:volunteer|help|learn|know|go|attend|join|do|give|find|talk|"
    r"share|train|meet|understand|support|speak|ask|be prepared|get involved|raise|start|"
    r"set up|run|organise|say|thank|remember|mark|light)\b)|"
    r"going to(?! (?:a|an|the|my|his|her|our|their|meetings?|groups?|church|work|school|"
    r"uni|college|see|be at|bed|sleep|run|do|share|talk|volunteer|light)\b)|eto)\b",
)

# Everyday sayings that share words with danger: "my mum will kill me if I'm late",
# "I'll kill him if he eats my yoghurt again lol", Welsh "ges i ffit pan welais i'r
# bil" (I got a shock when I saw the bill). A match inside one is set aside.
_IDIOMS = (
    r"\b(?:will|would|gonna|going to|is going to|s going to|shes going to|hes going to) "
    r"(?:kill|murder) (?:me|him|her|you)\b <W>{0,2}?(?:if|when|for|cos|because|i forgot|lol|"
    r"haha|lmao)\b <W>{0,3}?(?:im late|i am late|late|forget|forgot|eat|eats|ate|miss|missed|"
    r"spend|spent|break|broke|lose|lost|find out|finds out|see|sees|dont|doesnt|lol|haha|"
    r"lmao|again|relapsing|drinking|using|this|that|it|being)",
    r"\b(?:kill|murder|strangle|throttle|batter) <W>{0,8}?(?:lol|haha|lmao|love (?:him|her|"
    r"them) really|printer|laptop|computer|yoghurt|biscuits|chocolate)\b",
    r"\b(?:could|ill) (?:kill|strangle|throttle|murder) (?:my|him|her|them) <W>{0,2}?"
    r"(?:sometimes|some days|at times)\b",
    r"\b(?:ddim|dim) yn (?:suicidal|hunanladdol)\b",
    r"\b(?:ges i|cael|gafodd|ges) (?:ffit|fit) (?:pan|wrth|o weld|gweld|yn gweld)\b",
    r"\b(?:fydda i|fyddai|bydda i) (?:ddim|im|dim) (?:yma|o gwmpas) <W>{0,3}?(?:ar wyliau|"
    r"gwyliau|i ffwrdd|yn gweithio|holiday|away)\b",
    r"\bnot going to (?:kill myself|do anything)\b <W>{0,2}?(?:dont worry|lol|haha|promise)",
    r"\b(?:what (?:is|are|s|does)|whats) (?:the |a |an )?<W>?(?:dts|county lines|cuckooing|"
    r"cuckooed|naloxone|self harm|sh|overdose|od|mean)\b",
    r"\b(?:can|could|should|how do|how to|when do) (?:you |i |we |u |)(?:give|use|administer) "
    r"(?:naloxone|narcan|nyxoid)\b",
    r"\b(?:nharo|daro) gan (?:syniad|y syniad|feddwl)\b",
    r"\b(?:ffit|fit|trawiad|drawiad) (?:o |o yr )?(?:gigls|chwerthin|giggles|laughing)\b",
    r"\b(?:ges i|cael|gael|bron cael|bron) (?:ffit|fit|trawiad|drawiad) (?:pan|wrth)\b",
    r"\b(?:overdosed|overdosing|od|overdose|gorddosio|orddosio|gorddos|orddos) (?:on|ar|o) "
    r"(?:chocolate|siocled|sugar|cake|netflix|caffeine|coffee|coffi|sweets|easter eggs|"
    r"crisps|christmas|love|tv|telly)\b",
    r"\b(?:curo|guro|nghuro|beat|beats|battered|batters|hammered) (?:fi|mi|me|us) <W>{0,2}?"
    r"(?:bob tro|every time|at (?:pool|darts|chess|cards|fifa|football|snooker|tennis)|"
    r"mewn|yn y gem|ar (?:fifa|pool|darts))\b",
    r"\b(?:got|get|getting|been) (?:battered|hammered|beaten|thrashed|destroyed) <W>{0,4}?"
    r"(?:at|in) (?:pool|darts|chess|cards|fifa|football|snooker|tennis|the quiz|the game)\b",
    r"\bgoodbye (?:letter|note|message) to (?:booze|drink|drinking|alcohol|drugs|gambling|the "
    r"(?:bottle|drink|booze|gear)|my (?:addiction|old life|drinking))\b",
    r"\b(?:efo|gyda) clustog\b",
    r"\bhitio fi (?:yn )?galed\b",
    r"\b(?:fydda i|fyddai|bydda i) (?:ddim|im|dim) (?:yma|o gwmpas) <W>{0,2}?(?:dydd|nos "
    r"(?:lun|fawrth|fercher|iau|wener|sadwrn|sul)|wythnos nesa|priodas|gwaith|yn y gwaith)\b",
    r"\b(?:gwyliau|wyliau|wylia|gwylia)\b",
)

_W = r"(?:[a-z0-9]+ )"


# Each marker compiled on its own (on first use), keyed (kind, place): detect.py indexes
# their needles with the rules', so a message is searched only for the markers it can
# hold.
_KINDS = {"past": _PAST, "topic": _TOPIC, "now": _NOW, "strong": _STRONG, "idiom": _IDIOMS,
          # brings a whole sentence back to now, whichever clause it is in
          "again": (r"\b(?:again|last night|tonight|right now|this week|relapsed|eto|heno|"
                    r"neithiwr)\b",)}
PATTERNS: Compiled[tuple[str, int]] = Compiled({
    (kind, i): squash_pattern(src.replace("<W>", _W))
    for kind, sources in _KINDS.items() for i, src in enumerate(sources)
})


def _starts(kind: str, text: str, active: Collection[Hashable]) -> list[int]:
    return [m.start() for key in active if key[0] == kind  # type: ignore[index]
            for m in PATTERNS[key].finditer(text)]  # type: ignore[index]


class Sentence:
    """Where a normalised sentence says what: each kind of marker is searched once for
    the whole sentence (only the markers `active`: those whose needles the message
    holds), then judged clause by clause (clauses are spans of the sentence)."""

    __slots__ = ("again", "now", "past", "strong", "topic")

    def __init__(self, sentence: str, active: Collection[Hashable]) -> None:
        self.past = _starts("past", sentence, active)
        self.topic = _starts("topic", sentence, active)
        if self.past or self.topic:  # otherwise nothing in it is distanced: skip the rest
            self.now = _starts("now", sentence, active)
            self.strong = _starts("strong", sentence, active)
            self.again = bool(_starts("again", sentence, active))

    def distanced(self, start: int, end: int) -> bool:
        """Whether danger words in the clause [start, end) of this sentence are about the
        past, a loss or a topic:
        - the clause is about a topic ("awareness talk tonight") with nothing in it
          plainly about the writer now ("again", "I want to kill myself");
        - or about the past ("I took an overdose in 2016, today I'm 7 years clean") with
          nothing in it about now, and its sentence does not bring it back ("I used to
          cut, and last night I did it again");
        - or its whole sentence is about the past or a topic, with nothing about now."""
        if not (self.past or self.topic):
            return False

        def within(starts: list[int]) -> bool:
            return any(start <= x < end for x in starts)

        if within(self.topic) and not within(self.strong):
            return True
        about_then = (within(self.past) or within(self.topic)) and not within(self.now)
        return (about_then and not self.again) or not self.now


def idiom(text: str, match: re.Match[str], active: Collection[Hashable]) -> bool:
    """Whether a rule's match lies inside an everyday saying in the normalised text."""
    return any(m.start() < match.end() and match.start() < m.end()
               for key in active if key[0] == "idiom"  # type: ignore[index]
               for m in PATTERNS[key].finditer(  # type: ignore[index]
                   text, max(0, match.start() - 40), match.end() + 80))
