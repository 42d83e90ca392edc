"""Crisis contacts, chosen by what was seen and where the person is.

The category of danger chooses the lines (domestic abuse, a child at risk, harm to
others, an overdose...) and the nation chooses the numbers: someone in Cardiff gets Live
Fear Free, someone in Glasgow Scotland's helpline. When the nation is not known, every
nation's line is shown, labelled, so not knowing where someone is never hides a
helpline. 999 and Samaritans are in every answer.

Every number is recorded with where it was checked and when (`source`, `verified`).
This machine has no network: on 2026-11-26 each number was checked against stored
copies of public pages (the search tool's "pages" corpus), listed in `source`. Lines
that are not open around the clock say their hours, and a 24/7 line is always beside
them. `check` says what a release must still confirm at the live source.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogue import t

NATIONS: tuple[str, ...] = ("England", "Wales", "Scotland", "Northern Ireland")


@dataclass(frozen=True, slots=True)
class CrisisContact:
    """A helpline. `categories` empty: for any danger; `nations` empty: all of the UK.
    What people read of it (its name, how to reach it, in every language) is in the
    catalogues, keys `cc_name_<key>` and `cc_how_<key>` (bot/catalogue.py): the number
    here is the one checked, and tests/test_catalogue.py keeps each language's wording
    holding it."""

    key: str
    number: str  # what to dial or text, alone: "116 123", "text SHOUT to 85258"
    source: str  # where the number was checked
    verified: str  # ISO date of that check
    categories: tuple[str, ...] = ()
    nations: tuple[str, ...] = ()
    welsh: bool = False  # a Welsh-language line: shown to people writing in Welsh
    check: str = ""  # what is still to be confirmed at the live source before a release

    def line(self, label_nation: bool) -> str:
        """"• Name: how" in the current turn's language, with the nation named when
        lines for several are shown."""
        where = ""
        if label_nation and self.nations:
            names = (t("nation_" + n.lower().replace(" ", "_")) for n in self.nations)
            where = t("cc_where", nations=t("cc_nations_sep").join(names))
        return t("cc_line", name=t(f"cc_name_{self.key}"), where=where,
                 how=t(f"cc_how_{self.key}"))


_CHECKED = "2026-11-26"
_SELF = ("suicide", "self_harm")
_BODY = ("overdose", "medical")

CRISIS_CONTACTS: tuple[CrisisContact, ...] = (
    CrisisContact(
        "emergency", "999",
        "https://www.devon-cornwall.police.uk/youth/8-10/phoning-999/", _CHECKED),
    CrisisContact(
        "samaritans", "116 123",
        "https://www.samaritans.org/how-we-can-help/contact-samaritan/", _CHECKED),
    CrisisContact(
        "samaritans_welsh", "0808 164 0123",
        "https://campaign.nationradio.wales/ (Samaritans Cymru, 2021)", _CHECKED,
        welsh=True, check="hours: a later report says the line grew from 28 to 49 hours a week"),
    CrisisContact(
        "shout", "text SHOUT to 85258",
        "https://www.giveusashout.org/faqs/", _CHECKED, categories=(*_SELF, "abuse")),
    CrisisContact(
        "nhs111", "111",
        "https://www.lpft.nhs.uk/contact-us/need-help-now (England); Welsh Government, "
        "2025 (Wales: 111 press 2); https://en.wikipedia.org/wiki/NHS_24 (Scotland)",
        _CHECKED, categories=(*_SELF, *_BODY, "harm_to_others")),
    CrisisContact(
        "breathing_space", "0800 83 85 87",
        "https://www.breathingspace.scot/news/2022/", _CHECKED,
        categories=_SELF, nations=("Scotland",)),
    CrisisContact(
        "lifeline", "0808 808 8000",
        "https://www.lifelinehelpline.info/page/about.html", _CHECKED,
        categories=_SELF, nations=("Northern Ireland",)),
    CrisisContact(
        "call_wales", "0800 132 737",
        "https://www.deeside.com/ (24/7, text service); https://caerphilly.observer/?p=996223 "
        "(text 81066)", _CHECKED, categories=_SELF, nations=("Wales",), welsh=True,
        check="the number: the one stored article prints 0800 137 737, a probable misprint; "
        "confirm 0800 132 737 at callhelpline.org.uk"),
    CrisisContact(
        "da_england", "0808 2000 247",
        "https://www.gov.uk/government/news/refuge-awarded-grant-to-operate-domestic-abuse-"
        "helpline", _CHECKED, categories=("abuse",), nations=("England",)),
    CrisisContact(
        "da_wales", "0808 80 10 800",
        "https://www.gov.wales/live-fear-free/sexual-violence", _CHECKED,
        categories=("abuse",), nations=("Wales",)),
    CrisisContact(
        "da_scotland", "0800 027 1234",
        "https://safer.scot/information/da/report/", _CHECKED,
        categories=("abuse",), nations=("Scotland",)),
    CrisisContact(
        "da_ni", "0808 802 1414",
        "https://dsahelpline.org/2023/12/22/", _CHECKED,
        categories=("abuse",), nations=("Northern Ireland",)),
    CrisisContact(
        "mens_advice", "0808 8010 327",
        "https://base25.org/domestic-abuse/; https://www.centre56.org.uk/domestic-abuse",
        _CHECKED, categories=("abuse",), check="opening hours differ between sources"),
    CrisisContact(
        "respect", "0808 802 4040",
        "https://pdvg.org/about-domestic-abuse/are-you-worried-that-you-are-abusive/",
        _CHECKED, categories=("harm_to_others",), check="opening hours not found"),
    CrisisContact(
        "childline", "0800 1111",
        "https://www.hartlepoolmail.co.uk/ (Childline column, 2021)", _CHECKED,
        categories=("child_at_risk",)),
    CrisisContact(
        "nspcc", "0808 800 5000",
        "https://safeguardingtool.nspcc.org.uk/what-you-can-do/report-abuse/", _CHECKED,
        categories=("child_at_risk",)),
)

# Lines for any danger, after the ones the category chose.
_GENERAL = ("shout", "nhs111", "breathing_space", "lifeline", "call_wales")
_BY_KEY = {c.key: c for c in CRISIS_CONTACTS}


def crisis_contacts(categories: tuple[str, ...] = (), nation: str | None = None,
                    welsh: bool = False) -> tuple[CrisisContact, ...]:
    """The contacts to show, most urgent first: 999 and Samaritans, then the lines for
    the categories seen (in their order), then the general lines that fit them. With no
    categories (the /crisis command), the general lines. `nation` None: every nation's
    lines (label them); `welsh`: the Welsh-language lines too."""
    wanted = nation.strip().casefold() if nation else None

    def fits(c: CrisisContact) -> bool:
        if c.welsh and welsh:
            return True  # a Welsh speaker's line wherever they are (C.A.L.L. too)
        if c.welsh and c.nations == ():
            return False
        return wanted is None or not c.nations or \
            any(n.casefold() == wanted for n in c.nations)

    keys: list[str] = ["emergency", "samaritans"]
    for category in categories:  # the lines for this kind of danger, then general ones
        keys += [c.key for c in CRISIS_CONTACTS
                 if category in c.categories and c.key not in _GENERAL]
    if welsh:  # someone writing in Welsh: the lines that answer in Welsh come next
        keys += ["samaritans_welsh", "call_wales"]
    general = [k for k in _GENERAL if not categories or
               set(_BY_KEY[k].categories) & set(categories) or not _BY_KEY[k].categories]
    keys += general
    seen: dict[str, CrisisContact] = {}
    for key in keys:
        c = _BY_KEY[key]
        if key not in seen and fits(c):
            seen[key] = c
    return tuple(seen.values())
