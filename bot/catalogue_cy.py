"""Cymraeg: every word the bot says, in Welsh (the same keys as bot/catalogue.py EN).

Register: the informal "ti" throughout (ti, dy, atat ti, imperatives in -a: "anfona",
"pwysa", "ffonia"). Why: the English is informal and warm, the bot talks to one person
at a time about something personal, and Welsh public-service chat bots and helplines
use "ti" in one-to-one chat; "chi" would read as a form letter. Never mix the two: a
"chi" form in one message and "ti" in the next sounds cold or careless.

Plain words people in distress use: alcohol, cyffuriau, gamblo, help (beside the
public-service "cymorth"), "Sori". Commands stay in English (/start, /help...); only
/iaith (language) has a Welsh name.

Mutations: a placeholder cannot mutate ("i Caerdydd" should be "i Gaerdydd"), so no
placeholder for a name, place or word follows a word that mutates it (i, o, am, at, ar,
gan, dy, yn, gyda, a...). Messages put it after "ger", a colon, or a noun ("yn ardal
{place}", "y rhestriad {name}"). docs/languages.md has the review notes.
"""

from __future__ import annotations

CY: dict[str, str] = {
    # greeting and commands
    "greeting": (
        "Helo, Recovery Connector ydw i. Dw i'n dy helpu di i ddod o hyd i gyfarfodydd, "
        "grwpiau adfer a chymorth yn agos atat ti, wedi'u rhedeg gan bobl sydd wedi bod "
        "drwy'r un peth.\n"
        "Dw i'n cadw cyn lleied ag y galla i, am {ttl_hours} awr ar y mwyaf. Mae /privacy "
        "yn dweud mwy.\n"
        "Os wyt ti mewn perygl nawr, anfona /crisis neu ffonia 999."
    ),
    "lang_name": "Cymraeg",
    "language_ask": "Pa iaith hoffet ti? Which language would you like?",
    "language_set": "Iawn, bydda i'n siarad Cymraeg o hyn ymlaen. (/language for English.)",
    "ask_needs": "Gyda beth hoffet ti gael help? Pwysa un, neu dywed wrtha i yn dy eiriau "
                 "dy hun.",
    "ask_needs_again": "Sori, wnes i ddim deall hynny. Pwysa un o'r rhain, neu dywed hynny "
                       "mewn ffordd arall (er enghraifft \"yfed\" neu \"mae fy mab yn "
                       "defnyddio cyffuriau\").",
    "ask_place": "Diolch. Ble wyt ti? Anfona god post neu enw tref, neu rhanna dy leoliad. "
                 "Neu dewisa gyfarfodydd ar-lein.",
    "ask_place_again": "Wnes i ddim dod o hyd i'r lle yna. Rho gynnig ar god post (fel "
                       "CF10 1) neu enw tref.",
    "place_suggest": "Wnes i ddim dod o hyd i \"{query}\". Oeddet ti'n meddwl un o'r rhain?",
    "place_ambiguous": "Mae mwy nag un {query}. Pa un?",
    "place_which": "Pa un o'r llefydd yma oeddet ti'n ei feddwl?",
    "location_invalid": "Sori, fedrwn i ddim darllen y lleoliad yna. Anfona god post neu "
                        "enw tref yn lle, neu dewisa gyfarfodydd ar-lein.",
    "help": (
        "Dw i'n gallu dod o hyd i gyfarfodydd, grwpiau adfer a chymorth yn agos atat ti.\n"
        "Dywed wrtha i gyda beth hoffet ti help a ble rwyt ti, er enghraifft "
        "\"alcohol, Caerdydd\".\n"
        "/start - dechrau eto\n/crisis - help brys nawr\n/privacy - beth dw i'n ei gadw\n"
        "/forget - dileu popeth sydd gen i amdanat ti\n/cancel - stopio beth rydyn ni'n "
        "ei wneud\n"
        "/iaith - English"
    ),
    "privacy": (
        "Beth dw i'n ei gadw: beth ofynnaist ti amdano (fel \"alcohol\"), ardal fras (tua "
        "1 km) a pha restriadau ddangosais i ti neu agoraist ti, er mwyn i mi allu "
        "parhau o'r lle y gadewaist ti. Byth dy eiriau, dy enw na'th union leoliad. Dw i'n "
        "dy nabod di drwy god na all neb ei droi'n ôl yn dy gyfrif.\n"
        "Am ba hyd: {ttl_hours} awr ar ôl dy neges olaf, ac yna mae'n cael ei ddileu.\n"
        "Dydy adroddiadau am broblem gyda rhestriad ddim yn cadw dim byd am bwy a'u "
        "hanfonodd.\n"
        "Os wyt ti'n defnyddio /subscribe i gael newyddion, dw i'n cadw ID dy sgwrs, ardal "
        "fras, y pynciau a ddewisaist ti a dy iaith, nes i ti anfon /unsubscribe.\n"
        "Os wyt ti'n gofyn i mi dy atgoffa di am gyfarfod, dw i'n cadw ID dy sgwrs, pa "
        "gyfarfod a phryd, a dy iaith, nes i'r negeseuon atgoffa ddod i ben (ar ôl y "
        "cyfarfod, neu 12 wythnos ar y mwyaf) neu nes i ti eu stopio neu anfon /forget.\n"
        "Anfona /forget unrhyw bryd i ddileu popeth nawr, gan gynnwys tanysgrifiadau.\n"
        "Mae'r ap rwyt ti'n ei ddefnyddio (fel Telegram neu Discord) hefyd yn gweld dy "
        "negeseuon, o dan ei delerau preifatrwydd ei hun."
    ),
    "privacy_retention": (
        "Mae adroddiadau am broblemau'n cael eu dileu ar ôl {report_days} diwrnod, "
        "negeseuon i wirfoddolwyr ar ôl {notification_days} diwrnod, cofnodion o bwy gafodd "
        "gyhoeddiad {delivery_days} diwrnod ar ôl ei anfon, a'r log o orchmynion "
        "gwirfoddolwyr a gweinyddwyr, gan gynnwys rhai a wrthodwyd (cod am bwy, y "
        "gorchymyn, byth beth a deipiwyd), ar ôl {audit_days} diwrnod. Mae drafftiau heb "
        "eu gorffen yn mynd gyda'r sgwrs."
    ),
    "privacy_forget": (
        "Mae /forget yn dileu, ar unwaith: y sgwrs hon, dy danysgrifiad a newyddion sy'n "
        "aros amdanat ti, dy negeseuon atgoffa, y log o'r gorchmynion a anfonaist ti, ac "
        "os wyt ti'n gwirfoddoli, "
        "dy gyfrif, dy rolau, negeseuon i ti, gwahoddiadau a wnest ti na chafodd eu "
        "defnyddio, a newidiadau a chyhoeddiadau oedd heb eu gorffen neu roeddet ti wedi'u "
        "cymeradwyo. Mae newidiadau sydd eisoes wedi'u cyhoeddi neu eu penderfynu yn aros "
        "yn hanes rhestriad fel rhai gan \"gyn-wirfoddolwr\", ac mae cyhoeddiadau a "
        "anfonwyd neu a drefnwyd yn aros, heb dy enw."
    ),
    "forget_confirm": "Dileu popeth sydd gen i amdanat ti? Does dim modd dadwneud hyn.",
    "forgotten": "Dyna ni. Dw i wedi dileu popeth oedd gen i amdanat ti. Anfona /start pryd "
                 "bynnag rwyt ti eisiau.",
    "forget_kept": "Iawn, dim byd wedi'i ddileu.",
    "cancelled": "Iawn, wedi stopio. Anfona /start i ddechrau eto, neu /crisis am help brys.",
    "not_understood": "Sori, wnes i ddim deall. Gelli di bwyso botwm, neu anfon /help.",
    "too_long": "Mae honna'n neges hir. Fedri di ddweud wrtha i mewn ychydig eiriau gyda "
                "beth hoffet ti help, a ble rwyt ti?",
    # crisis
    "crisis_intro": "Rwyt ti'n haeddu cael help nawr. Cysyllta ag un o'r rhain:",
    "crisis_outro": "Dwyt ti ddim ar dy ben dy hun. Pan fyddi di'n barod, galla i hefyd "
                    "ddod o hyd i grŵp yn agos atat ti.",
    "crisis_contacts_only": "Os oes angen help brys arnat ti, mae'r rhain am ddim ac yma "
                            "i ti:",
    "crisis_first_overdose": (
        "Os gallai rhywun fod wedi cymryd gorddos, neu os nad oes modd eu deffro, ffonia "
        "999 nawr. Arhosa gyda nhw. Os nad ydyn nhw'n effro, rho nhw i orwedd ar eu hochr "
        "(yr ystum adfer). Os oes gen ti naloxone, defnyddia fe."),
    "crisis_first_medical": (
        "Gallai hyn fod yn argyfwng meddygol: ffonia 999 nawr. Os ydy rhywun yn cael ffit, "
        "paid â'u dal i lawr na rhoi dim yn eu ceg; pan fydd yn stopio, rho nhw i orwedd ar "
        "eu hochr ac arhosa gyda nhw."),
    "crisis_first_child_at_risk": "Os ydy plentyn mewn perygl nawr, ffonia 999.",
    "crisis_first_abuse": (
        "Does gan neb yr hawl i dy frifo na dy fygwth. Os wyt ti mewn perygl nawr, ffonia "
        "999."),
    "crisis_first_harm_to_others": (
        "Os wyt ti'n teimlo y gallet ti frifo rhywun, symuda i ffwrdd oddi wrthyn nhw nawr, "
        "plîs. Os ydy unrhyw un mewn perygl, ffonia 999."),
    "crisis_lines": "Mae'r rhain am ddim ac yma i ti:",
    "crisis_safe_question": "Wyt ti'n ddiogel nawr?",
    "crisis_signpost": (
        "Gall hynny godi llawer. Os hoffet ti siarad â rhywun, unrhyw bryd, mae'r rhain am "
        "ddim:"),
    # The Welsh-language lines as well (../shared/REFERENCE.md): the Samaritans' Welsh line
    # is open 7pm to 11pm only, so 116 123 is named beside it.
    "crisis_unsafe": (
        "Ffonia 999 nawr, neu gofyn i rywun yn agos atat ti ffonio. Os nad wyt ti'n gallu "
        "siarad, tecstia SHOUT i 85258. Does dim rhaid i ti wynebu hyn ar dy ben dy hun."),
    # results
    "results_intro": "Dyma beth sydd ger {place}:",
    "results_intro_online": "Dyma gyfarfodydd ar-lein y gelli di ymuno â nhw o unrhyw le:",
    "results_intro_anywhere": "Dyma beth ges i hyd iddo:",
    "results_nothing_near": "Sori, wnes i ddim dod o hyd i ddim byd o fewn {radius} km i "
                            "ardal {place}. Mae'r rhain yn cyfarfod ar-lein neu dros y "
                            "ffôn, felly gelli di ymuno o unrhyw le:",
    "results_none": "Sori, wnes i ddim dod o hyd i ddim byd ar gyfer hynny. Gall y "
                    "llinellau cymorth cenedlaethol yma helpu:",
    "results_no_more": "Dyna'r cyfan sydd gen i ar gyfer y chwiliad yma.",
    "results_helplines": "Neu siarada â rhywun ar linell gymorth genedlaethol:",
    "helpline_line": "• {name}: {phone}",
    "result_line": "{n}. {name}\n   {kind} · {where} · {when}",
    "result_closed": "   Ar gau dros dro: {note}",
    "result_example": "   (rhestriad enghreifftiol, nid grŵp go iawn)",
    "result_matches": "   ✓ {what}",
    "results_filtered": "Dim ond: {what}.",
    "results_filter_none": "Sori, does dim byd {where} sy'n cyfateb i: {what}. Dyma'r "
                           "agosaf heb hynny:",
    "filter_near": "ger {place}",
    "filter_online": "ar-lein",
    "filter_ask": "Culha'r canlyniadau: pwysa beth hoffet ti (pwysa eto i'w dynnu).",
    "b_filter": "Hidlo",
    "b_filters_clear": "Clirio'r hidlwyr",
    "fb_now": "Nawr", "fb_soon": "Yn dechrau cyn bo hir", "fb_tonight": "Heno",
    "fb_tomorrow": "Yfory", "fb_weekend": "Y penwythnos yma", "fb_women": "Menywod",
    "fb_men": "Dynion", "fb_lgbtq": "LHDTC+", "fb_young_people": "Pobl ifanc",
    "fb_newcomers": "Pobl newydd", "fb_step_free": "Heb risiau",
    "fb_wheelchair": "Cadair olwyn", "fb_hearing_loop": "Dolen sain",
    "fb_in_person": "Wyneb yn wyneb", "fb_phone": "Dros y ffôn",
    "fm_women": "menywod yn unig", "fm_men": "dynion yn unig", "fm_lgbtq": "LHDTC+",
    "fm_young_people": "pobl ifanc", "fm_older_people": "pobl hŷn",
    "fm_families": "croeso i deuluoedd", "fm_veterans": "cyn-filwyr",
    "fm_bame": "pobl Ddu a lleiafrifoedd ethnig", "fm_newcomers": "croeso i bobl newydd",
    "fm_open": "agored i bawb", "fm_closed": "i bobl mewn adferiad",
    "fm_wheelchair": "mynediad i gadair olwyn", "fm_hearing_loop": "dolen sain",
    "fm_step_free": "heb risiau", "fm_accessible_toilet": "toiled hygyrch",
    "fm_parking": "parcio", "fm_public_transport": "ger trafnidiaeth gyhoeddus",
    "fm_childcare": "gofal plant", "fm_interpreter": "cyfieithydd", "fm_bsl": "BSL",
    "fm_in_person": "wyneb yn wyneb", "fm_online": "ar-lein",
    "fm_hybrid": "wyneb yn wyneb ac ar-lein", "fm_phone": "dros y ffôn",
    # "iaith:" and not "yn {language}": "yn" would mutate it (yn Gymraeg).
    "fm_language": "iaith: {language}", "fm_under_way": "yn digwydd nawr",
    "fm_starts_in": "yn dechrau mewn {minutes} munud",
    "fw_now": "nawr", "fw_soon": "cyn bo hir", "fw_today": "heddiw",
    "fw_tonight": "heno", "fw_this_morning": "y bore 'ma",
    "fw_this_afternoon": "y prynhawn 'ma", "fw_this_evening": "gyda'r nos heddiw",
    "fw_tomorrow": "yfory", "fw_tomorrow_morning": "bore yfory",
    "fw_tomorrow_afternoon": "prynhawn yfory", "fw_tomorrow_evening": "nos yfory",
    # {day}: the bare day name (sch_day_N, "Llun"); "nos Sadwrn" has no "dydd", so the
    # part of the day follows instead.
    "fw_weekend": "y penwythnos yma", "fw_day": "dydd {day}",
    "fw_day_part": "dydd {day}, {part}",
    "fw_part_morning": "yn y bore", "fw_part_afternoon": "yn y prynhawn",
    "fw_part_evening": "gyda'r nos", "fw_after": "ar ôl {hour}", "fw_before": "cyn {hour}",
    "lang_en": "Saesneg", "lang_cy": "Cymraeg", "lang_pl": "Pwyleg", "lang_pa": "Pwnjabeg",
    "lang_ur": "Wrdw", "lang_es": "Sbaeneg", "lang_ro": "Rwmaneg", "lang_ar": "Arabeg",
    "lang_pt": "Portiwgaleg", "lang_bn": "Bengaleg", "lang_lt": "Lithwaneg",
    "lang_so": "Somalieg", "lang_gu": "Gwjarati", "lang_it": "Eidaleg", "lang_fr": "Ffrangeg",
    "lang_de": "Almaeneg", "lang_ru": "Rwseg", "lang_uk": "Wcreineg", "lang_tr": "Tyrceg",
    "lang_fa": "Ffarsi", "lang_ta": "Tamileg", "lang_zh": "Tsieinëeg",
    "lang_gd": "Gaeleg yr Alban", "lang_ga": "Gwyddeleg", "lang_hi": "Hindi",
    "lang_ku": "Cwrdeg", "lang_bg": "Bwlgareg", "lang_hu": "Hwngareg",
    "when_next": "{when}",
    "when_unknown": "{schedule}",
    "where_online": "ar-lein",
    "where_phone": "dros y ffôn",
    "where_km": "{km} km i ffwrdd",
    # details
    "details_schedule": "Pryd: {schedule}",
    "details_next": "Nesaf: {when}",
    "details_address": "Ble: {address}",
    "details_map": "Map: {url}",
    "details_phone": "Ffôn: {phone}",
    "details_website": "Gwefan: {url}",
    "details_join": "Ymuno ar-lein: {url}",
    "details_for": "Ar gyfer: {audience}",
    "details_access": "Mynediad: {access}",
    "details_checked": "Gwiriwyd ddiwethaf: {date}",
    "details_not_checked": "Gwiriwyd ddiwethaf: ddim yn ddiweddar - gwiria cyn mynd, plîs",
    "details_closed": "Ar gau dros dro: {note}",
    "details_example": "Rhestriad enghreifftiol ydy hwn, nid grŵp go iawn.",
    "report_ask": "Beth sy'n anghywir gyda'r rhestriad yma?",
    "report_thanks": "Diolch. Dw i wedi rhoi gwybod i'r bobl sy'n gofalu am y cyfeiriadur. "
                     "Chafodd dim byd amdanat ti ei gadw gyda hynny.",
    # errors
    "went_wrong": "Sori, aeth rhywbeth o'i le ar fy ochr i. Rho gynnig arall arni, neu "
                  "anfona /start i ddechrau eto.",
    "db_down": "Sori, aeth rhywbeth o'i le ar fy ochr i a fedra i ddim chwilio ar hyn o "
               "bryd. Rho gynnig arall arni mewn ychydig funudau.",
    # buttons
    "b_alcohol": "Alcohol",
    "b_drugs": "Cyffuriau",
    "b_gambling": "Gamblo",
    "b_family": "Teulu a ffrindiau",
    "b_mental_health": "Iechyd meddwl",
    "b_anything": "Unrhyw beth / ddim yn siŵr",
    "b_online": "Cyfarfodydd ar-lein",
    "b_details": "Mwy am {n}",
    "b_more": "Mwy o ganlyniadau",
    "b_online_only": "Ar-lein yn unig",
    "b_today": "Heddiw yn unig",
    "b_area": "Ardal arall",
    "b_restart": "Dechrau eto",
    "b_back": "Nôl i'r canlyniadau",
    "b_report": "Rhoi gwybod am broblem",
    "b_safe": "Dw i'n ddiogel, dal ati",
    "b_unsafe": "Dw i angen help nawr",
    "b_yes_delete": "Ie, dileu",
    "b_no_keep": "Na, paid â dileu",
    "r_wrong_time": "Diwrnod neu amser anghywir",
    "r_closed": "Mae wedi cau",
    "r_wrong_place": "Cyfeiriad anghywir",
    "r_wrong_contact": "Ffôn neu ddolen anghywir",
    "r_other": "Rhywbeth arall",
    # "Add to calendar" (bot/reminders/calendar_feature.py)
    "b_cal_add": "Ychwanegu at y calendr",
    "b_cal_plain": "Dim ond \"Cyfarfod\"",
    "b_cal_name": "Defnyddio'i enw",
    "cal_ask": "Beth ddylai dy galendr ei alw? Gall ffonau ddangos y calendr ar y sgrin "
               "glo, felly mae \"Cyfarfod\" yn ei gadw'n breifat. Mae ei enw'n dweud beth "
               "yw e.",
    "cal_ready": "Dyma'r ffeil ar gyfer dy galendr: agora hi i ychwanegu'r cyfarfodydd. "
                 "Mae'n cynnwys y 12 wythnos nesaf o leiaf. Os bydd yr amser neu'r lle'n "
                 "newid, gofynna i mi am un newydd.",
    "cal_paused": "Mae ar gau am y tro, felly dw i wedi gadael allan y cyfarfodydd fydd ddim "
                  "yn digwydd. Gwiria cyn mynd.",
    "cal_gone": "Sori, alla i ddim rhoi hwnna yn dy galendr nawr. Efallai ei fod wedi cau "
                "neu newid.",
    "cal_summary": "Cyfarfod",
    "cal_filename": "cyfarfod",
    # kinds
    "k_meeting": "Cyfarfod",
    "k_group": "Grŵp",
    "k_service": "Gwasanaeth",
    "k_helpline": "Llinell gymorth",
    "o_lero": "Sefydliad adfer profiad bywyd",
    "o_fellowship": "Cymdeithas cyd-gymorth",
    "o_service": "Gwasanaeth cymorth",
    "o_helpline": "Llinell gymorth",
    # volunteers and admins
    "v_refused": "Sori, dydy hynny ddim yn rhywbeth y galla i ei wneud i ti. Os wyt ti'n "
                 "helpu i redeg grŵp, gofyn i weinyddwr am god gwahoddiad, yna anfona "
                 "/volunteer COD.",
    "v_volunteer_usage": "Anfona /volunteer ac yna dy god gwahoddiad, fel "
                         "/volunteer K7QM-3XPA.",
    "v_invite_bad": "Sori, wnaeth y cod yna ddim gweithio. Efallai ei fod wedi'i deipio'n "
                    "anghywir, wedi'i ddefnyddio'n barod neu wedi dod i ben. Gofyn am un "
                    "newydd.",
    "v_welcome": "Croeso! Gelli di nawr gadw rhestriadau {org} yn gyfredol. Anfona "
                 "/mylistings i'w gweld, /edit i newid un, /verify i gadarnhau bod un yn dal "
                 "yn gywir.",
    "v_link_code": "I ddefnyddio dy rôl ar ap arall hefyd, anfona /link {code} ata i yno o "
                   "fewn {minutes} munud.",
    "v_linked": "Dyna ni: mae'r cyfrif yma wedi'i gysylltu. Mae dy rolau'n gweithio yma "
                "hefyd.",
    # Telegram's own controls and command menu
    "tg_share_location": "📍 Rhannu fy lleoliad",
    "tg_location_prompt": "Gelli di hefyd bwyso \"📍 Rhannu fy lleoliad\" isod i anfon ble "
                          "rwyt ti.",
    "tg_location_done": "Diolch.",
    # the web chat's refusals (adapters/web.py)
    "web_rate_limited": "Dyna lawer o negeseuon mewn amser byr. Aros funud, os gweli di'n "
                        "dda, yna rho gynnig arall arni. Os wyt ti mewn perygl, ffonia 999.",
    "web_too_long": "Mae'r neges yna'n rhy hir i mi ei darllen. Wnei di ei hanfon mewn "
                    "darnau byrrach?",
    "web_bad_request": "Sori, doeddwn i ddim yn gallu darllen y neges yna. Rho gynnig arall "
                       "arni.",
    # the terminal chat and plain text
    "term_intro": "Recovery Connector (terfynell). Teipia rif i bwyso botwm, "
                  "/location LAT,LON i rannu lleoliad, /quit i adael.\n",
    "term_location": "  (mae /location LAT,LON yn rhannu lleoliad)",
    "term_saved": "  (wedi cadw'r ffeil: {path})",
    "plain_location": "  (neu gelli di rannu dy leoliad)",
    "plain_map": "Map: {url}",
    "tg_group_private": (
        "Byddwn i'n falch o helpu, mewn sgwrs breifat, fel nad oes dim byd personol yn "
        "cael ei rannu yn y grŵp yma. Pwysa isod i barhau'n breifat.\n"
        "Os wyt ti mewn perygl nawr, anfona /crisis neu ffonia 999."
    ),
    "tg_group_button": "Parhau'n breifat",
    "tg_group_tap": "Gad i ni barhau mewn sgwrs breifat gyda fi.",
    "tg_cmd_start": "Dod o hyd i gymorth yn agos atat ti",
    "tg_cmd_help": "Beth dw i'n gallu ei wneud",
    "tg_cmd_crisis": "Help brys nawr",
    "tg_cmd_privacy": "Beth dw i'n ei gadw amdanat ti",
    "tg_cmd_forget": "Dileu popeth sydd gen i amdanat ti",
    "tg_cmd_language": "Cymraeg / English",
    # Discord's own controls, slash commands and server announcements
    "dc_dm_button": "Parhau mewn neges uniongyrchol",
    "dc_dm_open": "Agor ein negeseuon uniongyrchol",
    "dc_dm_sent": "Dw i wedi anfon hwn i dy negeseuon uniongyrchol, lle gallwn ni barhau'n "
                  "breifat.",
    "dc_dm_closed": (
        "Fedra i ddim anfon neges uniongyrchol atat ti: dydy dy osodiadau ddim yn caniatáu "
        "hynny. I barhau'n breifat, caniatâ negeseuon uniongyrchol gan aelodau'r gweinydd "
        "yma (Privacy Settings), yna pwysa'r botwm eto. Gelli di hefyd ddal ati i "
        "ddefnyddio fy ngorchmynion i yma: dim ond ti sy'n gweld fy atebion."
    ),
    "dc_choose": "Dewisa un…",
    "dc_map": "Map",
    "dc_cmd_find": "Grwpiau adfer a chymorth yn agos atat ti (dim ond ti sy'n gweld yr ateb)",
    "dc_opt_need": "Gyda beth hoffet ti gael help",
    "dc_opt_place": "Tref neu god post",
    "dc_cmd_help": "Beth dw i'n gallu ei wneud",
    "dc_cmd_crisis": "Help brys, nawr",
    "dc_cmd_privacy": "Beth dw i'n ei gadw amdanat ti, ac am ba hyd",
    "dc_cmd_forget": "Dileu popeth sydd gen i amdanat ti",
    "dc_cmd_language": "Cymraeg / English: dewisa'r iaith dw i'n ei siarad",
    "dc_cmd_announcements": "Ble mae'r gweinydd yma'n cael cyhoeddiadau Recovery Connector",
    "dc_cmd_ann_set": "Postio cyhoeddiadau Recovery Connector mewn sianel",
    "dc_cmd_ann_off": "Stopio cyhoeddiadau Recovery Connector yn y gweinydd yma",
    "dc_opt_channel": "Y sianel ar gyfer cyhoeddiadau",
    "dc_ann_refused": "Dim ond aelodau sy'n gallu rheoli'r gweinydd yma sy'n gallu newid ble "
                      "mae cyhoeddiadau'n mynd.",
    "dc_ann_wrong_channel": "Dewisa sianel testun neu sianel gyhoeddiadau, plîs.",
    "dc_ann_set": "Bydd cyhoeddiadau'n cael eu postio yma: {channel}. Gwna'n siŵr fy mod "
                  "i'n gallu anfon negeseuon yno, plîs. Mae /announcements off yn eu stopio.",
    "dc_ann_off": "Mae cyhoeddiadau i ffwrdd ar gyfer y gweinydd yma.",
    "dc_ann_was_off": "Roedd cyhoeddiadau i ffwrdd yn barod ar gyfer y gweinydd yma.",
    "dc_ann_failed": "Sori, fedrwn i ddim cadw hynny nawr. Rho gynnig arall arni mewn munud.",
    # command menus
    "tg_cmd_mylistings": "Rhestriadau rwyt ti'n gofalu amdanyn nhw",
    "tg_cmd_edit": "Newid rhestriad",
    "tg_cmd_addgroup": "Ychwanegu grŵp newydd",
    "tg_cmd_pause": "Oedi rhestriad am sbel",
    "tg_cmd_resume": "Agor rhestriad sydd wedi'i oedi eto",
    "tg_cmd_verify": "Cadarnhau bod rhestriad yn dal yn gywir",
    "tg_cmd_history": "Gweld newidiadau rhestriad",
    "tg_cmd_undo": "Dadwneud dy newid olaf",
    "tg_cmd_link": "Defnyddio dy rôl ar ap arall",
    "tg_cmd_invite": "Gwahodd gwirfoddolwr (gweinyddwyr)",
    "tg_cmd_volunteers": "Rhestru gwirfoddolwyr sefydliad (gweinyddwyr)",
    "tg_cmd_trust": "Ymddiried mewn gwirfoddolwr (gweinyddwyr)",
    "tg_cmd_review": "Adolygu newidiadau sy'n aros (gweinyddwyr)",
    "tg_cmd_stale": "Rhestriadau heb eu gwirio ers tro (gweinyddwyr)",
    "tg_cmd_reminders": "Dy nodiadau atgoffa am gyfarfodydd",
    "tg_cmd_subscribe": "Cael newyddion am ddigwyddiadau a grwpiau newydd",
    "tg_cmd_broadcast": "Anfon cyhoeddiad (gweinyddwyr)",
    "tg_cmd_broadcasts": "Cyhoeddiadau a anfonwyd ac sydd ar y gweill (gweinyddwyr)",
    "v_mylistings_counts": "Dy restriadau: {total} i gyd, {paused} wedi'u hoedi, {stale} "
                           "heb eu gwirio ers {days} diwrnod (y rheini gyntaf).",
    "v_no_listings": "Does dim rhestriadau i ti ofalu amdanyn nhw eto. Mae /addgroup yn "
                     "ychwanegu un.",
    "v_stale_mark": "(heb ei wirio ers tro - /verify)",
    "v_paused_mark": "(wedi'i oedi)",
    "v_pick": "Pa restriad? Pwysa un, neu teipia ran o'i enw neu ei dref.",
    "v_page": "Tudalen {page} o {pages} ({total} rhestriad).",
    "v_found": "Mae {n} o dy restriadau'n cyfateb.",
    "v_found_many": "Mae mwy o dy restriadau'n cyfateb nag y galla i eu rhestru: dyma'r {n} "
                    "agosaf. Teipia fwy o eiriau i'w culhau.",
    "v_not_found": "Wnes i ddim dod o hyd i \"{words}\" ymhlith dy restriadau. Dyma nhw i "
                   "gyd.",
    "v_b_previous": "◀ Blaenorol",
    "v_b_next": "Nesaf ▶",
    "v_b_done": "Gorffen",
    "v_list_done": "Iawn.",
    # The word typed after /verify for all of them ("/verify popeth").
    "v_arg_all": "popeth",
    "v_b_verify_all": "Pob un o'r {n}: wedi'u gwirio heddiw",
    "v_verify_all": "Nodi {n} rhestriad fel rhai wedi'u gwirio heddiw? Dim ond os wyt ti'n "
                    "gwybod bod pob un yn dal yn gywir. Mae /undo yn ei ddadwneud.",
    "v_b_verify_confirm": "Ie, {n} wedi'u gwirio",
    "v_verified_many": "Diolch! Mae {n} rhestriad wedi'u nodi fel rhai wedi'u gwirio "
                       "heddiw. Mae /undo yn dadwneud hynny.",
    "v_pause_venue_hint": "Mae {n} arall o dy restriadau'n cyfarfod yn yr un lle, {venue}. "
                          "Os ydy'r lleoliad ar gau, gelli di eu hoedi nhw i gyd gyda'i "
                          "gilydd.",
    "v_b_pause_venue": "Pob un o'r {n} yn y lleoliad yma",
    "v_pause_venue_note": "Oedi {n} rhestriad yn y lleoliad: {venue}. Hoffet ti ychwanegu "
                          "nodyn byr, fel \"lleoliad ar gau tan fis Mawrth\"? Teipia'r "
                          "nodyn, neu pwysa Dim nodyn.",
    "v_preview_venue": "{n} rhestriad yn y lleoliad {venue}:\n{names}\n"
                       "Statws: {before} → {after}\n"
                       "Cadw'r newid yma? Mae /undo yn ei ddadwneud i bob un ohonyn nhw.",
    "v_and_more": "…a {n} arall",
    "v_paused_many": "Wedi'i gadw. Mae {n} rhestriad wedi'u hoedi. Mae /undo yn eu hagor i "
                     "gyd eto.",
    "v_pending_many": "Diolch! Bydd gweinyddwr yn gwirio'r {n} newid cyn bo hir, a bydda "
                      "i'n dweud wrthot ti wrth i bob un fynd yn fyw.",
    "v_conflict_many": "Newidiodd {n} ohonyn nhw tra oeddet ti wrthi, felly wnes i eu gadael "
                       "fel roedden nhw.",
    "v_which_field": "{name}: beth hoffet ti ei newid?",
    "v_type_value": "{field}: teipia'r fersiwn newydd. Er enghraifft: {example}\n"
                    "(Anfona - i'w dynnu.)",
    "v_try_again": "Rho gynnig arall arni, neu pwysa Canslo.",
    "v_empty": "Roedd hynny'n wag. Teipia rywbeth, plîs.",
    "v_pause_note": "Oedi: {name}. Hoffet ti ychwanegu nodyn byr, fel \"ar gau dros y "
                    "Nadolig\"? Teipia'r nodyn, neu pwysa Dim nodyn.",
    "v_preview": "{name}\n{field}: {before} → {after}\nCadw'r newid yma?",
    "v_applied": "Wedi'i gadw. Mae {name} yn gyfredol.",
    "v_pending": "Diolch! Bydd gweinyddwr yn gwirio'r newid cyn bo hir, a bydda i'n dweud "
                 "wrthot ti pan fydd yn fyw.",
    "v_conflict": "Newidiodd rhywun arall y rhestriad {name} tra oeddet ti'n golygu, felly "
                  "wnes i ddim cadw dy newid di. Mae'n dweud nawr: {now}\n"
                  "Anfona /edit i drio eto.",
    "v_verified": "Diolch am wirio'r rhestriad {name}. Dw i wedi'i nodi fel un a wiriwyd "
                  "heddiw.",
    "v_history": "Newidiadau i'r rhestriad {name}, y diweddaraf yn gyntaf:",
    "v_history_approved": "(cymeradwywyd: {who})",
    "v_former_volunteer": "cyn-wirfoddolwr",
    "v_nothing_to_undo": "Does gen ti ddim newid i'w ddadwneud.",
    "v_undone": "Dyna ni: mae dy newid olaf wedi'i ddadwneud.",
    "v_undo_conflict": "Fedra i ddim dadwneud hynny: mae rhywun wedi newid yr un peth ers "
                       "hynny.",
    "v_cancelled": "Iawn, wedi canslo. Chafodd dim byd ei newid.",
    "v_addgroup_admin": "Fel gweinyddwr, ymuna â'r sefydliad yn gyntaf gyda gwahoddiad "
                        "(/invite SEFYDLIAD, yna /volunteer COD) i ychwanegu grwpiau ato.",
    "v_add_which_org": "Pa sefydliad mae'r grŵp newydd yn rhan ohono?",
    "v_add_name": "Beth ydy enw'r grŵp?",
    "v_add_schedule": "Pa ddiwrnod mae'n cyfarfod? Er enghraifft \"dydd Mawrth\", \"bob yn "
                      "ail ddydd Iau\", \"ail ddydd Llun\", neu \"drwy apwyntiad\".",
    "v_add_times": "Faint o'r gloch? Er enghraifft 19:30-21:00.",
    "v_add_attendance": "Sut mae pobl yn ymuno?",
    "v_add_where": "Beth ydy cod post y lleoliad?",
    "v_add_where_online": "Beth ydy'r ddolen i ymuno ar-lein?",
    "v_add_preview": "Grŵp newydd:\n{preview}\nEi ychwanegu?",
    "v_invite": "Cod gwahoddiad ar gyfer {org}: {code}\nMae'n gweithio unwaith, am {days} "
                "diwrnod. Mae'r gwirfoddolwr yn anfon /volunteer {code} ata i ar unrhyw "
                "blatfform.",
    "v_invite_usage": "Anfona /invite ac yna ID neu enw'r sefydliad.",
    "v_volunteers_usage": "Anfona /volunteers ac yna ID neu enw'r sefydliad.",
    "v_org_which": "Mae mwy nag un sefydliad yn cyfateb i \"{text}\". Pa un oeddet ti'n ei "
                   "feddwl?",
    "v_org_maybe": "Wnes i ddim dod o hyd i \"{text}\". Oeddet ti'n meddwl un o'r rhain?",
    "v_org_more": "Mae {n} arall yn cyfateb hefyd: teipia fwy o'r enw i'w culhau.",
    "v_org_none": "Sori, wnes i ddim dod o hyd i sefydliad o'r enw \"{text}\". Gwiria'r "
                  "sillafu, neu rho gynnig ar ran o'i enw: /{command} ENW.",
    "v_volunteers_none": "{org}: dim gwirfoddolwyr eto. Mae /invite yn creu cod.",
    "v_volunteers": "Gwirfoddolwyr {org}:",
    "v_trusted_mark": "(dibynadwy)",
    "v_removed": "Gwirfoddolwr #{n} wedi'i dynnu.",
    "v_now_trusted": "Mae gwirfoddolwr #{n} yn ddibynadwy nawr: mae eu newidiadau'n dod i "
                     "rym ar unwaith.",
    "v_trust_usage": "Anfona /trust ac yna rhif y gwirfoddolwr, fel /trust 12.",
    "v_review_empty": "Does dim byd yn aros i'w adolygu.",
    "v_attention": "Newidiadau i'w hadolygu: {changes}. Adroddiadau am broblemau: "
                   "{reports}.",
    "v_attention_stale": "Heb eu gwirio ers {days} diwrnod: {orgs}.",
    "v_attention_more": "{orgs}; a {n} sefydliad arall (mae /stale yn eu rhestru)",
    "v_review": "{n} yn aros. {name}, gan wirfoddolwr #{who}:\n{what}",
    "v_review_edit": "{field}: {before} → {after}",
    "v_review_pause": "Oedi'r rhestriad",
    "v_review_resume": "Agor y rhestriad eto",
    "v_review_add": "Grŵp newydd",
    "v_reject_reason": "Pam lai? Teipia reswm byr i'r gwirfoddolwr.",
    "v_no_reason": "dim rheswm wedi'i roi",
    "v_approved": "Wedi'i gymeradwyo ac yn fyw.",
    "v_rejected": "Wedi'i wrthod. Dw i wedi dweud wrth y gwirfoddolwr.",
    "v_review_conflict": "Mae'r rhestriad wedi newid ers y cais, felly wnes i ddim ei roi ar "
                         "waith. Dw i wedi gofyn i'r gwirfoddolwr drio eto.",
    "v_stale": "{n} rhestriad heb eu gwirio ers {days} diwrnod:",
    "v_stale_none": "Mae pob rhestriad wedi'i wirio'n ddiweddar.",
    "v_status_active": "ar agor",
    "v_status_temporarily_closed": "wedi'i oedi",
    "v_status_closed": "ar gau",
    "v_n_review": "Mae newid yn aros i'w adolygu ({name}): anfona /review.",
    "v_n_review_many": "Mae {n} newid yn aros i'w hadolygu: anfona /review.",
    "v_n_approved": "Mae dy newid yn fyw: {name}. Diolch!",
    "v_n_conflict": "Fedrwn i ddim rhoi dy newid ar waith ({name}) achos bod y rhestriad "
                    "wedi newid yn y cyfamser. Anfona /edit i drio eto, plîs.",
    "v_n_rejected": "Chafodd dy newid ({name}) mo'i dderbyn: {reason}",
    "v_n_report": "Mae rhywun wedi rhoi gwybod am broblem: {name}. Gwiria'r rhestriad ac "
                  "anfona /verify neu /edit, plîs.",
    "v_n_stale": "Dydy {name} ddim wedi'i wirio ers tro. Ydy'r manylion yn dal yn gywir? "
                 "Anfona /verify {slug}, neu /edit i'w newid.",
    "v_f_name": "Enw",
    "v_f_audience": "Ar gyfer pwy",
    "v_f_access": "Mynediad",
    "v_f_languages": "Ieithoedd",
    "v_f_schedule": "Diwrnodau",
    "v_f_times": "Amseroedd",
    "v_f_venue": "Lleoliad",
    "v_f_address": "Cyfeiriad",
    "v_f_postcode": "Cod post",
    "v_f_phone": "Ffôn",
    "v_f_website": "Gwefan",
    "v_f_join": "Dolen ymuno",
    "v_f_description": "Disgrifiad",
    "v_f_notes": "Nodiadau",
    "v_f_name_in": "Enw ({language})",
    "v_f_description_in": "Disgrifiad ({language})",
    "v_f_status": "Statws",
    "v_f_attendance": "Ymuno",
    "v_b_cancel": "Canslo",
    # Pam na ellir defnyddio gwerth (directory/fields.py Invalid).
    "v_err_empty": "Roedd hwnna'n wag. Teipia'r gwerth newydd, os gweli di'n dda.",
    "v_err_too_long": "Mae hwnna'n {n} nod o hyd; yr uchafswm yw {limit}.",
    "v_err_phone": "Dydy hwnna ddim yn edrych fel rhif ffôn yn y DU. Rho gynnig ar "
                   "rywbeth fel 0113 496 0000 neu 07700 900123.",
    "v_err_web": "Dydy hwnna ddim yn edrych fel cyfeiriad gwe. Rho gynnig ar rywbeth fel "
                 "https://example.org/meeting.",
    "v_err_postcode": "Dydy hwnna ddim yn edrych fel cod post yn y DU. Rho gynnig ar "
                      "rywbeth fel LS1 5DL.",
    "v_err_postcode_unknown": "Wnes i ddim dod o hyd i'r cod post {code}. Gwiria fe, os "
                              "gweli di'n dda.",
    "v_err_clock": "Dydy {time} ddim yn amser o'r dydd. Rho gynnig ar 19:30-21:00.",
    "v_err_same_times": "Mae'r amser dechrau a'r amser gorffen yr un fath. Rho gynnig ar "
                        "19:30-21:00.",
    "v_err_time": "Wnes i ddim deall yr amser yna. Rho gynnig ar 19:30-21:00, neu 7.30yh "
                  "tan 9yh.",
    "v_err_no_day": "Wnes i ddim gweld diwrnod yn hwnna. Rho gynnig ar \"dydd Llun\", "
                    "\"bob yn ail ddydd Mawrth\", \"ail ddydd Llun\" neu \"dydd Gwener "
                    "olaf\".",
    "v_err_codes_only": "Rhestra dim ond beth sydd gan y grŵp ({what}), neu teipia dim "
                        "i'w glirio. Dw i'n deall: {understood}.",
    "v_err_code_unknown": "Sori, dw i ddim yn deall \u201c{said}\u201d yma ({what}). Dw "
                          "i'n deall: {understood}. Gwahana sawl un gyda choma, neu teipia "
                          "dim i'w glirio.",
    "v_none_value": "(dim)",
    "v_b_confirm": "Cadw",
    "v_b_no_note": "Dim nodyn",
    "v_b_in_person": "Wyneb yn wyneb",
    "v_b_online": "Ar-lein",
    "v_b_hybrid": "Y ddau",
    "v_b_approve": "Cymeradwyo",
    "v_b_reject": "Gwrthod",
    "v_b_remove": "Tynnu #{n}",
    "v_b_trust": "Ymddiried yn #{n}",
    # broadcasts ("cyhoeddiad": an announcement)
    "bc_footer": "Rwyt ti'n cael y rhain achos i ti ofyn amdanyn nhw. Anfona /unsubscribe "
                 "i'w stopio.",
    "bc_channel_footer": "Gweinyddwyr y gweinydd: mae /announcements off yn stopio'r rhain.",
    "bc_sub_ask": "Galla i anfon newyddion atat ti bob hyn a hyn: digwyddiadau, grwpiau "
                  "newydd, newidiadau i gyfarfodydd. Pwysa'r pynciau hoffet ti (dim un = "
                  "popeth), neu dywed wrtha i, er enghraifft \"digwyddiadau ger Caerdydd\" "
                  "neu \"grwpiau menywod\". Yna pwysa Tanysgrifio.",
    "bc_sub_more": "Iawn. Unrhyw beth arall? Pwysa Tanysgrifio pan fyddi di'n barod.",
    "bc_sub_so_far": "Hyd yma: {summary}",
    "bc_sub_summary": "{what}, unrhyw le",
    "bc_sub_summary_area": "{what}, o fewn {km} km i ardal {place}",
    "bc_sub_all_topics": "pob newyddion",
    "bc_sub_place_unknown": "Wnes i ddim dod o hyd i'r lle yna. Rho gynnig ar dref neu god "
                            "post, fel \"ger Caerdydd\" neu \"CF10\".",
    "bc_subscribed": "Rwyt ti wedi tanysgrifio: {summary}. Anfona /unsubscribe unrhyw bryd "
                     "i stopio. Mae /privacy yn dweud beth dw i'n ei gadw.",
    "bc_sub_updated": "Wedi'i ddiweddaru: {summary}. Anfona /unsubscribe unrhyw bryd i "
                      "stopio.",
    "bc_sub_cancelled": "Iawn, heb danysgrifio.",
    "bc_unsubscribed": "Dyna ni: fyddi di ddim yn cael mwy o newyddion gen i, a dw i wedi "
                       "dileu dy danysgrifiad.",
    "bc_not_subscribed": "Doeddet ti ddim wedi tanysgrifio, felly does dim byd i'w stopio.",
    "bc_topic_events": "Digwyddiadau",
    "bc_topic_new_groups": "Grwpiau newydd",
    "bc_topic_women": "Grwpiau menywod",
    "bc_topic_men": "Grwpiau dynion",
    "bc_topic_lgbtq": "Grwpiau LHDTC+",
    "bc_topic_family": "Teulu a ffrindiau",
    "bc_write": "Ysgrifenna'r neges i'w hanfon. Bydda i'n ei dangos i ti yn union fel y bydd "
                "pobl yn ei gweld cyn i ddim byd fynd.",
    "bc_too_long": "Mae hynny'n rhy hir ar gyfer {platform}: {n} nod gyda'r llinell "
                   "dad-danysgrifio, a'r uchafswm yno ydy {limit}. Ysgrifenna un byrrach, "
                   "plîs.",
    "bc_preview": "Dyma'n union beth fydd pobl yn ei gael:",
    "bc_audience": "Pwy ddylai ei gael? Mae {n} o bobl wedi tanysgrifio.",
    "bc_ask_area": "Pa le? Teipia dref neu god post, a phellter os hoffet ti (er enghraifft "
                   "\"Caerdydd 20 km\"; {km} km os na ddywedi di).",
    "bc_area_unknown": "Wnes i ddim dod o hyd i'r lle yna. Rho gynnig ar dref neu god post.",
    "bc_ask_topic": "Pa bwnc?",
    "bc_ask_platform": "Pa blatfform?",
    "bc_aud_everyone": "pawb sydd wedi tanysgrifio",
    "bc_aud_area": "tanysgrifwyr o fewn {km} km i ardal {place}",
    "bc_aud_topic": "tanysgrifwyr (pwnc: {topic})",
    "bc_aud_platform": "tanysgrifwyr {platform}",
    "bc_nobody": "Does neb yn cyfateb i hynny eto ({audience}). Dewis cynulleidfa arall?",
    "bc_confirm": "Anfon at {n} o bobl{channels} ({audience})?",
    # No {s}: a Welsh noun after a number stays singular (2 sianel).
    "bc_and_channels": " a {k} sianel gyhoeddiadau ar Discord",
    "bc_ask_when": "Pryd ddylai fynd? Er enghraifft \"18:30\", \"yfory 9:00\", "
                   "\"24/12 10:00\" neu \"mewn 2 awr\" (amser y DU).",
    "bc_when_unknown": "Fedrwn i ddim darllen yr amser yna, neu mae wedi mynd heibio. Rho "
                       "gynnig ar \"yfory 9:00\" neu \"mewn 2 awr\".",
    "bc_queued": "Mae cyhoeddiad #{id} ar ei ffordd at {n} o bobl{channels}. Mae /broadcasts "
                 "yn dangos y cynnydd.",
    "bc_scheduled": "Bydd cyhoeddiad #{id} yn mynd at {n} o bobl{channels}: {when}. Mae "
                    "/broadcasts yn ei ddangos, ac yn gallu ei ganslo.",
    "bc_cancelled": "Iawn, wedi canslo. Chafodd dim byd ei anfon.",
    "bc_none": "Dim cyhoeddiadau eto. Mae /broadcast yn ysgrifennu un.",
    "bc_list": "Cyhoeddiadau diweddar:",
    "bc_report": "#{id} \"{snippet}\": {state}. {sent} wedi cyrraedd, {failed} wedi methu, "
                 "{blocked} wedi dad-danysgrifio (wedi rhwystro'r bot), {waiting} yn aros, "
                 "{cancelled} wedi'u canslo, o {total}.",
    "bc_state_scheduled": "wedi'i drefnu ar gyfer {when}",
    "bc_state_sending": "yn anfon",
    "bc_state_finished": "wedi gorffen",
    "bc_state_cancelled": "wedi'i ganslo",
    "bc_list_closed": "Iawn.",
    "bc_cancelled_one": "Wedi'i ganslo. {line}",
    "bc_b_subscribe": "Tanysgrifio",
    "bc_b_cancel": "Canslo",
    "bc_b_everyone": "Pawb ({n})",
    "bc_b_area": "Ger lle penodol",
    "bc_b_topic": "Pwnc",
    "bc_b_platform": "Un platfform",
    "bc_b_rewrite": "Ysgrifennu eto",
    "bc_b_other_audience": "Cynulleidfa arall",
    "bc_b_now": "Anfon nawr at {n}",
    "bc_b_schedule": "Trefnu",
    "bc_b_cancel_one": "Canslo #{id}",
    # A broadcast in several languages. "fersiwn" is feminine ("fersiwn Gymraeg"), and a
    # placeholder cannot mutate: the language's name follows a colon.
    "bc_b_add_version": "Ychwanegu fersiwn: {language}",
    "bc_b_change_version": "Newid y fersiwn: {language}",
    "bc_b_back": "Nôl",
    "bc_write_version": "Iaith: {language}. Ysgrifenna'r neges yn yr iaith honno. Bydd pobl a "
                        "ddewisodd yr iaith yma yn ei chael; bydd pawb arall yn cael y prif "
                        "destun.",
    "bc_version_preview": "Dyma'n union beth fydd pobl a ddewisodd yr iaith yma ({language}) yn "
                          "ei gael:",
    "bc_versions": "Fersiynau (mae pob person yn cael yr un yn ei iaith, neu'r prif destun "
                   "fel arall):",
    "bc_version_line": "• {language}: \"{snippet}\"",
    "bc_version_main": "(y prif destun)",
    # Schedules (bot/wording.py). Day names are bare ("Llun"): the templates carry "dydd"
    # and its mutation ("Bob yn ail ddydd Mawrth", "Ail ddydd Llun y mis"). "a" before
    # "dydd" stays "a" (aspirate mutation touches c, p, t only); before a vowel it is
    # "ac" (ac ail, ac olaf), and it aspirates the ordinals (a thrydydd, a phedwerydd).
    "sch_appointment": "Drwy apwyntiad",
    "sch_always_open": "Ar agor unrhyw bryd",
    "sch_unknown": "Amseroedd ddim yn hysbys",
    "sch_day_0": "Llun", "sch_day_1": "Mawrth", "sch_day_2": "Mercher", "sch_day_3": "Iau",
    "sch_day_4": "Gwener", "sch_day_5": "Sadwrn", "sch_day_6": "Sul",
    "sch_weekly": "Bob dydd {days}",
    "sch_weekly_day": "{day}",
    "sch_weekly_sep": ", dydd ",
    "sch_weekly_and": " a dydd ",
    "sch_fortnightly": "Bob yn ail ddydd {days}",
    "sch_and_day": " a dydd ",
    # "cyntaf" and "olaf" follow the day; "ail" (soft mutation), "trydydd"... go before.
    "sch_monthly_1": "Dydd {days} cyntaf y mis", "sch_monthly_2": "Ail ddydd {days} y mis",
    "sch_monthly_3": "Trydydd dydd {days} y mis",
    "sch_monthly_4": "Pedwerydd dydd {days} y mis",
    "sch_monthly_5": "Pumed dydd {days} y mis",
    "sch_monthly_last": "Dydd {days} olaf y mis",
    "sch_monthly": "Dydd {days} {weeks} y mis",
    "sch_week_1": "cyntaf", "sch_week_2": "ail", "sch_week_3": "trydydd",
    "sch_week_4": "pedwerydd", "sch_week_5": "pumed", "sch_week_last": "olaf",
    "sch_and_week_1": " a chyntaf", "sch_and_week_2": " ac ail",
    "sch_and_week_3": " a thrydydd", "sch_and_week_4": " a phedwerydd",
    "sch_and_week_5": " a phumed", "sch_and_week_last": " ac olaf",
    "sch_at": "{days} am {start}",
    "sch_from_to": "{days}, {start}-{end}",
    # Dates: full day names (in short forms "Maw" would be both Tuesday and March).
    "date_day_0": "Dydd Llun", "date_day_1": "Dydd Mawrth", "date_day_2": "Dydd Mercher",
    "date_day_3": "Dydd Iau", "date_day_4": "Dydd Gwener", "date_day_5": "Dydd Sadwrn",
    "date_day_6": "Dydd Sul",
    "month_1": "Ionawr", "month_2": "Chwefror", "month_3": "Mawrth", "month_4": "Ebrill",
    "month_5": "Mai", "month_6": "Mehefin", "month_7": "Gorffennaf", "month_8": "Awst",
    "month_9": "Medi", "month_10": "Hydref", "month_11": "Tachwedd", "month_12": "Rhagfyr",
    "when_today": "heddiw am {time}",
    "when_tomorrow": "yfory am {time}",
    "when_date": "{day} {date} {month} am {time}",
    "when_date_year": "{day} {date} {month} {year} am {time}",
    "date_long": "{date} {month} {year}",
    "decimal_point": ".",
    # Crisis contacts: the numbers exactly as bot/crisis/contacts.py has them (the tests
    # check); English names kept where the service has no Welsh one, with a Welsh gloss.
    "cc_line": "• {name}{where}: {how}",
    "cc_where": " ({nations})",
    "cc_nations_sep": ", ",
    "nation_england": "Lloegr", "nation_wales": "Cymru", "nation_scotland": "Yr Alban",
    "nation_northern_ireland": "Gogledd Iwerddon",
    "cc_name_emergency": "Gwasanaethau brys",
    "cc_how_emergency": "ffonia 999 (mae 112 yn gweithio hefyd)",
    "cc_name_samaritans": "Y Samariaid",
    "cc_how_samaritans": "ffonia 116 123 (am ddim, 24/7)",
    "cc_name_samaritans_welsh": "Llinell Gymraeg y Samariaid",
    "cc_how_samaritans_welsh": "ffonia 0808 164 0123 (7yh tan 11yh bob dydd)",
    "cc_name_shout": "Shout",
    "cc_how_shout": "tecstia SHOUT i 85258 (24/7)",
    "cc_name_nhs111": "GIG 111 (NHS 111)",
    "cc_how_nhs111": "ffonia 111 a dewis yr opsiwn iechyd meddwl (24/7)",
    "cc_name_breathing_space": "Breathing Space",
    "cc_how_breathing_space": "ffonia 0800 83 85 87 (gyda'r nos yn ystod yr wythnos, a "
                              "thrwy'r penwythnos o 6yh ddydd Gwener)",
    "cc_name_lifeline": "Lifeline",
    "cc_how_lifeline": "ffonia 0808 808 8000 (24/7)",
    "cc_name_call_wales": "Llinell wrando C.A.L.L.",
    "cc_how_call_wales": "ffonia 0800 132 737 neu tecstia \"help\" i 81066",
    "cc_name_da_england": "National Domestic Abuse Helpline (cam-drin domestig)",
    "cc_how_da_england": "ffonia 0808 2000 247 (24/7)",
    "cc_name_da_wales": "Byw Heb Ofn",
    "cc_how_da_wales": "ffonia 0808 80 10 800 (24/7)",
    "cc_name_da_scotland": "Domestic Abuse and Forced Marriage Helpline (cam-drin domestig a "
                           "phriodas dan orfod)",
    "cc_how_da_scotland": "ffonia 0800 027 1234 (24/7)",
    "cc_name_da_ni": "Domestic and Sexual Abuse Helpline (cam-drin domestig a rhywiol)",
    "cc_how_da_ni": "ffonia 0808 802 1414 (24/7)",
    "cc_name_mens_advice": "Men's Advice Line (i ddynion)",
    "cc_how_mens_advice": "ffonia 0808 8010 327 (yn ystod yr wythnos)",
    "cc_name_respect": "Respect Phoneline (os wyt ti'n poeni y gallet ti frifo rhywun)",
    "cc_how_respect": "ffonia 0808 802 4040",
    "cc_name_childline": "Childline (i blant a phobl ifanc)",
    "cc_how_childline": "ffonia 0800 1111 (24/7)",
    "cc_name_nspcc": "NSPCC (oedolion sy'n poeni am blentyn)",
    "cc_how_nspcc": "ffonia 0808 800 5000 (8yb tan 10yh yn ystod yr wythnos, 9yb tan 6yh ar "
                    "benwythnosau)",
    # Negeseuon atgoffa am gyfarfodydd (bot/reminders/dialogue.py).
    "b_remind_me": "Atgoffa fi",
    "rm_ask": "Pryd ddylwn i dy atgoffa di? {name}: mae'r cyfarfod nesaf {when}.",
    "rm_paused_now": "Mae wedi'i oedi am y tro: dim ond am gyfarfodydd sy'n digwydd y bydda "
                     "i'n dy atgoffa di.",
    "b_rm_hour": "1 awr cyn iddo ddechrau",
    "b_rm_morning": "Bore'r diwrnod (08:00)",
    "b_rm_weekly": "Bob wythnos nes i mi stopio",
    "rm_how_hour": "awr cyn y cyfarfod nesaf",
    "rm_how_morning": "ar fore'r cyfarfod nesaf (08:00)",
    "rm_how_weekly": "cyn pob cyfarfod, am hyd at 12 wythnos",
    "rm_set": "Iawn: {name} - bydda i'n dy atgoffa di {how}. Daw'r nodyn atgoffa cyntaf "
              "{at}.\nMae /reminders yn dangos dy negeseuon atgoffa ac yn eu stopio.",
    "rm_no_dates": "{name}: dw i ddim yn gwybod am ddyddiadau ar ei gyfer, felly alla i "
                   "ddim dy atgoffa di.",
    "rm_not_here": "Mae negeseuon atgoffa'n dod fel neges ar Telegram neu Discord: gosoda "
                   "un yno.",
    "rm_gone": "Dydy'r cyfarfod hwnnw ddim yn y cyfeiriadur bellach.",
    "rm_msg": "Nodyn atgoffa: {name}, {when}.",
    "rm_crisis": "Os yw heddiw'n anodd: {line}",
    "rm_n_changed": "Newid: {name}. Yr amserau newydd: {schedule}.",
    "rm_n_paused": "Newid: {name} - mae wedi'i oedi am y tro. Fydda i ddim yn anfon negeseuon "
                   "atgoffa tra bydd wedi'i oedi, a bydda i'n dweud wrthot ti pan fydd yn "
                   "newid eto.",
    "rm_n_closed": "Newid: {name} - mae wedi cau, felly mae dy negeseuon atgoffa amdano wedi "
                   "stopio.",
    "b_rm_cant": "Alla i ddim mynd",
    "b_rm_stop": "Stopio'r negeseuon atgoffa",
    "rm_stopped": "Wedi stopio: {name} - dim mwy o negeseuon atgoffa.",
    "rm_already_stopped": "Mae'r nodyn atgoffa hwnnw wedi dod i ben neu wedi'i stopio'n "
                          "barod.",
    "rm_alts": "Cyfarfodydd eraill fel {name}, yn fuan:",
    "b_rm_alt": "Atgoffa fi am {n}",
    "rm_alts_none": "Allwn i ddim dod o hyd i gyfarfod arall tebyg yn yr wythnos nesaf. "
                    "Anfona /start i chwilio, neu /crisis os oes angen rhywun i siarad â nhw "
                    "nawr.",
    "rm_none": "Does gen ti ddim negeseuon atgoffa. Agora fanylion cyfarfod a dewis Atgoffa "
               "fi i osod un.",
    "rm_list": "Dy negeseuon atgoffa:",
    "rm_line": "{n}. {name} - {how}; nesaf: {next}",
    "rm_line_none": "dim wedi'i gynllunio",
    "b_rm_stop_one": "Stopio {n}",
    "rm_list_closed": "Wedi cau'r rhestr o negeseuon atgoffa. Mae /reminders yn ei dangos "
                      "eto.",
}
