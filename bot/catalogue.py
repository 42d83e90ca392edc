"""Every word the bot says, keyed by message id, ready for translation.

English first; a Welsh catalogue ("cy") is wanted and plugs in as another dict with the
same keys (a missing key falls back to English). Keep messages short, warm and plain:
people reading them may be having the worst day of their lives.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # greeting and commands
    "greeting": (
        "Hi, I'm Recovery Connector. I help you find recovery groups and support near "
        "you, run by people who've been there.\n"
        "I keep as little as I can, for 24 hours at most. /privacy says more.\n"
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
    "help": (
        "I can find recovery groups, meetings and support near you.\n"
        "Tell me what you'd like help with and where you are, for example "
        "\"alcohol, Leeds\".\n"
        "/start - begin again\n/crisis - urgent help now\n/privacy - what I keep\n"
        "/forget - delete everything I hold about you\n/cancel - stop what we're doing"
    ),
    "privacy": (
        "What I keep: what you asked for (like \"alcohol\") and a rough area (about 1 km), "
        "so I can show results. Never your words, your name or your exact location.\n"
        "How long: {ttl_hours} hours after your last message, then it's deleted.\n"
        "Problem reports about a listing keep no trace of who sent them.\n"
        "Send /forget at any time to delete everything now."
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
    # results
    "results_intro": "Here's what I found near {place}:",
    "results_intro_online": "Here are online meetings and phone lines:",
    "results_intro_anywhere": "Here's what I found:",
    "results_nothing_near": "I couldn't find anything within {radius} km of {place}, "
                            "sorry. These meet online or by phone, so you can join "
                            "from anywhere:",
    "results_none": "I couldn't find anything for that, sorry. These national helplines "
                    "can help:",
    "results_no_more": "That's everything I have for that search.",
    "result_line": "{n}. {name}\n   {kind} · {where} · {when}",
    "result_closed": "   Temporarily closed: {note}",
    "result_example": "   (example listing, not a real group)",
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
    "b_carry_on": "Find support",
    "b_yes_delete": "Yes, delete",
    "b_no_keep": "No, keep it",
    "r_wrong_time": "Wrong day or time",
    "r_closed": "It has closed",
    "r_wrong_place": "Wrong address",
    "r_wrong_contact": "Wrong phone or link",
    "r_other": "Something else",
    # kinds
    "k_meeting": "Meeting",
    "k_group": "Group",
    "k_service": "Service",
    "k_helpline": "Helpline",
    "o_lero": "Lived experience recovery organisation",
    "o_fellowship": "Mutual aid fellowship",
    "o_service": "Support service",
    "o_helpline": "Helpline",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The message `key` in `lang` (English if missing), with values filled in."""
    template = CATALOGUES.get(lang, EN).get(key) or EN[key]
    return template.format(**values) if values else template
