"""English rules of the crisis check: category -> regular expressions.

Written against the normalised text (bot/crisis/normalise.py): lowercase words, single
spaces, no apostrophes ("dont", "im", "hes", "ill" for I'll, "hell" for he'll), ordinary
spelling (squashed at compile time). <NAME> expands to a macro. Keep each pattern narrow
and say why when it excludes something.

Two kinds of rule. The first table (`PHRASES`) grew from the project's own phrase
lists and names phrases. The second (`SHAPES`) was written after measuring on wording
we did not write: it names the *shape* of a danger message (someone, an intent, an act,
a target: "<I> <INTENT> <HARM> <OTHER>"; something swallowed and a poison; a child and
being left alone), so new wording of the same shape is caught.
"""

from __future__ import annotations

# Written against the normalised text: lowercase words, single spaces, no apostrophes
# ("dont", "im", "hes", "ill" for I'll, "hell" for he'll), ordinary spelling (squashed
# at compile time). <NAME> expands to the macro below. Keep each pattern narrow and
# say why when it excludes something.

MACROS: dict[str, str] = {
    # any one word and its space, for small gaps
    "<W>": r"(?:[a-z0-9]+ )",
    # emphasis that may sit inside a phrase ("want to [just] die")
    "<ADV>": r"(?:so |really |just |badly |honestly |actually |literally |seriously |"
    r"fucking |f |frigging |truly |genuinely |kind of |kinda |sometimes |often |)",
    "<ANYMORE>": r"(?:anymore|any more|any longer|no more|no longer)",
    "<SELF>": r"(?:myself|himself|herself|themselves|themself|ourselves)",
    # people someone in danger talks about: the subject of an overdose or collapse
    "<THEY>": (
        r"(?:he|she|they|hes|shes|theyre|theyve|him|her|them|mate|mates|friend|friends|"
        r"pal|bf|gf|boyfriend|girlfriend|partner|husband|wife|son|daughter|brother|"
        r"sister|dad|mum|mother|father|flatmate|someone|somebody|guy|man|woman|girl|lad|"
        r"bloke|kid|baby)"
    ),
    # people who might hurt someone (the subject of a blow or threat); deliberately
    # no "it"/"that"/"this", so "it hit me how much I'd lost" is not violence
    "<PERSON>": (
        r"(?:he|she|they|hes|shes|theyre|theyve|someone|someones|somebody|somebodys|"
        r"partner|boyfriend|bf|"
        r"girlfriend|gf|husband|wife|ex|dad|father|stepdad|step dad|mum|mother|stepmum|"
        r"brother|sister|son|daughter|uncle|cousin|landlord|dealer|dealers|flatmate|"
        r"neighbour|man|men|guy|guys|bloke|lad|lads|gang|fella|carer)"
    ),
    "<DRUGS>": (
        r"(?:pills|pill|tablets|tablet|tabs|meds|medication|medicine|paracetamol|"
        r"painkillers|co codamol|cocodamol|codeine|sleeping pills|diazepam|vallies|"
        r"valium|benzos|xanax|pregabalin|gabapentin|methadone|heroin|gear|smack|insulin|"
        r"antidepressants|sertraline|citalopram|fluoxetine|mirtazapine|fentanyl|oxy|"
        r"oxycodone|tramadol|morphine|ketamine|ket|coke|cocaine|crack|mdma|pingers|"
        r"ecstasy|spice|nitazenes|opioids|opiates|ibuprofen|aspirin|lithium|quetiapine|"
        r"zopiclone|propranolol)"
    ),
    # What may follow "go on", "carry on", "live" when they mean living, not an
    # activity: "I can't go on like this" / "I can't go on holiday".
    "<ENDCLAUSE>": (
        r"(?=$| (?:like|anymore|any more|any longer|no more|no longer|living|with (?:life|"
        r"this|it|everything)|and|but|i|im|ive|its|please|help|now|right now|tonight|"
        r"today|tomorrow|again|ever|in the morning|much longer|for much longer|feeling|"
        r"being|because|what|why|idk|for good|forever|soon|properly|once and for all|in "
        r"this world|on this earth|honestly|really|tbh|at all)\b)"
    ),
}

PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "overdose",
        (
            r"\boverdos(?:ed|ing)\b",
            # "od" here can only be the overdose: the word "odd" keeps its double d
            r"\b(?:take|took|taken|taking|had|have|having|do|did|done|doing|tried|"
            r"attempted) (?:an? |another |a massive |a big )?(?:overdose|od)\b",
            r"\b(?:want|wants|wanted|going|about|plan|planning|planned|try|trying|tried|"
            r"ready|need|deserve|tempted) to (?:overdose|od)\b",
            r"\b(?:thinking (?:about|of)|might|could|will|ill|gonna) (?:overdose|od)\b",
            r"\boverdose (?:on purpose|deliberately|tonight|now)\b",
            r"\b(?:i|ive|he|she|hes|shes|they|theyve|mate|friend|partner|bf|gf|son|"
            r"daughter) (?:has |have |just |)overdose\b",  # "she overdosd" after typo fix
            r"\b(?:i|ive|he|she|hes|shes|they|we|theyve|weve|mate|friend|pal|partner|bf|"
            r"gf) (?:just |has |have |)od\b",
            # too much / too many; not "took too much time off", "taking too much on"
            r"\b(?:took|taken|take|taking|swallowed|swallow|swallowing|necked|necking|"
            r"popped|popping|downed|injected|snorted|used) (?:way |far |a bit |slightly |"
            r"much )?too (?:much|many)\b(?! (?:time|on|off|out|notice|money|weight|"
            r"interest|of a risk|responsibility|work|care|shifts|hours|days|photos)\b)",
            # "to many" is a common misspelling, but only with a drug named, so "the
            # harm I've done to many people" passes
            r"\b(?:took|taken|take|taking|swallowed|necked|popped|downed|had|done|used|"
            r"injected|snorted) (?:way |far |a bit )?(?:too|to) (?:much|many) <W>?<DRUGS>\b",
            # a large amount taken: past tense only, so "I take lots of meds for my
            # back" (a daily routine) is not read as an overdose
            r"\b(?:took|taken|swallowed|swallowing|necked|necking|popped|popping|downed|"
            r"injected|snorted|just had|has had|hes had|shes had|ive had) <W>{0,3}?"
            r"(?:loads of|lots of|a load of|a lot of|a bunch of|a handful of|handfuls of|"
            r"all (?:of )?(?:my|the|his|her|their)|every|a whole|the whole|an entire|"
            r"(?:a |the )?(?:whole |full |entire )?(?:bottle|packet|box|pack|strip|tub|"
            r"blister)s? of|hundreds of|dozens of|a dozen) <W>{0,3}?<DRUGS>\b",
            # a number of ten or more right before the drug ("took 20 paracetamol"),
            # not "took 20 minutes for my meds to work"
            r"\b(?:took|taken|swallowed|necked|popped|downed|just had|ive had|hes had|"
            r"shes had) (?:like |about |around |over |at least |)(?:[1-9][0-9]+|twenty|"
            r"thirty|forty|fifty|sixty|a hundred) (?:of (?:my|his|her|the|them) )?<W>?"
            r"<DRUGS>\b",
            r"\b(?:going to|want to|about to|plan to|ready to) (?:take|swallow|neck) "
            r"(?:all|every|the whole|a whole) <W>{0,2}?<DRUGS>\b",
            # opioid overdose signs, usually about someone else
            r"\b(?:not|isnt|stopped|stop|barely|hardly|struggling|not really|no longer) "
            r"breathing\b",
            r"\b(?:cant|couldnt|wont|unable to|not able to|trying to) (?:wake|rouse|waken) "
            r"(?:<THEY>|my <W>|this <W>|up my <W>)",
            # "won't wake up", but not "I can't wake up in the mornings", "my son
            # won't wake up for school" or "my alarm didn't wake me"
            r"\b(?<!\bi )(?<!\bim )(?<!\bive )(?:wont|isnt|not|doesnt|cant|wouldnt|didnt|"
            r"couldnt) (?:wake|waking)(?: up)?+\b(?! (?:for|in time|early|on time|until|till|"
            r"til|before|in the morning|at|when|properly|easily|me|us|feeling)\b)",
            r"\b(?:unresponsive|unrousable|unconscious)\b(?! bias)",
            r"\b<THEY> (?:is |s |isnt |)(?:not|isnt) (?:responding|responsive|moving)\b",
            r"\b(?:turning|turned|gone|going|went) (?:a bit |all |really )?blue\b",
            r"\b(?:blue|purple) (?:lips|fingertips|fingers)\b",
            r"\blips (?:are |have |look |r |is )?(?:gone |going |turning |turned )?"
            r"(?:blue|purple)\b",
            r"\bfoaming at the mouth\b",
            r"\b(?:gone|going|is|s|went) (?:all )?floppy\b",
            r"\b(?:taken|took|had) something and\b",
            r"\b(?:think|thinks|afraid|worried|scared) (?:my )?<THEY> (?:is |s |might be |"
            r"could be |may be |)dead\b",
            r"\b<THEY> (?:is |s |)(?:gurgling|snoring weird|snoring funny|making gurgling)",
            # naloxone being needed or used now, not the training or a kit carried
            r"\b(?:gave|given|give|giving|used|use|using|need|needs|needed|administer|"
            r"administered|injected|get me|wheres|where is|sprayed) (?!out |away |free )"
            r"<W>{0,2}?(?:naloxone|narcan|nyxoid|prenoxad)\b(?! (?:training|kit|kits|course|"
            r"session|class|on me|with me|in my bag|for free|free)\b)",
        ),
    ),
    (
        "medical",
        (
            r"\bs(?:ei|ie|e|ee|ea|i)[sz]ures?\b",  # seizure and its common misspellings
            r"\bconvuls(?:ing|ions?|ed)\b",
            r"\bepileptic (?:fit|fits|seizure)\b",
            r"\b(?:having|gone into|went into|going into|has had|just had) (?:an? |another )?"
            r"(?:fit|fits|seizure|seizures|convulsion|convulsions)\b"
            r"(?! (?:about|when|over|of|at)\b)",  # "having a fit about it" = angry
            r"\bhad (?:an? |another )?(?:seizure|seizures|convulsion|convulsions)\b",
            # "fitting" as a seizure, not "fitting in" or "fitting the new kitchen"
            r"\b(?:<THEY>|im|i) (?:is |s |started |starts |keeps |keep |been |has been |"
            r"just started |started to |)fitting\b(?! (?:in|into|the|a|an|my|his|her|"
            r"their|our|your|some|new|out|together|for|with|well|room|perfectly|tribute|"
            r"end|carpets?|kitchens?|windows?|doors?|bathrooms?|boilers?|tyres?|it|them|"
            r"this|that|these|those|up)\b)",
            r"\bfitting (?:on the floor|and shaking|badly|uncontrollably|again)\b",
            r"\b(?:shaking|jerking|twitching) and fitting\b",
            r"\b(?:the dts|dts|delirium tremens|withdrawal seizures?|withdrawal fits?)\b",
            r"\bchest (?:pain|pains|is (?:tight|hurting|really tight|really hurting|"
            r"killing me|crushing|on fire)|hurts|feels (?:tight|heavy|crushed)|tightness)\b"
            r"(?! (?:from|because of|with|in) (?:the )?(?:cold|weather|cold weather|gym|running|"
            r"cough|a cold|flu)\b)",
            r"\bpains? in (?:my|his|her|their) chest\b",
            r"\bcrushing pain\b",
            # a heart attack, not "you nearly gave me a heart attack"
            r"\b(?<!gave me a )(?<!give me a )(?<!giving me a )(?<!gives me a )"
            r"(?<!give you a )(?<!gave him a )(?<!gave her a )(?<!nearly had a )"
            r"(?<!almost had a )\bheart attack\b",
            r"\bhaving a stroke\b(?! of)",
            r"\b(?:cant|cannot|can barely|can hardly|struggling to|hard to|trouble|"
            r"difficulty|unable to|not able to) (?:breathe|breathing)\b(?! through)",
            r"\b(?:vomiting|throwing up|puking|being sick|coughing up|coughing|spewing|"
            r"vomited|threw up|been sick|sick up|spitting|spitting up|peeing|pissing) "
            r"(?:up )?(?:blood|black)\b",
            r"\bblood in (?:my|his|her|the) (?:sick|vomit|poo|stool|pee|wee)\b",
            r"\b(?:bleeding|bleed|bled) (?:heavily|a lot|loads|badly|everywhere|out|to "
            r"death|so much)\b",
            r"\b(?:wont|cant|doesnt|isnt) stop(?:ping)? bleeding\b",
            r"\bbleeding <W>{0,3}?(?:wont|cant|doesnt|isnt|will not) stop(?:ping)?\b",
            r"\band collapsed\b",
            r"\blost (?:a lot of|loads of|so much) blood\b",
            r"\b(?:<THEY>|i|ive) (?:has |have |just |has just |)collapsed\b",
            r"\b(?:fell|fallen|falling|collapsed|passed out) <W>{0,3}?(?:hit|banged|smashed|"
            r"cracked) (?:his|her|my|their) head\b",
            r"\b(?:call|calling|called|ring|ringing|rang|phone|phoning|dial|dialling|dialed|"
            r"dialled|get|need|needs|send|sending|waiting for) (?:an? |for an? |the |for "
            r"the |me an? )?(?:ambulance|999|paramedics?)\b",
            r"\b(?:this is|its|we have|theres|there is) an? (?:emergency|medical emergency)\b",
            r"\balcohol poisoning\b",
            r"\b(?:been|was|got|getting|get|think i was|think ive been|drink (?:was|got|has "
            r"been|is)|drinks (?:were|got)) spiked\b",
            # panic in withdrawal can be an emergency; "dying of embarrassment" is not
            r"\bfeel(?:s|ing)? like (?:im|i am|i was|hes|shes) (?:going to die|dying)\b"
            r"(?! (?:for|of (?:boredom|embarrassment|laughter|shame|thirst)|laughing|to)\b)",
        ),
    ),
    (
        "abuse",
        (
            # a person doing harm to the writer (or their children); "it hit me" and
            # "the cravings are hitting me" have no person, so they pass
            r"\b<PERSON> <W>{0,2}?(?:hitting|beating|punching|kicking|strangling|choking|"
            r"slapping|hurting|attacking|abusing|raping|threatening|stalking|battering|"
            r"assaulting|hit|hits|beat|beats|punched|punches|kicked|kicks|strangled|"
            r"strangles|choked|chokes|slapped|slaps|hurt|hurts|attacked|abused|raped|"
            r"threatened|threatens|assaulted|battered|pushed|shoved|grabbed|stabbed|"
            r"smacked|headbutted|burned|burnt|touching|touched|spat on|locked|following|"
            r"followed|controlling|touches|touch) (?:me|us|my (?:kids|children|son|daughter|"
            r"baby|mum|dad|"
            r"partner))\b(?! (?:out|off|to it|at|in|back|on the shoulder|deeply|on "
            r"(?:instagram|twitter|facebook|tiktok|social|here)|with (?:the |some )?news|"
            r"with a (?:question|bill))\b)",
            r"\b(?:im|i am|i was|ive been|i got|got|getting|been|being|keep getting|i feel) "
            r"(?:being |really |badly |so |)(?:abused|attacked|beaten|beaten up|battered|"
            r"assaulted|raped|strangled|choked|stabbed|threatened|stalked|kidnapped|"
            r"trafficked|held hostage|held against my will|followed|mugged|exploited|"
            r"cuckooed)\b(?! (?:by (?:the|this|my) (?:drink|addiction|booze|bottle|drugs|"
            r"disease|cravings?)|by (?:change|it|that|this)|at|in the|to it|on instagram|"
            r"on twitter|on social)\b)",
            r"\bbeing (?:hurt|hit|punched|kicked|slapped|pushed|shoved|controlled|"
            r"strangled|choked|locked in|kept in)\b",
            # threats to kill or hurt; not "mum's going to kill me when she finds out"
            # or "my wife will kill me for relapsing" (idioms)
            r"\b(?:<PERSON> <W>{0,2}?(?:will|ill|going to|gonna|threatened to|threatening "
            r"to|threatens to|said (?:hed|shed|theyd|he would|she would|they would|he will|"
            r"she will|hell|shell|he was going to|she was going to)|says (?:hell|shell|he "
            r"will|she will|hes going to|shes going to)|tried to|trying to|tries to|wants "
            r"to|might|could|is going to)|hell|shell|theyll|hed|shed|theyd) <W>?"
            r"(?:kill|murder|stab|hurt|shoot|strangle|batter|beat|rape) (?:me|us|my <W>)"
            r"(?! <W>?(?:(?:if|when|once) (?:he|she|they|hes|shes|theyre|my <W>) "
            r"(?:finds|find|sees|see|hears|hear|knows|know|found)|for (?:drinking|relapsing|"
            r"this|that|being late|forgetting|using|telling))\b)",
            r"\b(?:threatening|threatened|threatens) (?:me|us|to (?:kill|hurt|stab|beat|"
            r"shoot|burn|batter|attack|rape|smash))\b",
            r"\b(?:scared|afraid|frightened|terrified|fear|fearing|worried|petrified) "
            r"(?:of|for) (?:my life|my safety|our safety|my kids safety|my childrens "
            r"safety|him|her|them|my (?:partner|boyfriend|girlfriend|husband|wife|ex|dad|"
            r"father|stepdad|landlord|dealer))\b(?! (?:<W>?reaction|finding|judging|"
            r"thinking|knowing|response|opinion|relapsing|drinking|using|and|being "
            r"disappointed)\b)",
            r"\b(?:scared|afraid|frightened|terrified|petrified) (?:to go|of going) "
            r"(?:back )?home\b",
            r"\b(?:not safe|unsafe|dont feel safe|never feel safe) (?:at home|in my (?:own )?"
            r"(?:home|house|flat)|with (?:him|her|them|my <W>)|here|right now|<ANYMORE>)\b",
            r"\bim not safe\b(?! (?:around|near|with) (?:alcohol|drink|booze)|to drive)",
            r"\b(?:has|hes got|has got|shes got|theyve got|got|pulled|pulling|holding|"
            r"waving|brandishing|came at me with|coming at me with|threatened me with|"
            r"attacked me with) (?:a |an |his |her |their )?(?:knife|gun|weapon|machete|"
            r"blade|axe|hammer)\b(?! (?:set|block|sharpener|drill)\b)",
            r"\b(?:domestic (?:violence|abuse)|coercive control|sexually (?:assaulted|"
            r"abused)|sexual (?:assault|abuse))\b",
            r"\b(?:wont|will not|doesnt|isnt|not) let(?:ting)? me (?:leave|out of the "
            r"(?:house|flat|room)|have my phone|see my (?:family|friends))\b",
            r"\blocked (?:me |us )?in (?:the|a|my|his|her|their) <W>?(?:room|bedroom|house|"
            r"flat|bathroom|car|cupboard|shed|cellar|basement)\b",
            r"\b(?:man|men|guy|guys|someone|somebody|bloke|lad|lads|he|she|they|people|"
            r"gang) <W>{0,2}?with (?:a|an) (?:knife|gun|machete|weapon|axe)\b",
            # "cuckooing": dealers taking over a vulnerable person's home
            r"\b(?:dealers?|gang|they|people) <W>{0,2}?(?:taken over|took over|moved into|"
            r"using|running drugs from|dealing from) my (?:flat|house|home|place)\b",
            r"\b(?:someone|somebody|people|men|man|guy|they) (?:is |are |)(?:trying to )?"
            r"(?:break|breaking|broke|kicking) (?:in|into|down (?:my|the) door)\b",
        ),
    ),
    (
        "suicide",
        (
            # killing oneself; not "killing myself laughing", "shot myself in the
            # foot", "drowning myself in work"
            r"\b(?:kill|kills|killing|killed|end|ending|ended|top|topping|topped|off|"
            r"offing|offed|hang|hanging|hanged|hung|unalive|unaliving|unalived|gas|gassing|"
            r"drown|drowning|drowned|shoot|shooting|shot|poison|poisoning|suffocate|"
            r"suffocating|strangle|strangling|electrocute|stab|stabbing|smother) myself\b"
            r"(?! (?:laughing|with laughter|in the foot|in (?:drink|booze|alcohol|work|my "
            r"work|sorrows|the gym|paperwork|coffee)|at (?:work|the gym)|off|up|out)\b)",
            # others too; "he's killing himself with drink" is how families describe
            # heavy drinking, so that alone is left to the normal flow
            # (present and future only: "my friend killed himself" is a loss, left to the
            # gentle signpost)
            r"\b(?:kill|kills|killing|end|ending|top|topping|off|offing|hang|hanging|"
            r"unalive|unaliving|shoot|shooting|drown|drowning) (?:himself|herself|"
            r"themselves|themself)\b"
            r"(?! (?:laughing|in the foot|with (?:the )?(?:drink|booze|alcohol|drinking|"
            r"drugs|gear|work)|slowly|at (?:work|the gym)|off|up|out)\b)",
            r"(?<![0-9] )(?<![0-9])\bkms\b",  # "kill myself"; "5 kms" is a distance
            # suicide, suicidal and misspellings (sucidal, suiside, suicidle); no
            # "-ed"/"-ing" ending, which would take in "succeeded" and "succeeding"
            r"\bs[uo]?[iey]{0,2}[cs]{1,2}[iey]{1,2}d(?:e|es|al|ally|le|el|ial)\b"
            r"(?! (?:squad|mission|missions|bomber|bombers|bombing|doors|risk|rates?|"
            r"statistics|stats|research|awareness|prevention|bereavement|bereaved|loss|"
            r"survivors?|charity|training|helpline|hotline|first aid)\b)",
            r"\bsewer ?slides?\b",
            r"\bunalive",
            r"\bcommit(?:s|ed|ing)? (?:su|sewer)",
            # wanting to die; not "to die for", "want to die sober" (a recovery hope);
            # only emphasis between, so "I don't want my dad to die" passes
            r"\b(?:want|wants|wanted|wanting|wish|wished|wishing|ready|deserve|deserves|"
            r"need|plan|planning|tempted|prefer|like|longing|praying|prayed|pray) <ADV>to "
            r"<ADV>(?:go and |)die\b(?! (?:for|sober|clean|happy|old|of old age|a (?:sober|"
            r"happy|free|clean|good)|in (?:my sleep|recovery|peace) (?:at|when|aged|as)|my "
            r"hair|of (?:embarrassment|boredom|shame|laughter)|laughing)\b)",
            r"\bwant die\b",
            r"\b(?:id|would) (?:rather|sooner) (?:just )?(?:die|be dead)\b(?! than)",
            r"\bwish (?:i|id|i could|that i) <W>?(?:was|were|be|been|had been) "
            r"(?:dead|gone|not here|never born|not born|not alive)\b",
            r"\bwish (?:i|id|that i) (?:could |would |)(?:just )?(?:die|died|disappear|"
            r"not wake up|never wake up|fall asleep and not wake up|sleep forever|stop "
            r"existing|not exist|wasnt (?:alive|here|born)|hadnt been born|was never born|"
            r"didnt exist|wouldnt wake up)\b",
            r"\b(?:want|wish|rather|better|ready) (?:to )?be dead\b",
            r"\bhope (?:i|im) <W>?(?:die|dead|dont wake|never wake|wont wake|dont make it)",
            r"\bi (?:should|ought to|might as well|may as well|will|ill|am going to|"
            r"could|just want to|just wanna) (?:just |go and |go |)die\b"
            r"(?! (?:of|laughing|for|if|when|happy|before|sober|clean)\b)",
            # ending life
            r"\bend(?:ing|ed|s)? (?:it all|my life|my own life|my days|it permanently|"
            r"everything for good|it for good|things for good)\b",
            r"\b(?:want|going|ready|about|plan|planning|planned|thinking about|thinking of|"
            r"decided|decide|try|trying|tempted|just|might|will|ill|could|should|need) "
            r"(?:to )?(?:just )?end (?:it|things|everything|the pain)<ENDCLAUSE>",
            r"\bend (?:the|all the) pain\b",
            r"\b(?:take|taking|took|taken) (?:my|me) (?:own )?life\b(?! (?:back|into|in "
            r"hand|in a|in the|seriously|forward|to|one day|day by day|a day at a time|"
            r"each day|"
            r"again|by the scruff)\b)",  # "taking my life back" is a recovery slogan
            r"\btake my own life\b",
            # not wanting to live; "don't want to be here in Leeds" is about a place
            r"\b(?:dont|doesnt|didnt|never) <ADV>(?:want|wish) (?:to )?(?:be alive|exist|"
            r"be on this earth|be in this world|survive|be living)\b",
            r"\b(?:dont|doesnt|didnt|never) <ADV>(?:want|wish) (?:to )?(?:be here|be around|"
            r"live|wake up|carry on|go on|keep going|continue)<ENDCLAUSE>",
            r"\b(?:dont|doesnt) deserve to (?:live|be alive|be here|exist)\b",
            r"\b(?:shouldnt|should not) (?:be alive|exist|be here <ANYMORE>)\b",
            # can't go on, can't take it any more (warning signs in their own right)
            r"\b(?:cant|couldnt|unable to) (?:go on|carry on|keep going|keep living|"
            r"live|continue)<ENDCLAUSE>",
            r"\b(?:cant|couldnt) (?:live|exist) (?:like this|with (?:this|myself|it))\b",
            r"\bcant (?:take|stand|handle|bear|do|cope with|deal with|face) (?:it|this|this "
            r"life|life|the pain|any of it|this pain|living|everything|it all)? ?"
            r"<ANYMORE>\b(?! <W>?(?:of|off|time|days|shifts|hours|calls|work|drink|drinks|"
            r"booze)\b)",
            r"\bcant cope (?:with (?:life|anything|any of it|it all|living)|<ANYMORE>)\b",
            # hopelessness about living itself; "no point going to meetings" passes
            r"\b(?:no|whats the|what is the|theres no|there is no|dont see the|cant see the|"
            r"see no|not much) point (?:in |of |to )?(?:living|life|going on|carrying on|"
            r"being (?:here|alive|around)|existing|waking up|anything|it all|me being "
            r"(?:here|alive|around)|my life|in life|trying <ANYMORE>|<ANYMORE>|"
            r"staying alive|being on this earth)\b",
            r"\blife (?:isnt|is not|aint|is no longer|s not) worth (?:living|it)\b",
            r"\b(?:my )?life (?:is|s|feels) (?:so |just |completely |)(?:pointless|"
            r"meaningless|not worth (?:living|it))\b",
            r"\b(?:isnt|not|is not|no longer) worth living\b",
            r"\b(?:nothing|nothing left|no one|nobody) to live for\b",
            r"\bno (?:reason|point|reasons) (?:to|for) (?:live|living|go on|carry on|stay "
            r"alive|be alive|be here)\b",
            r"\bbetter off (?:dead|gone|without me|with me gone|with me dead|if im gone|if "
            r"im dead|if i (?:wasnt|werent|was not|were not|was gone|were gone|was dead|"
            r"were dead|died|disappeared|had never been born|never existed|didnt exist|"
            r"was never born|wasnt around|werent around|wasnt here|werent here))\b",
            r"\b(?:no one|nobody) (?:would|will|wd) (?:even )?(?:miss me|care if i "
            r"(?:died|was gone|was dead|disappeared|wasnt here)|notice if i (?:died|was "
            r"gone|disappeared|wasnt here))\b",
            r"\b(?:im|i am|i feel like|feel like|feel like im|i feel like im|just|nothing "
            r"but) (?:such |just |nothing but |always |)(?:a |an )?(?:burden|waste of "
            r"space|waste of oxygen|waste of air)\b",
            # goodbyes and plans
            r"\bthis is goodbye\b(?! to (?:booze|drink|drinking|alcohol|drugs|the drink|"
            r"the bottle|gear|smoking|my old|the old|bad habits|weed|coke|gambling)\b)",
            r"\b(?:this is (?:my goodbye|my last message|my last night|my last "
            r"day)|goodbye (?:forever|cruel world|world)|(?:final|last) goodbye|"
            r"(?:suicide|goodbye|farewell) (?:note|letter|message|video)|by the time "
            r"(?:you|anyone|someone|u) (?:read|reads|see|sees|get|gets) this|last (?:night|"
            r"day) (?:on earth|alive|of my life))\b",
            r"\bthis is the end\b(?! of)",
            r"\b(?:im done|i give up|im finished) <W>{0,2}?(?:goodbye|bye|love you all)\b",
            r"\b(?:tell|let) (?:my|the) (?:kids|children|family|mum|dad|son|daughter|wife|"
            r"husband|partner|boys|girls) (?:know )?(?:that )?i (?:love|loved) (?:them|her|"
            r"him)\b",
            r"\b(?:wont|will not|might not|may not|not going to) be (?:here|around|alive) "
            r"(?:much longer|for much longer|tomorrow|by (?:morning|tomorrow|the weekend)|"
            r"<ANYMORE>|to see)\b",
            r"\bwont be alive\b",
            r"\bnoose\b",
            r"\b(?:bought|buy|buying|got|have|tied|tie|tying|made|making|found|get|getting) "
            r"(?:a |some |the )?rope\b(?! (?:burn|swing))",
            r"\b(?:stockpiling|stockpiled|saving up|saved up|hoarding|hoarded|collecting|"
            r"collected|been saving) (?:my |all my |the |some |up )?<DRUGS>\b",
            r"\b(?:jump|jumping|jumped|throw myself|throwing myself) (?:off|from) "
            r"(?:a |the |that |this )?<W>?(?:bridge|building|roof|cliff|car park|multi "
            r"storey|tower block|tower|balcony|flyover|window|ledge|motorway bridge)\b",
            r"\b(?:jump|jumping|jumped|step|stepping|walk|walking|throw myself|throwing "
            r"myself|lie|lying|lay) (?:in front of|under|onto|on) (?:a |the )?(?:train|"
            r"bus|lorry|car|truck|van|tube|tracks|railway|railway line|train tracks)\b",
            r"\b(?:throw|throwing|threw) (?:myself|himself|herself) (?:off|in front of|"
            r"under|from|into)\b",
            r"\b(?:walk|walking|jump|jumping) (?:into|in) (?:the|a) (?:sea|river|canal|ocean|"
            r"lake|loch|reservoir)\b",
            r"\b(?:slit|slitting|slash|slashing|cut|cutting|open|opening) (?:my|his|her|"
            r"their) (?:wrists?|throat)\b",
            r"\b(?:im|i am|standing|stood|sat|sitting) (?:on|at) (?:the )?(?:edge of (?:a|the)"
            r" (?:bridge|roof|cliff|building|platform)|ledge|wrong side of the (?:bridge|"
            r"railing|barrier)|railway line|train tracks|tracks)\b",
            # thoughts
            r"\b(?:suicidal|dark|bad|intrusive|scary|morbid) (?:thoughts|feelings|ideation|"
            r"urges) (?:about|of) (?:dying|death|ending|killing|not being|suicide)\b",
            r"\bthoughts (?:of|about) (?:dying|death|ending it|killing myself|ending my life|"
            r"not being here|not waking up|taking my life|not existing)\b",
            r"\bthinking (?:about|of) (?:dying|ending it|killing myself|ending my life|death|"
            r"taking my (?:own )?life|not being here|not existing|not waking up)\b",
            r"\b(?:having|got|get|getting|been having|with|these|my|keep having|such) "
            r"(?:really |very |some |such |so many |)dark thoughts\b",
            r"\b(?:want|wish i could|like to|just want|need) (?:to )?(?:just )?disappear\b"
            r"(?! (?:for (?:a|the) (?:bit|while|weekend|day|week|few)|to|into my|on "
            r"holiday|off)\b)",
            r"\bdisappear (?:forever|for good|permanently)\b",
            r"\bhad enough of (?:life|living|it all|being alive|everything|this life|"
            r"existing)\b",
            r"\bcant be bothered (?:living|to live|being alive|existing|with life|"
            r"waking up)\b",
            r"\bwant out of (?:this life|life|this world)\b",
            r"\b(?:no way out|cant see a way out|cant see any way out)\b(?! of the\b)",
            r"\b(?:got|have|getting|get|laid out|lined up) (?:the|my|all my|all the|some) "
            r"<DRUGS> (?:ready|lined up|laid out|counted|out on)\b",
            r"\b(?:going to|want to|about to|gonna|ready to|will|ill) jump<ENDCLAUSE>",
            r"\b(?:ways?|how|best way|easiest way|quickest way|painless way) to (?:die|kill "
            r"(?:yourself|myself|oneself|urself|your self)|end (?:it|my life|your life)|"
            r"commit su)",
            r"\b(?:lethal|fatal|deadly) (?:dose|amount|overdose)\b",
            r"\bhow (?:many|much) <W>{0,3}?(?:to die|to kill|would kill|will kill|does it "
            r"take to (?:die|kill)|kills you|is lethal|is fatal|is a lethal)",
            r"\b(?:feel|feeling) like ending (?:it|things|everything|my life|it all)\b",
            r"\b(?:thinking about|thinking of|considering|contemplating) ending (?:it|things|"
            r"everything)<ENDCLAUSE>",
            r"\bbetter (?:off )?without me\b",
            r"\b(?:happier|better|easier) (?:off )?if i (?:was gone|were gone|died|was dead|"
            r"wasnt here|wasnt around|disappeared|wasnt alive)\b",
            r"\b(?:want|going|trying|try|plan|planning|gonna|ready|will|ill|im) (?:to )?"
            r"(?:drink|drinking|use|using) myself to death\b",
            r"\bg(?:ive|iving|ave|iven) up on (?:life|living)\b",
            r"\b(?:done|finished) with (?:life|living|being alive|this life|it all|this "
            r"world)\b",
            r"\b(?:tired|sick|exhausted|weary) (?:and tired )?of (?:living|life|being alive|"
            r"existing|waking up|breathing)\b",
            r"\b(?:sleep|asleep) (?:forever|and (?:never|not) (?:wake|waking) up)\b",
            r"\bwant (?:it|it all|this|everything|all of (?:it|this)|my life|the pain|life) "
            r"(?:all )?to (?:end|stop|be over)\b",
            # "I'm going to die tonight": a plan, a panic or a withdrawal emergency
            r"\b(?:im|i am|hes|shes|theyre|i think im|i think i am|i feel im) going to die\b"
            r"(?! (?:of (?:boredom|embarrassment|shame|laughter)|laughing|for|when|if)\b)",
        ),
    ),
    (
        "self_harm",
        (
            # hurting oneself; not "cut myself off", "cut myself some slack",
            # "hurt myself at the gym" or "burnt myself cooking"
            r"\b(?:cut|cuts|cutting|slice|slicing|burn|burnt|burned|burning|hurt|hurts|"
            r"hurting|harm|harms|harming|hit|hitting|punch|punching|bite|biting|starve|"
            r"starving|scald|scalding|bash|bashing|injure|injuring|mutilate|mutilating) "
            r"<SELF>\b(?! (?:off|out|some slack|slack|a break|free|loose|short|shaving|on "
            r"the|by accident|accidentally|at the gym|at work|at football|playing|in the "
            r"gym|cooking|lifting|training|doing|running|working out|falling|up|down|back "
            r"in|a piece|a slice|in the kitchen|on the oven|on the iron|ironing|of sleep)\b)",
            r"\bcut (?:too|to|really|very|so|way too) deep\b",
            r"\bself ?(?:harm|harming|harmed|injury|injure|injuring|mutilation|mutilating)\b",
            # "started cutting again", but not "started cutting down"
            r"\b(?:been|started|start|keep|kept|back to|went back to|gone back to|relapsed "
            r"(?:on|into|with)|urges? to|want to|thinking about|feel like|going to|stop|"
            r"stopped) (?:<W>)?(?:cutting|cut|harming|burning)(?=$| again| (?:my|me) "
            r"(?:arms?|legs?|wrists?|thighs?|skin|stomach|body)| (?:and|but|i|im|its|"
            r"because|when|tonight|right now|now|badly|deep|deeper|myself)\b)",
            r"\b(?:cut|cuts|cutting|slash|slashing|burn|burning|carve|carving) (?:up )?"
            r"(?:my|his|her|their) (?:arms?|legs?|thighs?|skin|stomach|body)\b",
            r"\b(?:fresh |new |deep |bleeding )?cuts (?:on|all over) (?:my|his|her|their) "
            r"(?:arms?|legs?|wrists?|thighs?|body)\b",
        ),
    ),
)



MACROS.update({
    "<I>": r"(?:i|im|ive|ill|id|me)",
    # wanting, planning or fearing to do something, now or soon
    "<INTENT>": (
        r"(?:want to|wanted to|wants to|going to|about to|will|ill|plan to|planning to|"
        r"planning on|thinking (?:about|of)|tempted to|ready to|need to|feel like|could|"
        r"might|urges? to|desperate to|keep thinking about|cant stop thinking about|"
        r"fantasi[sz]ing about|scared i (?:will|might|could|ll)|afraid i (?:will|might|"
        r"could|ll)|worried i (?:will|might|could|ll)|close to|came close to|so close to|"
        r"thoughts (?:about|of)|intrusive thoughts (?:about|of)|urges? (?:to|about))"
    ),
    # hurting someone else
    "<HARM>": (
        r"(?:kill|killing|murder|murdering|stab|stabbing|shank|shanking|batter|battering|"
        r"beat|beating|smash|smashing|glass|glassing|shoot|shooting|strangle|strangling|"
        r"choke|choking|hurt|hurting|harm|harming|hit|hitting|punch|punching|kick|"
        r"kicking|bash|bashing|slap|slapping|shake|shaking|smother|smothering|suffocate|"
        r"suffocating|drown|drowning|poison|poisoning|attack|attacking|knife|knifing|"
        r"run over|burn|burning|throttle|throttling|leather|lamp|deck|slash|slashing)"
    ),
    # someone other than the writer
    "<OTHER>": (
        r"(?:him|her|them|someone|somebody|anyone|anybody|everyone|people|the next person|"
        r"(?:my|the|his|her|their|that|this|our|a|some) <W>?(?:baby|babies|kid|kids|"
        r"child|children|son|daughter|partner|husband|wife|boyfriend|girlfriend|bf|gf|"
        r"ex|dad|mum|mother|father|stepdad|stepmum|brother|sister|neighbour|neighbours|"
        r"dealer|dealers|landlord|boss|flatmate|mate|friend|guy|lad|lads|bloke|man|"
        r"woman|girl|boy|fella|nan|grandad|gran|carer|sponsor|family|stepson|stepdaughter|"
        r"grandson|granddaughter|toddler|newborn|little one|lot|bastard|prick|twat|"
        r"idiot|cunt|wanker|fucker|scumbag|nonce|head|heads))"
    ),
    "<CHILD>": (
        r"(?:kids|kid|children|child|childrens|baby|babies|babys|toddler|toddlers|little "
        r"ones?|little (?:boy|girl|lad|un|uns)|newborn|weans?|bairns?|youngsters?|"
        r"(?:my|our|her|his|their|the) (?:son|daughter|boy|girl|boys|girls|grandson|"
        r"granddaughter|grandkids|grandchildren|niece|nephew|stepson|stepdaughter)|"
        r"[0-9]+ (?:year|yr|month|week) old|[0-9]+ yo)"
    ),
    "<BODY>": (
        r"(?:arms?|legs?|wrists?|thighs?|skin|stomach|belly|body|hands?|face|chest|hips?|"
        r"knuckles|ankles?|feet|fingers)"
    ),
    "<BOOZE>": (
        r"(?:vodka|wine|whisky|whiskey|gin|rum|cider|beer|lager|cans|booze|drink|alcohol|"
        r"spirits|brandy|bottle)"
    ),
    "<POISON>": (
        r"(?:bleach|antifreeze|anti freeze|weed ?killer|rat poison|poison|batteries|"
        r"battery|button battery|washing (?:tablets?|pods?|liquid|powder)|detergent|"
        r"screenwash|paint stripper|drain cleaner|cleaning (?:stuff|products?|fluid|"
        r"spray)|white spirit|paraffin|petrol|meths|methanol|fairy liquid|dishwasher "
        r"tablets?|oven cleaner|toilet cleaner)"
    ),
    # a person who is out of it
    "<GONE>": (
        r"(?:passed out|out cold|unconscious|nodding out|nodding off|gouching|gouched|"
        r"comatose|off (?:his|her|their|my) (?:face|head|tits|nut)|smashed|mashed|wasted|"
        r"steaming|steamin|paralytic|legless|blackout drunk|out of it|high|stoned|"
        r"off it|on a bender|on the gear|on the crack|on crack|on spice|using|drunk)"
    ),
})

SHAPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "overdose",
        (
            # something swallowed that is poison
            r"\b(?:drank|drunk|drink|drinking|swallowed|swallow|swallowing|ate|eaten|eating|"
            r"taken|took|had|necked|downed|chewed|licked) <W>{0,3}?<POISON>\b",
            # everything, the lot, a fistful: a large amount taken now
            r"\b(?:took|taken|taking|swallowed|swallowing|necked|necking|popped|popping|"
            r"downed|done|did|injected|snorted|had|used|smoked) (?:all |the )?(?:everything|"
            r"all of (?:it|them)|the lot|the rest of (?:the|my|it|them)|the whole <W>?|"
            r"a fistful|fistfuls|a handful|handfuls|a pile|a shitload|a fuck ?ton|a ton|"
            r"double|triple|way more than|far more than|more than (?:i|my) (?:should|usual|"
            r"normal)|whatever (?:i|was) (?:could|found|had|left))\b"
            r"(?! (?:of (?:the|my) (?:work|washing|cleaning|housework)|i could to)\b)",
            r"\b(?:everything|all the (?:pills|tablets|meds)) in (?:the|my) (?:cupboard|cabinet|"
            r"medicine|drawer|house|box|bathroom)\b",
            # mixing, with signs of slowing down
            r"\b(?:mixed|mixing|combined|together with|with|and|plus|on top of|then) <W>{0,3}?"
            r"(?:<DRUGS>|<BOOZE>|g|ghb|gbl|benzos|pregabs|pregab|gabbies|xans|bars|"
            r"methadone|tramadol|codeine) <W>{0,8}?(?:cant keep (?:my|his|her|their) eyes "
            r"open|cant stay awake|wont stay awake|cant feel my|going under|keep blacking "
            r"out|keeps blacking out|blacking out|slurring|room (?:is |wont stop )?spinning|"
            r"barely (?:awake|conscious|breathing)|nodding|wont wake)",
            r"\b(?:cant|can barely|can hardly|struggling to) (?:keep (?:my|his|her|their) eyes "
            r"open|stay awake|stay conscious)\b",
            r"\b(?:wont|cant|doesnt|isnt|not) (?:stay|staying|keep|keeping) (?:awake|"
            r"conscious)\b",
            r"\b(?:breathing|breath|breaths|breathes) (?:is |s |are |has gone |gone |sounds |"
            r"seems |)(?:really |very |so |super |)(?:slow|shallow|weird|funny|rattly|noisy|"
            r"strange|gurgly|gurgling|raspy|stopped|stopping)\b",
            r"\b(?:slumped|sprawled|face down|flat out) <W>{0,6}?(?:breathing|wont wake|not "
            r"moving|blue|grey|cold|used|gear|heroin|needle|bag|pills)",
            r"\b(?:sick|vomited|vomiting|puked|choking) <W>{0,3}?(?:while|when|and) <W>{0,2}?"
            r"(?:passed out|unconscious|asleep|out of it|on (?:his|her|their|my) back)\b",
            r"\b(?:overdone|overdid) (?:it )?(?:on )?(?:the |my )?(?:<DRUGS>|g|ghb|gbl|dose)\b",
            r"\b(?:think|thinks|maybe|could be|might be|its|is it|having|had|having an) (?:an |a )?"
            r"od\b",
            r"\btolerance (?:is |s |has |)(?:gone|dropped|low|down|nothing)\b",
            # a child who got into drugs or medicine
            r"\b<CHILD> <W>{0,6}?(?:swallowed|ate|eaten|drank|drunk|took|taken|got into|"
            r"got hold of|found|has had|had|put) <W>{0,5}?(?:<DRUGS>|methadone|bag|gear|"
            r"stash|tablets|pills|<BOOZE>|<POISON>)\b",
            # someone after using who does not answer
            r"\b(?:after|since) (?:he|she|they) (?:used|took|had|injected|smoked|went in)"
            r"\b <W>{0,6}?(?:wont|isnt|not|doesnt|cant) (?:answer|respond|wake|move|talk)",
        ),
    ),
    (
        "medical",
        (
            # withdrawal: stopping, and a dangerous sign
            r"\b(?:seeing|hearing|see|hear|saw|heard|seen) (?:things|spiders|bugs|insects|"
            r"rats|snakes|people|voices|shadows|my dead|faces|stuff that|things that)\b"
            r"(?! (?:differently|clearly|in a new)\b)",
            r"\bhallucinat",
            r"\b(?:shaking|shakes|shaky|trembling|twitching|sweating) <W>{0,4}?(?:so bad|"
            r"uncontrollably|badly|violently|like mad|all over|and (?:confused|seeing|hearing|"
            r"hallucinating|fitting|cant stop)|cant stop)\b",
            r"\b(?:confused|not making sense|delirious|talking nonsense|doesnt know where) "
            r"<W>{0,4}?(?:shaking|sweating|seeing|fitting|after (?:stopping|he stopped|she "
            r"stopped))",
            r"\b(?:stopped|quit|stopping|coming off|came off|detoxing|withdrawing|cold turkey)"
            r" <W>{0,8}?(?:fit|fits|fitting|shaking|seeing|hearing|confused|hallucinat|"
            r"twitching|cant think|passing out|blacking out|heart (?:racing|pounding))",
            r"\b(?:cant|couldnt|havent|not) (?:keep|kept) (?:water|anything|food|fluids) down\b",
            r"\bcant stop (?:vomiting|being sick|throwing up|shaking|fitting)\b",
            r"\b(?:nearly|keep|kept|keeps) (?:passing out|fainting|blacking out|collapsing)\b",
            r"\b(?:eyes|skin) (?:have |has |are |is |)(?:gone |going |turned |turning |)"
            r"(?:yellow|yellowy)\b",
            r"\b(?:poo|poos|stool|stools|shit|sick) (?:is |are |s |)(?:black|like coffee "
            r"grounds|bloody)\b",
            r"\bblack (?:poo|poos|stool|stools)\b",
            r"\b(?:belly|stomach|tummy) (?:is |s |)(?:swollen|swelling|huge)\b",
            r"\b(?:face|mouth) (?:has |is |s |)(?:gone |going |)(?:numb|drooping|droopy)\b",
            r"\b(?:speech|talking) (?:is |s |)(?:slurred|slurring)\b(?! because| cos)",
            r"\b(?:hit|banged|smashed|cracked|bashed) (?:my|his|her|their) head\b <W>{0,8}?"
            r"(?:sick|vomit|blurry|confused|not making sense|passed out|drowsy|sleepy|"
            r"bleeding|blood|wont wake)",
            r"\b(?:injection site|injecting site|where (?:i|he|she|they) inject(?:s|ed)?|"
            r"abscess)\b <W>{0,6}?(?:hard|red|black|swollen|pus|hot|fever|spreading|green)",
            r"\b(?:burning up|high (?:fever|temperature)|fever) <W>{0,8}?(?:inject|needle|"
            r"abscess|injection)",
            r"\b(?:heart|chest) <W>?(?:racing|pounding|going mad|going crazy|beating (?:really )?"
            r"fast|skipping)\b <W>{0,6}?(?:cant breathe|pain|dizzy|collapse|coke|cocaine|"
            r"pills|faint)",
            r"\b(?:fell|fallen|falling|collapsed) <W>{0,5}?(?:and|now) <W>{0,3}?(?:wont|cant|"
            r"isnt|not) (?:get up|wake|move|respond)\b",
            r"\b<W>?(?:on the floor|on the ground) <W>{0,4}?(?:shaking|fitting|jerking|not "
            r"moving|wont wake|not breathing)",
        ),
    ),
    (
        "child_at_risk",
        (
            r"\b<CHILD> <W>{0,4}?(?:home alone|(?:on|by) (?:their|his|her) own|by (?:themselves|"
            r"himself|herself)|alone (?:since|all (?:night|day|weekend)|overnight|for (?:hours|"
            r"days|the night|the weekend))|unsupervised|left "
            r"alone|hasnt been fed|havent been fed|not been fed|havent eaten|hasnt eaten|"
            r"hungry|no food|hiding|terrified|scared of (?:me|him|her|them|their dad|their "
            r"mum|his dad|her dad|his mum|her mum))\b",
            r"\bleft (?:the |my |our |her |his )?<CHILD> <W>{0,4}?(?:alone|on (?:their|his|her) "
            r"own|in the car|with (?:him|her|a|my|his|her|their) <W>{0,3}?<GONE>)",
            r"\b(?:leave|leaving|left) (?:the |my |our )?<CHILD> <W>{0,3}?(?:while|to go|and "
            r"go|and went)\b",
            r"\b(?:too|to|so) (?:drunk|mashed|smashed|high|wasted|out of it|off my face|"
            r"off my head|stoned|pissed|battered|gone|rough|sick|hanging) to (?:look after|"
            r"care for|watch|mind|feed|pick up|get|change|see to|deal with) <W>?<CHILD>",
            r"\b<GONE> <W>{0,8}?(?:baby|kids|children|toddler|little ones?|newborn|weans|"
            r"bairns) <W>{0,4}?(?:crying|screaming|on (?:her|his|my) lap|in the cot|alone|"
            r"hungry|on (?:their|his|her) own|with (?:her|him|me|them))\b",
            r"\b(?:baby|toddler|newborn|kids|children) <W>{0,3}?(?:crying|screaming) <W>{0,8}?"
            r"<GONE>",
            r"\bim (?:[1-9]|1[0-7]|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)"
            r"\b <W>{0,14}?(?:mum|dad|mam|stepdad|stepmum|parents|nan|grandad|carer|"
            r"uncle|brother|sister|boyfriend|people|men|lads)\b",
            r"\b(?:hits|hit|beats|beat|burns|burnt|burned|hurts|hurt|punched|kicked|slapped|"
            r"slaps|locks|locked|shakes|shook|violent (?:with|to|towards)) <W>{0,2}?<CHILD>",
            r"\b<CHILD> <W>{0,8}?(?:bruise|bruises|bruised|black eye|burn marks|marks on)\b",
            r"\b<CHILD> <W>{0,6}?(?:says|said|told me) <W>{0,6}?(?:hits|hit|hurts|hurt|burns|"
            r"beats|touches|touched|locks|drunk|drinks|on the gear|using)\b",
            r"\b(?:older|grown) (?:lads|men|man|guys|boys|blokes) <W>{0,8}?(?:giving|pick|"
            r"picks|picking|carry|carrying|hold|holding|stuff|money|phones|drugs|gear|run)",
            r"\b(?:doing|running|into|involved in|caught up in|made to do|forced into|working) "
            r"county lines\b",
            r"\b(?:is|are|being|been|got|get|getting|was|were) (?:cuckooed|groomed)\b",
            r"\b(?:keeps going|keep going|has gone|gone|went) missing\b",
            r"\b<CHILD> <W>{0,8}?(?:carry|carrying|hold|holding|run|running|sell|selling|deal|"
            r"dealing|drop|dropping) (?:stuff|drugs|gear|packages|parcels|for (?:them|him|a))",
            r"\b(?:needles|syringes|works|crack pipe|pipes|gear|pills) <W>{0,8}?(?:kids|"
            r"children|baby|toddler|niece|nephew|son|daughter) <W>{0,2}?(?:play|plays|playing|"
            r"reach|could get|can get|crawl)",
            r"\b<CHILD> <W>{0,6}?(?:is |s |)(?:living|staying|sleeping) with (?:a|an|her|his) "
            r"<W>?(?:dealer|older man|man twice)",
            r"\b(?:kids|children|baby|little ones|weans|bairns) (?:saw|watched|found|seen) (?:me|"
            r"him|her|them|their (?:mum|dad)) <W>{0,3}?(?:overdose|go over|od|unconscious|"
            r"passed out|collapse|fitting|inject|using|hit|beat)",
        ),
    ),
    (
        "abuse",
        (
            r"\b<PERSON> <W>{0,4}?(?:takes|took|taken|has taken|keeps taking|took away|"
            r"controls|control|checks|smashed|broke|hides|hid|keeps|kept|steals|stole|"
            r"stolen|has) (?:all )?(?:of )?(?:my|me) (?:phone|money|bank card|card|cards|"
            r"benefits|pension|keys|passport|id|wages|car keys|meds|medication|tablets)\b",
            r"\b(?:controls|checks|tracks|reads) (?:all )?(?:my|the) (?:money|phone|messages|"
            r"finances|location|bank)\b",
            r"\b(?:wont|doesnt|dont|never|wouldnt) let(?:s)? me (?:go|leave|out|see|have|talk|"
            r"speak|use|eat|sleep|near|call|ring|phone|get)\b(?! (?:the|my|our) (?:kids|"
            r"children|son|daughter|boys|girls|grandkids)\b)",
            r"\bnot allowed (?:out|to (?:go|leave|see|have|talk|speak|use|call|ring))\b",
            r"\b(?:hands?|arm) (?:round|around|on) my (?:neck|throat)\b",
            r"\b(?:strangled|choked|throttled|strangles|chokes|throttles|pinned|held me down) "
            r"(?:me|my)\b",
            r"\b(?:said|says|told me|threatened|threatening|threatens|reckons) (?:that )?"
            r"(?:hed|shed|theyd|hell|shell|theyll|they will|he will|he would|they would|she "
            r"will|she would|(?:he|she|they) (?:is|are|was|were) going to|(?:he|she|they) "
            r"(?:will|would)) <W>{0,3}?(?:break|kill|hurt|stab|burn|torch|come for|take|post|"
            r"share|smash|batter|do|shoot|beat|cut|send|find|get|end) ",
            r"\b(?:theyll|hell|shell|theyre going to|hes going to|shes going to) (?:break|kill|"
            r"hurt|stab|torch|burn|smash|batter|come for|shoot|beat|cut|do) (?:me|my|us|the "
            r"kids|the baby)\b(?! <W>?(?:if|when) (?:he|she|they) (?:find|finds|see|sees|hear|"
            r"hears|know|knows|found))",
            r"\b(?:forced|forces|forcing|made|makes|making|pressured|pressures) me (?:to )?"
            r"(?:have sex|do (?:stuff|things|runs|sexual|it)|sleep with|hold|carry|sell|deal|"
            r"run|take|go with|shoplift|steal)\b",
            r"\b(?:raped|rape|sexually|molested|groped|assaulted)\b(?! (?:case|trial|"
            r"statistics|awareness|crisis)\b)",
            r"\bspiked\b",
            r"\b(?:tracker|tracking device|tracking app|tracks my|tracking my)\b",
            r"\b(?:watching|following|stalking|watches|follows) me\b(?! on (?:instagram|"
            r"twitter|facebook|tiktok|social|x|insta|here)\b)",
            r"\b(?:keeps|keep|kept) turning up (?:at|outside)\b",
            r"\b(?:post|share|send|leak|put) (?:my|me) (?:nudes|pics|photos|pictures|videos)\b",
            r"\bbruis(?:e|es|ed|ing) <W>{0,8}?(?:he|she|they) (?:says|said|did|does|will|"
            r"blames)\b",
            r"\b(?:hes|shes|theyre|he is|she is|they are) <W>?(?:smashing|kicking off|kicking "
            r"the door|banging on|breaking (?:stuff|things|the door)|going mental|raging|"
            r"going mad|going crazy|trying to get in|trying to break)\b",
            r"\b(?:threw|throws|thrown|chucked|lobbed) (?:a|the|his|her|my|their) <W>{0,2}?"
            r"(?:at me|at my head)\b",
            r"\b(?:pushes|pushed|shoves|shoved|drags|dragged|grabs|grabbed|pulls|pulled|"
            r"spat|spits) (?:me|at me|my (?:hair|arm|arms|neck|throat|clothes))\b(?! "
            r"(?:to|towards) (?:do|go|get|try|be|stop|keep|join|apply|quit))",
            r"\b<PERSON> <W>{0,2}?(?:is |s |keeps |)(?:beating|battering|hitting|"
            r"strangling|kicking|punching) (?:her|him|them|my <W>?)\b(?! <W>?(?:at|in) "
            r"(?:pool|darts|chess|cards|fifa|football|games?|tennis|snooker))",
            r"\b(?:beating|beats|beat|battered|batters) (?:her|him|them|me) up\b",
            r"\b(?:run|running|do|doing|carry|carrying|hold|holding) (?:drugs|runs|county lines|"
            r"stuff|gear|packages) for (?:them|a gang|him|the dealers?|my dealer)\b",
            r"\bkeep(?:s|ing)? me on (?:the )?(?:gear|drugs|crack|heroin|spice)\b",
            # someone armed nearby
            r"\b<PERSON> <W>{0,4}?(?:outside|at the door|downstairs|upstairs|in the house|"
            r"here|coming|on his way|on her way|round) <W>{0,3}?(?:with|has|got|holding|"
            r"carrying) (?:a|an|his|her) (?:knife|gun|weapon|machete|bat|hammer|blade|axe)\b",
            r"\b(?:taken over|took over|using|run from|dealing from) my (?:flat|house|home|place)"
            r"\b",
            r"\b(?:if i (?:dont|cant) pay|owe <W>{0,4}?(?:they|he|dealer)|drug debt) <W>{0,8}?"
            r"(?:break|kill|hurt|stab|torch|burn|smash|batter|come for|coming for|do me|"
            r"my legs|my kids|my family)",
            r"\b(?:scared|afraid|frightened|terrified|petrified) (?:of (?:him|her|them|what "
            r"(?:he|she|they)(?:ll| will| might))|(?:he|she|they)(?:ll| will| might| is going "
            r"to) (?:hurt|kill|find|hit))\b",
            r"\b(?:hurt|hit|kill|batter|beat) me (?:if|when) (?:i|he|she|they) <W>{0,4}?"
            r"(?:tell|go|leave|finds? out|find out|knows|report|see)\b",
            r"\b(?:he|she|they|partner|husband|wife|boyfriend|girlfriend) <W>{0,2}?(?:gets|get) "
            r"(?:handy|violent|rough|nasty)\b",
        ),
    ),
    (
        "harm_to_others",
        (
            # I + intent + harm + someone else: "im going to kill him", "want to hurt my baby"
            r"\b<I> <W>{0,3}?<INTENT> <W>{0,2}?<HARM> (?:<W>{0,1}?)<OTHER>\b"
            r"(?! <W>?(?:at|in) (?:pool|darts|chess|cards|fifa|football|games?|tennis|"
            r"snooker|an argument)\b)",
            r"\b<I> <W>{0,3}?<INTENT> <W>{0,2}?do (?:him|her|them|someone|him|the <W>) in\b",
            r"\b(?:going to|gonna|will|ill|im going to|want to|wanna) <HARM> <OTHER>\b"
            r"(?! (?:at|in) (?:pool|darts|chess|cards|fifa|football|games?|tennis|snooker|an "
            r"argument)\b)",
            r"\b(?:kill|murder|stab|batter|hurt|strangle|shoot|smash) (?:him|her|them|someone|"
            r"somebody|the next (?:person|one)|my <W>|the <W>) (?:tonight|today|now|right "
            r"now|when i see|if (?:i|he|she) see|next time|for (?:what|this))\b",
            r"\b(?:he|she|they|the <W>|that <W>)(?:s| is| are|re)? (?:gonna|going to|will) pay\b",
            r"\bmake (?:him|her|them|the <W>|that <W>) pay\b",
            r"\b(?:get|getting) (?:him|her|them) back (?:for|tonight|when)\b",
            r"\bwont (?:see it coming|know whats hit)\b",
            r"\b(?:pillow|cushion|bag) over (?:his|her|their|the babys|the baby|my babys) "
            r"(?:face|head)\b",
            r"\b(?:put|putting|slip|slipping) (?:something|stuff|<DRUGS>|<POISON>) in (?:his|her|"
            r"their) (?:drink|food|tea|coffee|dinner)\b",
            r"\b(?:burn|torch|set fire to) (?:his|her|their|the) (?:house|flat|car|place)\b",
            r"\b(?:got|have|brought|took|taking|grabbed|carrying) (?:a|the|my|his) <W>?"
            r"(?:bat|knife|blade|machete|hammer|gun|axe|crowbar|baseball bat|shank) <W>{0,6}?"
            r"(?:waiting|for him|for her|for them|outside|in the boot|on me|going round|going "
            r"over|when he|when she|to use|to sort)",
            r"\b(?:waiting|wait) (?:for|outside) (?:him|her|them|his|her|the <W>) <W>{0,4}?"
            r"(?:with|to (?:get|batter|stab|hurt|kill|do))",
            r"\b(?:lose it|snap|flip) and (?:hit|hurt|kill|batter|smack|shake|strangle|stab)\b",
            r"\b(?:make|making) (?:him|her|them|the <W>|that <W>) (?:disappear|suffer)\b",
            r"\b(?:sharpening|sharpened) (?:a|the|his|her|my) (?:knife|blade|machete)\b",
            r"\b(?:scared|afraid|frightened|worried|terrified) (?:of|about) (?:what i (?:might|"
            r"will|could) do|myself around|hurting|harming|killing)\b",
            r"\bcould (?:shake|hit|smack|strangle|throttle|kill|hurt) (?:him|her|them|the "
            r"baby|my <W>)\b(?! (?:for (?:forgetting|being|leaving|not|doing|eating)|when "
            r"(?:he|she) (?:gets|comes)))",
        ),
    ),
    (
        "suicide",
        (
            # farewells and preparing
            r"\b(?:wrote|written|writing|left|leaving|leave|keep writing|ripping up|ripped up|"
            r"drafted|drafting) (?:a |the |my |some |)(?:letters?|notes?|goodbyes?|goodbye "
            r"(?:letters?|messages?|texts?)|messages?) (?:for|to) (?:my|the|everyone|all|him|"
            r"her|them|each)\b(?! <W>?(?:doctor|gp|landlord|council|boss|school|teacher|"
            r"milkman|court|job|work|dwp|bank|solicitor|neighbours?|self|younger self|future "
            r"self|mp|sponsor|step|steps)\b)",
            r"\b(?:keep writing|ripping up|ripped up|writing|wrote|written|left) (?:the|a|my) "
            r"(?:note|letters?)\b(?= *$| (?:and|but|again|tonight|its|im)\b)",
            r"\b(?:left|leaving) a note\b",
            r"\bnote saying (?:sorry|goodbye|bye|she|he|i|they|love)\b",
            r"\b(?:said|saying|say) (?:my |our |all my |)(?:goodbyes?|bye)\b(?! (?:to|for) (?:the |"
            r"my |a |that |this )?(?:booze|drink|drinking|bottle|drugs|gear|old|habit|habits|"
            r"gambling|pub|fags|cigs|coke|weed|betting|year|summer|holiday|house|flat|job)\b)",
            r"\bgoodbye (?:text|message|post|video|note|letter|call)\b",
            r"\b(?:gave|given|giving|give) (?:away (?:all |most of |)(?:my|the)|(?:all|most) of "
            r"my|all my) <W>{0,2}?(?:stuff|things|belongings|possessions|clothes|money|savings|"
            r"dog|cat|pets?|bike|car|records|guitar)\b(?! (?:to charity|to the charity shop)\b)",
            r"\bgave (?:the|my) (?:dog|cat|pets?) to\b",
            r"\b(?:sorted|sorting|made|making|writing|wrote|updated|updating|done|did) "
            r"(?:out )?(?:my )?(?:will|affairs|funeral)\b(?! (?:power|against|of god|now|for "
            r"the|with (?:a|my|the) solicitor)\b)",
            r"\b(?:look after|take care of|feed|walk) my (?:cat|dog|kids|children|pets?|"
            r"son|daughter|boys|girls|fish) (?:for me|when im gone|if im|after im|once im)\b",
            r"\bplease (?:look after|take care of) my\b",
            r"\btell (?:my|the|him|her|them|everyone|mum|dad) <W>{0,2}?(?:im sorry|i love|"
            r"i loved|it wasnt (?:his|her|their|your) fault|not to blame)\b",
            r"\b(?:you|u|youll|no one|nobody) wont (?:hear|see) (?:from )?me again\b",
            r"\bwont (?:need|be needing) (?:it|them|this|that|a group|a meeting|any|a "
            r"place|help) <W>{0,2}?(?:after tonight|after today|much longer|anymore|soon|"
            r"where im going)\b",
            r"\b(?:cant|dont|cannot) see (?:me|myself) (?:making it|being here|lasting|getting "
            r"through|alive|still here|around)\b",
            r"\b(?:not|wont|never|dont think ill|dont think im) (?:make|making) it (?:to|through|"
            r"past) (?:the weekend|tomorrow|christmas|friday|saturday|sunday|monday|the night|"
            r"morning|next week|the end of)\b",
            r"\b(?:ill|i will|im going to) be gone (?:by|before|soon|after|tomorrow|tonight)\b",
            r"\b(?:tonight|today|this) is (?:the|my) (?:night|day|last)\b",
            r"\bone way (?:trip|ticket|journey)\b",
            r"\b(?:finally|going to) be at peace\b",
            r"\b(?:sorry for|sorry about) (?:being a burden|everything)\b <W>{0,4}?(?:love you|"
            r"goodbye|bye|x)",
            r"\bbeing a burden\b",
            r"\blove you all\b <W>{0,3}?(?:x|bye|goodbye|sorry)|(?:goodbye|sorry) <W>{0,4}?love "
            r"you all\b",
            # places and methods
            r"\b(?:stood|standing|sat|sitting|been|im|am|here|out) (?:on|at|by|near|over|under|"
            r"in) (?:the |a |this )?<W>{0,3}?(?:bridge|cliff|cliffs|edge|railway|rail line|"
            r"railway line|train line|train tracks|tracks|level crossing|platform edge|roof|"
            r"ledge|top floor|top of (?:the|a) (?:multi storey|car park|building|tower))\b"
            r"(?! (?:club|street|road|st|pub|inn|hotel|cafe|centre|center|school|house|table|"
            r"game|tournament|players?|night|team|quiz)\b)",
            r"\b(?:bridge|bridges|cliff|cliffs|railway line|train line|tracks|multi storey|roof|"
            r"building) <W>{0,8}?(?:fences?|jump|looking over|over the edge|high enough|how "
            r"high|one way|no barrier|no fence|railings|couldnt do it|make myself|go home)\b",
            r"\blooking over the edge\b",
            r"\b(?:which|what) (?:bridges?|cliffs?|buildings?|car parks?) <W>{0,6}?(?:fence|"
            r"fences|high|tall|jump|barrier|get up|roof)",
            r"\btallest (?:building|bridge|car park)\b",
            r"\b(?:drive|driving|drove|crash|crashing|steer|steering|swerve|swerving) <W>{0,3}?"
            r"(?:into|off|in front of) (?:a|the) <W>?(?:wall|tree|lorry|bridge|cliff|"
            r"oncoming|river|motorway|sea|barrier|truck)\b",
            r"\bhose ?pipe\b <W>{0,6}?(?:car|garage|exhaust|plan)|\b(?:car|garage|exhaust) "
            r"<W>{0,6}?hose ?pipe\b|\bexhaust (?:pipe|fumes) <W>{0,4}?(?:car|window|in)\b",
            r"\b(?:train|rail) times\b <W>{0,6}?(?:not to go|not going|one way|get me|if u get)",
            r"\bheading (?:to|for) <W>{0,3}?(?:bridge|cliff|cliffs|head|beachy head|railway|"
            r"tracks|sea|river|edge|roof)\b",
            # the means at hand, or taking all of them
            r"\b(?:got|have|ive got|holding|sat with|sitting with|staring at|looking at) "
            r"(?:the|my|all (?:my|the|of my)|these|those|a (?:load|pile|bottle|box|packet|"
            r"stash) of) <W>?<DRUGS> (?:here|in front of me|next to me|with me|in my hand|on "
            r"the (?:table|side|bed)|out|ready|lined up)\b",
            r"\b(?:take|taking|swallow|swallowing|neck|necking|down|downing) (?:them|it|the "
            r"lot|these|those|my <W>?) all\b|\b(?:take|taking|swallow|swallowing|neck) all "
            r"of (?:them|it|my <W>?)\b",
            # researching a way to die
            r"\b(?:googling|googled|google|searching|searched|researching|researched|looking "
            r"up|looked up|reading up|read up|checking) <W>{0,4}?(?:how (?:many|much|long|to)|"
            r"lethal|fatal|dose|doses|painless|quickest|overdose|od|hanging|how it feels)\b",
            r"\bhow long (?:it takes|does it take|would it take|till|until) (?:to die|you die|"
            r"to go|for (?:the|my) heart)",
            r"\bwhat happens (?:to (?:your|my) body )?if (?:you|u|i|someone) (?:take|took|"
            r"swallow|swallowed|drink|drank) (?:a |the )?(?:whole|all|every|lot|box|packet|"
            r"bottle|load|handful|[0-9]+)",
            r"\bdose (?:of <W>{0,2}?)?(?:that would|to|that will|which would|which will) "
            r"(?:kill|stop)",
            r"\b(?:would|will|to|enough to) kill (?:someone|a person|me|you|a man|a woman|an "
            r"adult)\b <W>{0,3}?(?:my size|my weight|of my|like me|<DRUGS>)?",
            r"\b(?:quickest|painless|easiest|surest|most painless) (?:painless )?way\b"
            r"(?= *$| (?:to (?:die|go|end|do it|kill|not wake|od|overdose)|out|asking for me)\b)",
            # intent and plans
            r"\b(?:this time|i think) (?:ill|i will|im going to) (?:actually |really |finally )?"
            r"do it\b",
            r"\b(?:ill|i will|im going to|gonna|going to) (?:actually |really |finally )?do it "
            r"(?:this time|tonight|for real|soon|today|properly|now)\b",
            r"\bgo through with it\b",
            r"\b(?:plan|planning|planned|worked out|working out) how (?:im|i|to) (?:going to )?"
            r"do it\b",
            r"\b(?:pick|picked|choose|chose|chosen|set) (?:a|the) (?:day|date)\b(?! (?:for|to|of) "
            r"<W>{0,3}?(?:meeting|group|wedding|party|trip|holiday|"
            r"appointment|interview|visit|coffee|catch up|move|court|hearing|start)\b)",
            r"\b(?:next time|this time) i (?:will|wont (?:fail|bottle|stop))\b",
            r"\b(?:couldnt|didnt) (?:do it|go through with it|jump)\b <W>{0,4}?(?:next time|"
            r"tonight|again|yet)",
            r"\b(?:see|picture|imagine|imagining|picturing|seeing) (?:myself|me) (?:hanging|"
            r"dead|in a coffin|jumping|on the tracks|falling)\b",
            r"\b(?:if|hope|hoping|praying) (?:i|that i) (?:dont|never|wont) wake(?: up)?\b",
            r"\b(?:at least|then|and) the pain (?:stops|would stop|will stop|ends|would end|"
            r"is over)\b",
            r"\b(?:end|stop) (?:the|this) pain (?:for good|forever|permanently|once and for "
            r"all)\b",
            r"\b(?:pills|tablets|meds|<DRUGS>) <W>{0,8}?<BOOZE> <W>{0,6}?(?:on my own|alone|by "
            r"myself|no one here|nobody here)\b",
            r"\b(?:going|gonna|want|ready|need|time) to (?:end|finish) (?:it|things|everything|"
            r"it all|this)\b(?! (?:with|between|off)\b)",
            r"\b(?:ending|end|finishing) it (?:all |)(?:tonight|today|now|soon|this week|"
            r"tomorrow)\b",
            r"\bgoodbye (?:everyone|all|world|guys)\b",
            r"\b(?:no|not a|any) (?:future|way forward|light)\b <W>{0,4}?(?:for me|left|"
            r"anymore|ahead)",
            r"\bcant see a future\b",
        ),
    ),
    (
        "self_harm",
        (
            r"\bsh\b(?= (?:again|urges?|relapse|tonight|today|scars?|cuts?|wounds?|is|was|"
            r"last night|this week)\b)",
            r"\b(?:urges? (?:to|for)|relapsed (?:on|with|into)|clean from|free from|did|done|"
            r"doing|back to|stop|stopped|started|again with|with|from|about|the) sh\b",
            r"\burges? (?:to|for) (?:cut|harm|hurt myself|burn|sh|self harm|bleed)\b",
            r"\b(?:cut|cutting|cuts|carve|carving|carved|slash|slashed|slashing|burn|burnt|"
            r"burned|burning|scratch|scratched|scratching|dig|digging|dug|pick|picking|stab|"
            r"stabbed|stabbing|hit|hitting|punch|punched|punching|scald|scalded|gouge) "
            r"(?:into |at |up |open )?(?:my|me|his|her|their) (?:own )?<BODY>\b"
            r"(?! (?:cooking|on (?:a|the|some)|by "
            r"accident|accidentally|at work|slicing|chopping|shaving|opening|in the (?:kitchen|"
            r"garden|gym|door)|playing|at football|at the gym|off|on glass|while|when i (?:fell|"
            r"was (?:cooking|working|shaving))|in (?:a|the) (?:fall|crash|accident))\b)",
            r"\b(?:bang|banging|banged|bash|bashing|bashed|hit|hitting|smash|smashing|smashed) "
            r"(?:my|me) head (?:off|on|against|into) (?:the |a )?(?:wall|walls|floor|door|"
            r"radiator)\b",
            r"\b(?:punched|punching|punch|hit|hitting|kicked) (?:the |a )?walls? <W>{0,6}?"
            r"(?:till|until|on purpose|bled|bleed|broke|split|again|to feel)\b",
            r"\b(?:till|until|til) (?:it|they|i|my <W>|the <W>) (?:bleeds|bled|bleed|split|"
            r"broke|blistered|burnt|scarred)\b",
            r"\bon purpose\b <W>{0,4}?(?:burn|cut|hurt|bleed|hob|lighter|wall)|(?:burn|burnt|"
            r"burned|cut|hurt|hit|punched|hand on the <W>) <W>{0,6}?on purpose\b",
            r"\b(?:put|held|holding|hold|pressed|press|pressing|keep putting) (?:my )?(?:hand|arm|"
            r"fingers?) (?:on|onto|against) the (?:hob|cooker|stove|oven|iron|fire|radiator|"
            r"kettle)\b",
            r"\b(?:got|get|getting|have|hid|hidden|hide|keep|kept|took|taken|holding|bought) "
            r"(?:out )?(?:the |a |my |some |new )?(?:razor|razors|blade|blades|sharpener|"
            r"razor blades?) <W>{0,6}?(?:out|hidden|ready|just in case|looking at|in my|"
            r"again|tonight|wallet|drawer|on me)\b",
            r"\bwith (?:a|the|my) (?:lighter|razor|blade|compass|sharpener|knife|scissors|"
            r"needle|pin|cigarette|fag) <W>{0,4}?(?:till|until|on purpose|again|my|myself)\b",
            r"\b(?:deserve|deserved) (?:the|this|to feel|to be in) (?:pain|hurt)\b|"
            r"\bdeserve to (?:hurt|suffer|bleed|be hurt|feel pain)\b",
            r"\b(?:so i|then i|and i|i still|i) (?:cut|carve|burn)(?= *$| again\b| instead\b| "
            r"(?:so|because|cos|when|to|and|tonight|every|myself)\b)",
            r"\bcut (?:them|it|myself|his arms|her arms) (?:to (?:bits|pieces|ribbons|shreds))\b",
            r"\bused to (?:cut|self harm|harm myself|hurt myself|burn myself)\b",
            r"\b(?:cutting|harming|burning|hurting myself) (?:instead of|rather than) "
            r"(?:using|drinking)\b",
        ),
    ),
)
