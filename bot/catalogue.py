"""Every word the bot says, keyed by message id, ready for translation.

English first; Welsh ("cy") is bot/catalogue_cy.py, another dict with the same keys (a
missing key falls back to English; tests/test_catalogue.py fails on one). A third
language: docs/languages.md. Keep messages short, warm and plain:
people reading them may be having the worst day of their lives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.catalogue_cy import CY

EN: dict[str, str] = {
    # greeting and commands
    "greeting": (
        "Hi, I'm Recovery Connector. I help you find recovery groups and support near "
        "you, run by people who've been there.\n"
        "I keep as little as I can, for {ttl_hours} hours at most. /privacy says more.\n"
        "If you're in danger right now, send /crisis or call 999."
    ),
    "ask_needs": "What would you like support with? Tap one, or tell me in your own words.",
    "ask_needs_again": "Sorry, I didn't catch that. Tap one of these, or say it another way "
                       "(for example \"drinking\" or \"my son's using\").",
    "ask_place": "Thanks. Where are you? Send a postcode or town, or share your location. "
                 "Or choose online meetings.",
    "ask_place_again": "I couldn't find that place. Try a postcode (like LS1 4) or a town.",
    "place_suggest": "I couldn't find \"{query}\". Did you mean one of these?",
    "place_ambiguous": "There's more than one {query}. Which one?",
    "place_which": "Which of these places did you mean?",
    "location_invalid": "Sorry, I couldn't read that location. Send a postcode or town "
                        "instead, or choose online meetings.",
    # /language (/iaith): the language's own name on its button, in every catalogue.
    "lang_name": "English",
    "language_ask": "Which language would you like? Pa iaith hoffet ti?",
    "language_set": "OK, I'll speak English from now on. (/iaith for Cymraeg.)",
    "help": (
        "I can find recovery groups, meetings and support near you.\n"
        "Tell me what you'd like help with and where you are, for example "
        "\"alcohol, Leeds\".\n"
        "/start - begin again\n/crisis - urgent help now\n/privacy - what I keep\n"
        "/forget - delete everything I hold about you\n/cancel - stop what we're doing\n"
        "/language - Cymraeg"
    ),
    "privacy": (
        "What I keep: what you asked for (like \"alcohol\"), a rough area (about 1 km) "
        "and which listings I showed you or you opened, so I can carry on where you "
        "left off. Never your words, your name or your exact location. I know you by a "
        "code that can't be turned back into your account.\n"
        "How long: {ttl_hours} hours after your last message, then it's deleted.\n"
        "Problem reports about a listing keep no trace of who sent them.\n"
        "If you /subscribe to news, I keep your chat id, a rough area, the topics you "
        "chose and your language, until you send /unsubscribe.\n"
        "If you ask me to remind you of a meeting, I keep your chat id, which meeting and "
        "when, and your language, until the reminders end (after the meeting, or 12 "
        "weeks at most) or you stop them or send /forget.\n"
        "Send /forget at any time to delete everything now, subscriptions included.\n"
        "The app you use (like Telegram or Discord) also sees your messages, under its "
        "own privacy terms."
    ),
    # Retention periods (bot/retention.py), shown by /privacy after "privacy".
    "privacy_retention": (
        "Problem reports are deleted after {report_days} days, messages to volunteers "
        "after {notification_days} days, records of who a broadcast went to "
        "{delivery_days} days after it was sent, and the log of volunteer and admin "
        "commands, refused ones included (a code for who, the command, never what was "
        "typed), after {audit_days} days. Unfinished drafts go with the conversation."
    ),
    # What /forget erases and what it keeps without a name (bot/access.py `forget`),
    # shown by /privacy after "privacy_retention".
    "privacy_forget": (
        "/forget deletes, at once: this conversation, your subscription and news waiting "
        "for you, your meeting reminders, the log of commands you sent, and if you "
        "volunteer, your account, "
        "roles, messages to you, invites you made that weren't used, and changes and "
        "broadcasts you hadn't finished or had approved. Changes already published or "
        "decided stay in a listing's history as made by \"a former volunteer\", and "
        "broadcasts sent or scheduled stay, without your name."
    ),
    "forget_confirm": "Delete everything I hold about you? This can't be undone.",
    "forgotten": "Done. I've deleted everything I held about you. Send /start whenever "
                 "you like.",
    "forget_kept": "OK, nothing deleted.",
    "cancelled": "OK, stopped. Send /start to begin again, or /crisis for urgent help.",
    "not_understood": "Sorry, I didn't understand. You can tap a button, or send /help.",
    "too_long": "That's a long message. Could you tell me in a few words what you'd like "
                "help with, and where you are?",
    # crisis
    "crisis_intro": "You deserve help right now. Please reach out:",
    "crisis_outro": "You're not alone. When you're ready, I can also find a group near you.",
    "crisis_contacts_only": "If you need urgent help, these are free and there for you:",
    # What to do first, by the kind of danger seen (bot/crisis/reply.py). First aid as UK
    # overdose and epilepsy charities give it (docs/crisis-check.md has the sources).
    "crisis_first_overdose": (
        "If someone may have overdosed or can't be woken, call 999 now. Stay with them. "
        "If they're not awake, lie them on their side (the recovery position). Use "
        "naloxone if you have it."),
    "crisis_first_medical": (
        "This could be a medical emergency: call 999 now. If someone is fitting, don't "
        "hold them down or put anything in their mouth; when it stops, lie them on their "
        "side and stay with them."),
    "crisis_first_child_at_risk": "If a child is in danger right now, call 999.",
    "crisis_first_abuse": (
        "No one has the right to hurt or threaten you. If you're in danger now, call 999."),
    "crisis_first_harm_to_others": (
        "If you feel you might hurt someone, please step away from them now. If anyone is "
        "in danger, call 999."),
    "crisis_lines": "These are free and there for you:",
    "crisis_safe_question": "Are you safe right now?",
    "crisis_signpost": (
        "That can bring up a lot. If you'd like to talk to someone, any time, these are "
        "free:"),
    "crisis_unsafe": (
        "Please call 999 now, or ask someone near you to call. If you can't talk, text "
        "SHOUT to 85258. You don't have to go through this alone."),
    # results
    "results_intro": "Here's what I found near {place}:",
    "results_intro_online": "Here are online meetings you can join from anywhere:",
    "results_intro_anywhere": "Here's what I found:",
    "results_nothing_near": "I couldn't find anything within {radius} km of {place}, "
                            "sorry. These meet online or by phone, so you can join "
                            "from anywhere:",
    "results_none": "I couldn't find anything for that, sorry. These national helplines "
                    "can help:",
    "results_no_more": "That's everything I have for that search.",
    "results_helplines": "Or talk to someone on a national helpline:",
    "helpline_line": "• {name}: {phone}",
    "result_line": "{n}. {name}\n   {kind} · {where} · {when}",
    "result_closed": "   Temporarily closed: {note}",
    "result_example": "   (example listing, not a real group)",
    # Filters (directory/filters.py; the buttons in bot/conversation.py FILTER_CHOICES)
    "result_matches": "   ✓ {what}",
    "results_filtered": "Only: {what}.",
    "results_filter_none": "Nothing {where} is {what}, sorry. These are the nearest "
                           "without that:",
    "filter_near": "near {place}",
    "filter_online": "online",
    "filter_ask": "Narrow it down: tap what you'd like (tap again to take it off).",
    "b_filter": "Filter",
    "b_filters_clear": "Clear filters",
    "fb_now": "On now", "fb_soon": "Starting soon", "fb_tonight": "Tonight",
    "fb_tomorrow": "Tomorrow", "fb_weekend": "This weekend", "fb_women": "Women",
    "fb_men": "Men", "fb_lgbtq": "LGBTQ+", "fb_young_people": "Young people",
    "fb_newcomers": "Newcomers", "fb_step_free": "Step-free", "fb_wheelchair": "Wheelchair",
    "fb_hearing_loop": "Hearing loop", "fb_in_person": "In person", "fb_phone": "By phone",
    # what a result matches, one code each (directory/models.py AUDIENCES, ACCESSIBILITY,
    # Attendance)
    "fm_women": "women only", "fm_men": "men only", "fm_lgbtq": "LGBTQ+",
    "fm_young_people": "young people", "fm_older_people": "older people",
    "fm_families": "families welcome", "fm_veterans": "veterans", "fm_bame": "Black and "
    "minority ethnic", "fm_newcomers": "newcomers welcome", "fm_open": "open to all",
    "fm_closed": "for people in recovery", "fm_wheelchair": "wheelchair access",
    "fm_hearing_loop": "hearing loop", "fm_step_free": "step-free",
    "fm_accessible_toilet": "accessible toilet", "fm_parking": "parking",
    "fm_public_transport": "near public transport", "fm_childcare": "childcare",
    "fm_interpreter": "interpreter", "fm_bsl": "BSL", "fm_in_person": "in person",
    "fm_online": "online", "fm_hybrid": "in person and online", "fm_phone": "by phone",
    "fm_language": "in {language}", "fm_under_way": "on now",
    "fm_starts_in": "starts in {minutes} min",
    # when (directory/filters.py codes)
    "fw_now": "on now", "fw_soon": "starting soon", "fw_today": "today",
    "fw_tonight": "tonight", "fw_this_morning": "this morning",
    "fw_this_afternoon": "this afternoon", "fw_this_evening": "this evening",
    "fw_tomorrow": "tomorrow", "fw_tomorrow_morning": "tomorrow morning",
    "fw_tomorrow_afternoon": "tomorrow afternoon", "fw_tomorrow_evening": "tomorrow evening",
    "fw_weekend": "this weekend", "fw_day": "on {day}", "fw_day_part": "on {day} {part}",
    "fw_part_morning": "morning", "fw_part_afternoon": "afternoon",
    "fw_part_evening": "evening", "fw_after": "after {hour}", "fw_before": "before {hour}",
    # languages a search can ask for (directory/filters.py LANGUAGE_NAMES)
    "lang_en": "English", "lang_cy": "Welsh", "lang_pl": "Polish", "lang_pa": "Punjabi",
    "lang_ur": "Urdu",
    "lang_es": "Spanish", "lang_ro": "Romanian", "lang_ar": "Arabic",
    "lang_pt": "Portuguese", "lang_bn": "Bengali", "lang_lt": "Lithuanian",
    "lang_so": "Somali", "lang_gu": "Gujarati", "lang_it": "Italian", "lang_fr": "French",
    "lang_de": "German", "lang_ru": "Russian", "lang_uk": "Ukrainian", "lang_tr": "Turkish",
    "lang_fa": "Farsi", "lang_ta": "Tamil", "lang_zh": "Chinese", "lang_gd": "Gaelic",
    "lang_ga": "Irish", "lang_hi": "Hindi", "lang_ku": "Kurdish", "lang_bg": "Bulgarian",
    "lang_hu": "Hungarian",
    "when_next": "{when}",
    "when_unknown": "{schedule}",
    "where_online": "online",
    "where_phone": "by phone",
    "where_km": "{km} km away",
    # details
    "details_schedule": "When: {schedule}",
    "details_next": "Next: {when}",
    "details_address": "Where: {address}",
    "details_map": "Map: {url}",
    "details_phone": "Phone: {phone}",
    "details_website": "Website: {url}",
    "details_join": "Join online: {url}",
    "details_for": "Who for: {audience}",
    "details_access": "Access: {access}",
    "details_checked": "Last checked: {date}",
    "details_not_checked": "Last checked: not recently - please check before you go",
    "details_closed": "Temporarily closed: {note}",
    "details_example": "This is an example listing, not a real group.",
    "report_ask": "What's wrong with this listing?",
    "report_thanks": "Thank you. I've passed that on to the people who look after the "
                     "directory. Nothing about you was kept with it.",
    # errors
    "went_wrong": "Sorry, something went wrong on my side. Please try again, or send "
                  "/start to begin again.",
    "db_down": "Sorry, something went wrong on my side and I can't search right now. "
               "Please try again in a few minutes.",
    # buttons
    "b_alcohol": "Alcohol",
    "b_drugs": "Drugs",
    "b_gambling": "Gambling",
    "b_family": "Family & friends",
    "b_mental_health": "Mental health",
    "b_anything": "Anything / not sure",
    "b_online": "Online meetings",
    "b_details": "More about {n}",
    "b_more": "More results",
    "b_online_only": "Online only",
    "b_today": "Today only",
    "b_area": "Another area",
    "b_restart": "Start again",
    "b_back": "Back to results",
    "b_report": "Report a problem",
    "b_safe": "I'm safe, carry on",
    "b_unsafe": "I need help now",
    "b_yes_delete": "Yes, delete",
    "b_no_keep": "No, keep it",
    "r_wrong_time": "Wrong day or time",
    "r_closed": "It has closed",
    "r_wrong_place": "Wrong address",
    "r_wrong_contact": "Wrong phone or link",
    "r_other": "Something else",
    # "Add to calendar" (bot/reminders/calendar_feature.py). The entry's title and file
    # name stay discreet: phones show calendar entries on lock screens.
    "b_cal_add": "Add to calendar",
    "b_cal_plain": "Just \"Meeting\"",
    "b_cal_name": "Use its name",
    "cal_ask": "What should your calendar call it? Phones can show calendar entries on "
               "the lock screen, so \"Meeting\" keeps it private. Its name says what it is.",
    "cal_ready": "Here's the file for your calendar: open it to add the meetings. It covers "
                 "the next 12 weeks at least. If the time or place changes, ask me for a "
                 "new one.",
    "cal_paused": "It's closed for now, so the meetings it won't hold are left out. Check "
                  "before you go.",
    "cal_gone": "Sorry, I can't put that one in your calendar now. It may have closed or "
                "changed.",
    "cal_summary": "Meeting",
    "cal_filename": "meeting",
    # kinds
    "k_meeting": "Meeting",
    "k_group": "Group",
    "k_service": "Service",
    "k_helpline": "Helpline",
    "o_lero": "Lived experience recovery organisation",
    "o_fellowship": "Mutual aid fellowship",
    "o_service": "Support service",
    "o_helpline": "Helpline",
    # volunteers and admins (bot/volunteers/dialogue.py)
    "v_refused": "Sorry, that isn't something I can do for you. If you help run a group, "
                 "ask an admin for an invite code, then send /volunteer CODE.",
    "v_volunteer_usage": "Send /volunteer followed by your invite code, like "
                         "/volunteer K7QM-3XPA.",
    "v_invite_bad": "Sorry, that code didn't work. It may be mistyped, used already or "
                    "out of date. Ask for a new one.",
    "v_welcome": "Welcome! You can now keep {org}'s listings up to date. Send /mylistings "
                 "to see them, /edit to change one, /verify to confirm one is still right.",
    "v_link_code": "To use your role on another app too, send /link {code} to me there "
                   "within {minutes} minutes.",
    "v_linked": "Done: this account is linked. Your roles work here too.",
    # Telegram's own controls and command menu
    "tg_share_location": "📍 Share my location",
    "tg_location_prompt": "Or tap \"📍 Share my location\" below to send where you are.",
    "tg_location_done": "Thanks.",
    # the web chat's refusals (adapters/web.py): error frames, in the session's language
    "web_rate_limited": "That's a lot of messages in a short time. Please wait a minute, "
                        "then try again. If you're in danger, call 999.",
    "web_too_long": "That message is too long for me to read. Could you send it in "
                    "shorter parts?",
    "web_bad_request": "Sorry, I couldn't read that message. Please try again.",
    # the terminal chat (adapters/terminal.py) and plain text (bot/types.py)
    "term_intro": "Recovery Connector (terminal). Type a number to press a button, "
                  "/location LAT,LON to share a location, /quit to leave.\n",
    "term_location": "  (/location LAT,LON shares a location)",
    "term_saved": "  (file saved: {path})",
    "plain_location": "  (or share your location)",
    "plain_map": "Map: {url}",
    "tg_group_private": (
        "I'd be glad to help, in a private chat, so nothing personal is shared in this "
        "group. Tap below to continue privately.\n"
        "If you're in danger right now, send /crisis or call 999."
    ),
    "tg_group_button": "Continue privately",
    "tg_group_tap": "Let's continue in a private chat with me.",
    "tg_cmd_start": "Find support near you",
    "tg_cmd_help": "What I can do",
    "tg_cmd_crisis": "Urgent help now",
    "tg_cmd_privacy": "What I keep about you",
    "tg_cmd_forget": "Delete everything I hold about you",
    "tg_cmd_language": "Cymraeg / English",
    # Discord's own controls, slash commands and server announcements
    "dc_dm_button": "Continue in DMs",
    "dc_dm_open": "Open our DMs",
    "dc_dm_sent": "I've sent this to your direct messages, where we can carry on privately.",
    "dc_dm_closed": (
        "I can't send you a direct message: your settings don't allow it. To carry on "
        "privately, allow direct messages from this server's members (Privacy Settings), "
        "then press the button again. You can also keep using my commands here: only you "
        "see my answers."
    ),
    "dc_choose": "Choose one…",
    "dc_map": "Map",
    "dc_cmd_find": "Find recovery groups and support near you (only you see the answer)",
    "dc_opt_need": "What you'd like support with",
    "dc_opt_place": "A town or postcode",
    "dc_cmd_help": "What I can do",
    "dc_cmd_crisis": "Urgent help, right now",
    "dc_cmd_privacy": "What I keep about you, and for how long",
    "dc_cmd_forget": "Delete everything I hold about you",
    "dc_cmd_language": "Cymraeg / English: choose the language I speak",
    "dc_cmd_announcements": "Where this server gets Recovery Connector announcements",
    "dc_cmd_ann_set": "Post Recovery Connector announcements in a channel",
    "dc_cmd_ann_off": "Stop Recovery Connector announcements in this server",
    "dc_opt_channel": "The channel for announcements",
    "dc_ann_refused": "Only members who can manage this server can change where "
                      "announcements go.",
    "dc_ann_wrong_channel": "Please choose a text or announcement channel.",
    "dc_ann_set": "Announcements will be posted in {channel}. Please make sure I can "
                  "send messages there. /announcements off stops them.",
    "dc_ann_off": "Announcements are off for this server.",
    "dc_ann_was_off": "Announcements were already off for this server.",
    "dc_ann_failed": "Sorry, I couldn't save that just now. Please try again in a minute.",
    # command menus (shown by platforms that have one, to those who hold the role)
    "tg_cmd_mylistings": "Listings you look after",
    "tg_cmd_edit": "Change a listing",
    "tg_cmd_addgroup": "Add a new group",
    "tg_cmd_pause": "Pause a listing for a while",
    "tg_cmd_resume": "Open a paused listing again",
    "tg_cmd_verify": "Confirm a listing is still right",
    "tg_cmd_history": "See a listing's changes",
    "tg_cmd_undo": "Undo your last change",
    "tg_cmd_link": "Use your role on another app",
    "tg_cmd_invite": "Invite a volunteer (admins)",
    "tg_cmd_volunteers": "List an organisation's volunteers (admins)",
    "tg_cmd_trust": "Trust a volunteer (admins)",
    "tg_cmd_review": "Review waiting changes (admins)",
    "tg_cmd_stale": "Listings not checked lately (admins)",
    "tg_cmd_reminders": "Your meeting reminders",
    "tg_cmd_subscribe": "Get news of events and new groups",
    "tg_cmd_broadcast": "Send an announcement (admins)",
    "tg_cmd_broadcasts": "Announcements sent and planned (admins)",
    "v_mylistings_counts": "Your listings: {total} in all, {paused} paused, {stale} not "
                           "checked for {days} days (those first).",
    "v_no_listings": "There are no listings for you to look after yet. /addgroup adds one.",
    "v_stale_mark": "(not checked for a while - /verify)",
    "v_paused_mark": "(paused)",
    "v_pick": "Which listing? Tap one, or type part of its name or its town.",
    # Pickers and /mylistings, a page at a time; what /edit WORDS found.
    "v_page": "Page {page} of {pages} ({total} listings).",
    "v_found": "{n} of your listings match.",
    "v_found_many": "More of your listings match than I can list: here are the {n} "
                    "closest. Type more words to narrow them down.",
    "v_not_found": "I couldn't find \"{words}\" among your listings. Here are all of them.",
    "v_b_previous": "◀ Previous",
    "v_b_next": "Next ▶",
    "v_b_done": "Done",
    "v_list_done": "OK.",
    # Several listings at once: /verify all (the word typed after /verify), and a venue's
    # listings paused together.
    "v_arg_all": "all",
    "v_b_verify_all": "All {n}: checked today",
    "v_verify_all": "Mark {n} listings as checked today? Only if you know each one is "
                    "still right. /undo takes it back.",
    "v_b_verify_confirm": "Yes, {n} checked",
    "v_verified_many": "Thanks! {n} listings are marked as checked today. /undo takes that "
                       "back.",
    "v_pause_venue_hint": "{n} more of your listings meet at {venue}. If the venue is "
                          "closed, you can pause them all together.",
    "v_b_pause_venue": "All {n} at this venue",
    "v_pause_venue_note": "Pausing all {n} listings at {venue}. Want to add a short note, "
                          "like \"venue closed until March\"? Type it, or tap No note.",
    "v_preview_venue": "{n} listings at {venue}:\n{names}\nStatus: {before} → {after}\n"
                       "Save this change? /undo takes it back for all of them.",
    "v_and_more": "…and {n} more",
    "v_paused_many": "Saved. {n} listings are paused. /undo opens them all again.",
    "v_pending_many": "Thanks! An admin will check the {n} changes soon, and I'll tell you "
                      "as each goes live.",
    "v_conflict_many": "{n} of them changed while you were at it, so I left those as they "
                       "are.",
    "v_which_field": "What would you like to change about {name}?",
    "v_type_value": "Type the new {field}. For example: {example}\n"
                    "(Send - to remove it.)",
    "v_try_again": "Please try again, or tap Cancel.",
    "v_empty": "That was empty. Please type it.",
    "v_pause_note": "Pausing {name}. Want to add a short note, like \"closed over "
                    "Christmas\"? Type it, or tap No note.",
    "v_preview": "{name}\n{field}: {before} → {after}\nSave this change?",
    "v_applied": "Saved. {name} is up to date.",
    "v_pending": "Thanks! An admin will check the change soon, and I'll tell you when "
                 "it's live.",
    "v_conflict": "Someone else changed {name} while you were editing, so I didn't save "
                  "yours. It now says: {now}\nSend /edit to try again.",
    "v_verified": "Thanks for checking {name}. I've marked it as checked today.",
    "v_history": "Changes to {name}, newest first:",
    "v_history_approved": "(approved by {who})",
    # Who made a change kept in a listing's history after they sent /forget.
    "v_former_volunteer": "a former volunteer",
    "v_nothing_to_undo": "You have no change to undo.",
    "v_undone": "Done: your last change is undone.",
    "v_undo_conflict": "I can't undo that: someone has changed the same thing since.",
    "v_cancelled": "OK, cancelled. Nothing was changed.",
    "v_addgroup_admin": "As an admin, first join the organisation with an invite "
                        "(/invite ORG, then /volunteer CODE) to add groups to it.",
    "v_add_which_org": "Which organisation is the new group part of?",
    "v_add_name": "What's the group called?",
    "v_add_schedule": "Which day does it meet? For example \"Tuesdays\", \"every other "
                      "Thursday\", \"2nd Monday\", or \"by appointment\".",
    "v_add_times": "What time? For example 19:30-21:00.",
    "v_add_attendance": "How do people join?",
    "v_add_where": "What's the postcode of the venue?",
    "v_add_where_online": "What's the link to join online?",
    "v_add_preview": "New group:\n{preview}\nAdd it?",
    "v_invite": "Invite code for {org}: {code}\nIt works once, for {days} days. The "
                "volunteer sends /volunteer {code} to me on any platform.",
    "v_invite_usage": "Send /invite followed by the organisation's id or name.",
    "v_volunteers_usage": "Send /volunteers followed by the organisation's id or name.",
    # /invite ORG and /volunteers ORG when the name typed is not one organisation's.
    "v_org_which": "More than one organisation matches \"{text}\". Which one did you mean?",
    "v_org_maybe": "I couldn't find \"{text}\". Did you mean one of these?",
    "v_org_more": "{n} more match too: type more of the name to narrow it down.",
    "v_org_none": "Sorry, I couldn't find an organisation called \"{text}\". Please check "
                  "the spelling, or try part of its name: /{command} NAME.",
    "v_volunteers_none": "{org} has no volunteers yet. /invite makes a code.",
    "v_volunteers": "Volunteers of {org}:",
    "v_trusted_mark": "(trusted)",
    "v_removed": "Volunteer #{n} removed.",
    "v_now_trusted": "Volunteer #{n} is now trusted: their changes apply at once.",
    "v_trust_usage": "Send /trust followed by the volunteer's number, like /trust 12.",
    "v_review_empty": "Nothing waiting for review.",
    # /review starts with what waits for the admins.
    "v_attention": "Changes to review: {changes}. Problem reports: {reports}.",
    "v_attention_stale": "Not checked for {days} days: {orgs}.",
    "v_attention_more": "{orgs}; and {n} more organisations (/stale lists them)",
    "v_review": "{n} waiting. {name}, from volunteer #{who}:\n{what}",
    "v_review_edit": "{field}: {before} → {after}",
    "v_review_pause": "Pause the listing",
    "v_review_resume": "Open the listing again",
    "v_review_add": "A new group",
    "v_reject_reason": "Why not? Type a short reason for the volunteer.",
    "v_no_reason": "no reason given",
    "v_approved": "Approved and live.",
    "v_rejected": "Rejected. I've told the volunteer.",
    "v_review_conflict": "That listing changed since the request, so I didn't apply it. "
                         "I've asked the volunteer to try again.",
    "v_stale": "{n} listings not checked for {days} days:",
    "v_stale_none": "Every listing has been checked recently.",
    "v_status_active": "open",
    "v_status_temporarily_closed": "paused",
    "v_status_closed": "closed",
    "v_n_review": "A change to {name} is waiting for review: send /review.",
    "v_n_review_many": "{n} changes are waiting for review: send /review.",
    "v_n_approved": "Your change to {name} is live. Thank you!",
    "v_n_conflict": "Your change to {name} couldn't be applied because the listing "
                    "changed meanwhile. Please send /edit to try again.",
    "v_n_rejected": "Your change to {name} wasn't accepted: {reason}",
    "v_n_report": "Someone reported a problem with {name}. Please check it and send "
                  "/verify or /edit.",
    "v_n_stale": "{name} hasn't been checked for a while. Is it still right? Send "
                 "/verify {slug}, or /edit to change it.",
    "v_f_name": "Name",
    "v_f_audience": "Who it's for",
    "v_f_access": "Access",
    "v_f_languages": "Languages",
    "v_f_schedule": "Days",
    "v_f_times": "Times",
    "v_f_venue": "Venue",
    "v_f_address": "Address",
    "v_f_postcode": "Postcode",
    "v_f_phone": "Phone",
    "v_f_website": "Website",
    "v_f_join": "Join link",
    "v_f_description": "Description",
    "v_f_notes": "Notes",
    "v_f_name_in": "{language} name",
    "v_f_description_in": "{language} description",
    "v_f_status": "Status",
    "v_f_attendance": "Joining",
    "v_b_cancel": "Cancel",
    # Why a value a volunteer typed cannot be used (directory/fields.py Invalid).
    "v_err_empty": "That was empty. Please type the new value.",
    "v_err_too_long": "That's {n} characters; the most is {limit}.",
    "v_err_phone": "That doesn't look like a UK phone number. Try something like "
                   "0113 496 0000 or 07700 900123.",
    "v_err_web": "That doesn't look like a web address. Try something like "
                 "https://example.org/meeting.",
    "v_err_postcode": "That doesn't look like a UK postcode. Try something like LS1 5DL.",
    "v_err_postcode_unknown": "I couldn't find the postcode {code}. Please check it.",
    "v_err_clock": "{time} isn't a time of day. Try 19:30-21:00.",
    "v_err_same_times": "The start and end times are the same. Try 19:30-21:00.",
    "v_err_time": "I couldn't read that time. Try 19:30-21:00, or 7.30pm to 9pm.",
    "v_err_no_day": "I couldn't find a day in that. Try \"Mondays\", \"every other "
                    "Tuesday\", \"2nd Monday\" or \"last Friday\".",
    "v_err_codes_only": "Please list only what the group has ({what}), or type none to "
                        "clear it. I understand: {understood}.",
    "v_err_code_unknown": "Sorry, I don't know \u201c{said}\u201d for {what}. I understand: "
                          "{understood}. Separate several with commas, or type none to "
                          "clear it.",
    "v_none_value": "(none)",
    "v_b_confirm": "Save",
    "v_b_no_note": "No note",
    "v_b_in_person": "In person",
    "v_b_online": "Online",
    "v_b_hybrid": "Both",
    "v_b_approve": "Approve",
    "v_b_reject": "Reject",
    "v_b_remove": "Remove #{n}",
    "v_b_trust": "Trust #{n}",
    # broadcasts (bot/broadcasts/dialogue.py)
    "bc_footer": "You get these because you asked to. Send /unsubscribe to stop them.",
    "bc_channel_footer": "Server admins: /announcements off stops these.",
    "bc_sub_ask": "I can send you news now and then: events, new groups, changes to "
                  "meetings. Tap the topics you'd like (none means everything), or tell me, "
                  "for example \"events near Leeds\" or \"women's groups\". Then tap "
                  "Subscribe.",
    "bc_sub_more": "Got it. Anything else? Tap Subscribe when you're done.",
    "bc_sub_so_far": "So far: {summary}",
    "bc_sub_summary": "{what}, anywhere",
    "bc_sub_summary_area": "{what}, within {km} km of {place}",
    "bc_sub_all_topics": "all news",
    "bc_sub_place_unknown": "I couldn't find that place. Try a town or a postcode, like "
                            "\"near Leeds\" or \"LS1\".",
    "bc_subscribed": "You're subscribed: {summary}. Send /unsubscribe at any time to stop. "
                     "/privacy says what I keep.",
    "bc_sub_updated": "Updated: {summary}. Send /unsubscribe at any time to stop.",
    "bc_sub_cancelled": "OK, not subscribed.",
    "bc_unsubscribed": "Done: you won't get any more news from me, and I've deleted your "
                       "subscription.",
    "bc_not_subscribed": "You weren't subscribed, so there's nothing to stop.",
    "bc_topic_events": "Events",
    "bc_topic_new_groups": "New groups",
    "bc_topic_women": "Women's groups",
    "bc_topic_men": "Men's groups",
    "bc_topic_lgbtq": "LGBTQ+ groups",
    "bc_topic_family": "Family & friends",
    "bc_write": "Write the message to send. I'll show it to you exactly as people will "
                "see it before anything goes.",
    "bc_too_long": "That's too long for {platform}: {n} characters with the unsubscribe "
                   "line, and {platform} allows {limit}. Please write a shorter one.",
    "bc_preview": "This is exactly what people will get:",
    "bc_audience": "Who should get it? {n} people have subscribed.",
    "bc_ask_area": "Which place? Type a town or postcode, and a distance if you like "
                   "(for example \"Leeds 20 km\"; {km} km if you don't say).",
    "bc_area_unknown": "I couldn't find that place. Try a town or a postcode.",
    "bc_ask_topic": "Which topic?",
    "bc_ask_platform": "Which platform?",
    "bc_aud_everyone": "everyone who subscribed",
    "bc_aud_area": "subscribers within {km} km of {place}",
    "bc_aud_topic": "subscribers to {topic}",
    "bc_aud_platform": "subscribers on {platform}",
    "bc_nobody": "Nobody matches that yet ({audience}). Choose another audience?",
    "bc_confirm": "Send to {n} people{channels} ({audience})?",
    "bc_and_channels": " and {k} Discord announcement channel{s}",
    "bc_ask_when": "When should it go? For example \"18:30\", \"tomorrow 9:00\", "
                   "\"24/12 10:00\" or \"in 2 hours\" (UK time).",
    "bc_when_unknown": "I couldn't read that time, or it has passed. Try \"tomorrow 9:00\" "
                       "or \"in 2 hours\".",
    "bc_queued": "Broadcast #{id} is on its way to {n} people{channels}. /broadcasts shows "
                 "progress.",
    "bc_scheduled": "Broadcast #{id} will go to {n} people{channels} on {when}. /broadcasts "
                    "shows it, and can cancel it.",
    "bc_cancelled": "OK, cancelled. Nothing was sent.",
    "bc_none": "No broadcasts yet. /broadcast writes one.",
    "bc_list": "Recent broadcasts:",
    "bc_report": "#{id} \"{snippet}\": {state}. {sent} delivered, {failed} failed, "
                 "{blocked} unsubscribed (blocked the bot), {waiting} waiting, {cancelled} "
                 "cancelled, of {total}.",
    "bc_state_scheduled": "scheduled for {when}",
    "bc_state_sending": "sending",
    "bc_state_finished": "finished",
    "bc_state_cancelled": "cancelled",
    "bc_list_closed": "OK.",
    "bc_cancelled_one": "Cancelled. {line}",
    "bc_b_subscribe": "Subscribe",
    "bc_b_cancel": "Cancel",
    "bc_b_everyone": "Everyone ({n})",
    "bc_b_area": "Near a place",
    "bc_b_topic": "A topic",
    "bc_b_platform": "One platform",
    "bc_b_rewrite": "Write it again",
    "bc_b_other_audience": "Another audience",
    "bc_b_now": "Send now to {n}",
    "bc_b_schedule": "Schedule",
    "bc_b_cancel_one": "Cancel #{id}",
    # A broadcast in other languages: {language} is a language's name ("Welsh").
    "bc_b_add_version": "Add a {language} version",
    "bc_b_change_version": "Change the {language} version",
    "bc_b_back": "Back",
    "bc_write_version": "Language: {language}. Write the message in it. People who chose "
                        "this language get it; everyone else gets the main text.",
    "bc_version_preview": "This is exactly what people who chose {language} will get:",
    "bc_versions": "Versions (each person gets the one in their language, else the main "
                   "text):",
    "bc_version_line": "• {language}: \"{snippet}\"",
    "bc_version_main": "(main text)",
    # Schedules in words (bot/wording.py describe_schedule; in English the same as
    # directory/schedule.py `describe`). Day names inside these phrases are bare
    # ("Monday"; Welsh "Llun") so each language's templates carry its own word for "day"
    # and its mutations ("Ail ddydd Llun"): joining words come from keys, not code.
    "sch_appointment": "By appointment",
    "sch_always_open": "Open any time",
    "sch_unknown": "Times not known",
    "sch_day_0": "Monday", "sch_day_1": "Tuesday", "sch_day_2": "Wednesday",
    "sch_day_3": "Thursday", "sch_day_4": "Friday", "sch_day_5": "Saturday",
    "sch_day_6": "Sunday",
    "sch_weekly": "{days}",  # days: sch_weekly_day joined by sch_weekly_sep/_and
    "sch_weekly_day": "{day}s",
    "sch_weekly_sep": ", ",
    "sch_weekly_and": " and ",
    "sch_fortnightly": "Every other {days}",  # days: sch_day_N joined by sch_and_day
    "sch_and_day": " and ",
    # One week of the month (its own phrase: Welsh puts "ail" before the day, "cyntaf"
    # after it), then several weeks (sch_week_N joined by sch_and_week_N).
    "sch_monthly_1": "1st {days} of the month", "sch_monthly_2": "2nd {days} of the month",
    "sch_monthly_3": "3rd {days} of the month", "sch_monthly_4": "4th {days} of the month",
    "sch_monthly_5": "5th {days} of the month",
    "sch_monthly_last": "last {days} of the month",
    "sch_monthly": "{weeks} {days} of the month",
    "sch_week_1": "1st", "sch_week_2": "2nd", "sch_week_3": "3rd", "sch_week_4": "4th",
    "sch_week_5": "5th", "sch_week_last": "last",
    "sch_and_week_1": " and 1st", "sch_and_week_2": " and 2nd", "sch_and_week_3": " and 3rd",
    "sch_and_week_4": " and 4th", "sch_and_week_5": " and 5th",
    "sch_and_week_last": " and last",
    "sch_at": "{days}, {start}",
    "sch_from_to": "{days}, {start}-{end}",
    # Dates and times (bot/wording.py): a day in a date (English shows
    # today's short forms, as strftime("%a %d %b") gives them).
    "date_day_0": "Mon", "date_day_1": "Tue", "date_day_2": "Wed", "date_day_3": "Thu",
    "date_day_4": "Fri", "date_day_5": "Sat", "date_day_6": "Sun",
    "month_1": "Jan", "month_2": "Feb", "month_3": "Mar", "month_4": "Apr", "month_5": "May",
    "month_6": "Jun", "month_7": "Jul", "month_8": "Aug", "month_9": "Sep",
    "month_10": "Oct", "month_11": "Nov", "month_12": "Dec",
    "when_today": "today {time}",
    "when_tomorrow": "tomorrow {time}",
    "when_date": "{day} {date:02d} {month} {time}",
    "when_date_year": "{day} {date:02d} {month} {year} {time}",
    "date_long": "{date:02d} {month} {year}",
    # Distances: "1.2", "12" (bot/wording.py format_km), then where_km.
    "decimal_point": ".",
    # Crisis contact lines, as bot/crisis/contacts.py CrisisContact.line builds them in
    # English ("• Name (Nation): how"); the numbers must be those of contacts.py
    # (tests/test_catalogue.py checks both languages against it).
    "cc_line": "• {name}{where}: {how}",
    "cc_where": " ({nations})",
    "cc_nations_sep": ", ",
    "nation_england": "England", "nation_wales": "Wales", "nation_scotland": "Scotland",
    "nation_northern_ireland": "Northern Ireland",
    "cc_name_emergency": "Emergency services",
    "cc_how_emergency": "call 999 (112 also works)",
    "cc_name_samaritans": "Samaritans",
    "cc_how_samaritans": "call 116 123 (free, 24/7)",
    "cc_name_samaritans_welsh": "Samaritans Welsh Language Line",
    "cc_how_samaritans_welsh": "call 0808 164 0123 (7pm to 11pm every day)",
    "cc_name_shout": "Shout",
    "cc_how_shout": "text SHOUT to 85258 (24/7)",
    "cc_name_nhs111": "NHS 111",
    "cc_how_nhs111": "call 111 and choose the mental health option (24/7)",
    "cc_name_breathing_space": "Breathing Space",
    "cc_how_breathing_space": "call 0800 83 85 87 (weekday evenings, and all weekend from "
                              "Friday 6pm)",
    "cc_name_lifeline": "Lifeline",
    "cc_how_lifeline": "call 0808 808 8000 (24/7)",
    "cc_name_call_wales": "C.A.L.L. listening line",
    "cc_how_call_wales": "call 0800 132 737 or text \"help\" to 81066",
    "cc_name_da_england": "National Domestic Abuse Helpline",
    "cc_how_da_england": "call 0808 2000 247 (24/7)",
    "cc_name_da_wales": "Live Fear Free",
    "cc_how_da_wales": "call 0808 80 10 800 (24/7)",
    "cc_name_da_scotland": "Domestic Abuse and Forced Marriage Helpline",
    "cc_how_da_scotland": "call 0800 027 1234 (24/7)",
    "cc_name_da_ni": "Domestic and Sexual Abuse Helpline",
    "cc_how_da_ni": "call 0808 802 1414 (24/7)",
    "cc_name_mens_advice": "Men's Advice Line (for men)",
    "cc_how_mens_advice": "call 0808 8010 327 (weekdays)",
    "cc_name_respect": "Respect Phoneline (if you're worried you might hurt someone)",
    "cc_how_respect": "call 0808 802 4040",
    "cc_name_childline": "Childline (for children and young people)",
    "cc_how_childline": "call 0800 1111 (24/7)",
    "cc_name_nspcc": "NSPCC (adults worried about a child)",
    "cc_how_nspcc": "call 0808 800 5000 (weekdays 8am to 10pm, weekends 9am to 6pm)",
    # Meeting reminders (bot/reminders/dialogue.py).
    "b_remind_me": "Remind me",
    "rm_ask": "When shall I remind you? {name}: the next meeting is {when}.",
    "rm_paused_now": "It's paused for now: I'll only remind you of meetings that happen.",
    "b_rm_hour": "1 hour before",
    "b_rm_morning": "The morning of it (08:00)",
    "b_rm_weekly": "Every week until I stop",
    "rm_how_hour": "an hour before the next meeting",
    "rm_how_morning": "on the morning of the next meeting (08:00)",
    "rm_how_weekly": "before every meeting, for up to 12 weeks",
    "rm_set": "Done: {name} - I'll remind you {how}. The first reminder comes {at}.\n"
              "/reminders shows your reminders and stops them.",
    "rm_no_dates": "{name}: I don't know any dates for it, so I can't remind you of it.",
    "rm_not_here": "Reminders come as a message on Telegram or Discord: set one there.",
    "rm_gone": "That meeting isn't in the directory any more.",
    "rm_msg": "Reminder: {name}, {when}.",
    "rm_crisis": "If today is hard: {line}",
    "rm_n_changed": "A change to {name}: it now meets {schedule}.",
    "rm_n_paused": "A change to {name}: it's paused for now. I won't send reminders while "
                   "it's paused, and I'll tell you when it changes again.",
    "rm_n_closed": "A change to {name}: it has closed, so your reminders of it have "
                   "stopped.",
    "b_rm_cant": "Can't make it",
    "b_rm_stop": "Stop reminders",
    "rm_stopped": "Stopped: {name} - no more reminders.",
    "rm_already_stopped": "That reminder has already ended or been stopped.",
    "rm_alts": "Other meetings like {name}, coming up:",
    "b_rm_alt": "Remind me of {n}",
    "rm_alts_none": "I couldn't find another meeting like it in the next week. Send /start "
                    "to search, or /crisis if you need someone to talk to now.",
    "rm_none": "You have no reminders. Open a meeting's details and choose Remind me to "
               "set one.",
    "rm_list": "Your reminders:",
    "rm_line": "{n}. {name} - {how}; next: {next}",
    "rm_line_none": "none planned",
    "b_rm_stop_one": "Stop {n}",
    "rm_list_closed": "Closed the list of reminders. /reminders shows it again.",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "cy": CY}

# A listing's name and description in each language but English are fields volunteers
# /edit (directory/fields.py translation_fields, keyed "name_cy"): their labels
# ("v_f_name_cy": "Welsh name") come from one template per catalogue, so a new language
# brings its fields with no new keys.
for _catalogue in CATALOGUES.values():
    for _code in CATALOGUES:
        if _code == "en":
            continue
        _language = _catalogue.get(f"lang_{_code}") or EN.get(f"lang_{_code}", _code)
        for _part in ("name", "description"):
            _template = _catalogue.get(f"v_f_{_part}_in") or EN[f"v_f_{_part}_in"]
            _catalogue.setdefault(f"v_f_{_part}_{_code}", _template.format(language=_language))


# The language of the turn being handled (bot/conversation.py sets it from the
# conversation's state for the length of a turn; adapters from a reply's `lang`). A
# context variable, so concurrent turns in other tasks or threads keep their own.
_LANGUAGE: ContextVar[str] = ContextVar("language", default="en")


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message `key` in `lang` (default: the current turn's language; English where
    a catalogue lacks the key), with values filled in."""
    template = CATALOGUES.get(lang or _LANGUAGE.get(), EN).get(key) or EN[key]
    return template.format(**values) if values else template


def current_language() -> str:
    return _LANGUAGE.get()


def speak(lang: str) -> None:
    """Switch the current turn's language (/language); a `speaking` block around the
    turn puts the old one back when it ends."""
    _LANGUAGE.set(lang if lang in CATALOGUES else "en")


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Within the block, t() speaks `lang` (a code in CATALOGUES; others mean English)."""
    token = _LANGUAGE.set(lang if lang in CATALOGUES else "en")
    try:
        yield
    finally:
        _LANGUAGE.reset(token)
