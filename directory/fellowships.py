"""Mutual-aid fellowships and the needs they are for.

A meeting feed seldom says what a meeting is *for*: an AA intergroup's Meeting Guide feed
lists AA meetings, a GA feed GA ones, and the fellowship shows only in a name ("Leeds GA"),
a group ("Gamblers Anonymous Manchester"), the feed's `entity`, or what the deployer knows
about the source. This table turns those names into our need codes (directory/needs.py), so
that a search for gambling finds Gamblers Anonymous first.

The names and abbreviations are the fellowships' own (facts, no source needed); the list
covers the programs the 12 Step Meeting List plugin supports (code4recovery, includes/
variables.php, `$tsml_programs`) that have a need of ours, plus UK groups it does not list
(SMART Recovery, Families Anonymous, Gam-Anon, Nar-Anon...). Fellowships for which we have
no need code (Debtors, Underearners, Co-Dependents...) are left out on purpose: their
meetings stay general rather than being given a wrong need.

Family fellowships get "family" only, not the substance too: a search for "alcohol" must
rank AA above Al-Anon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from directory.needs import NEED_CODES, normalise, understand


@dataclass(frozen=True, slots=True)
class Fellowship:
    key: str
    name: str
    needs: tuple[str, ...]
    # Upper-case abbreviations, matched as whole words and only in capitals ("GA", not
    # "ga"), dotted or not ("A.A."): lower-case two-letter words are too often other words.
    abbreviations: tuple[str, ...] = ()
    # Other names, matched case-insensitively as whole words.
    aliases: tuple[str, ...] = ()


FELLOWSHIPS: tuple[Fellowship, ...] = (
    Fellowship("aa", "Alcoholics Anonymous", ("alcohol",), ("AA",)),
    Fellowship("na", "Narcotics Anonymous", ("drugs",), ("NA", "UKNA")),
    Fellowship("ca", "Cocaine Anonymous", ("cocaine", "crack"), ("CA",)),
    Fellowship("cma", "Crystal Meth Anonymous", ("drugs",), ("CMA",)),
    Fellowship("ma", "Marijuana Anonymous", ("cannabis",), ("MA",)),
    Fellowship("ha", "Heroin Anonymous", ("opioids",), ("HA",)),
    Fellowship("daa", "Drug Addicts Anonymous", ("drugs",), ("DAA",)),
    Fellowship("pa", "Pills Anonymous", ("drugs",)),
    Fellowship("ga", "Gamblers Anonymous", ("gambling",), ("GA",)),
    Fellowship("nica", "Nicotine Anonymous", ("smoking",)),
    Fellowship("oa", "Overeaters Anonymous", ("eating",), ("OA",)),
    Fellowship("eda", "Eating Disorders Anonymous", ("eating",), ("EDA",)),
    Fellowship("cea-how", "Compulsive Eaters Anonymous-HOW", ("eating",), ("CEA-HOW",),
               ("Compulsive Eaters Anonymous",)),
    Fellowship("faa", "Food Addicts Anonymous", ("eating",), ("FAA",),
               ("Food Addicts in Recovery Anonymous",)),
    Fellowship("saa", "Sex Addicts Anonymous", ("sex_love",), ("SAA",)),
    Fellowship("sa", "Sexaholics Anonymous", ("sex_love",), ("SA",)),
    Fellowship("sca", "Sexual Compulsives Anonymous", ("sex_love",), ("SCA",)),
    Fellowship("slaa", "Sex and Love Addicts Anonymous", ("sex_love",), ("SLAA",)),
    # For families and friends.
    Fellowship("al-anon", "Al-Anon", ("family",), (), ("Al-Anon Family Groups", "Alanon")),
    Fellowship("alateen", "Alateen", ("family",)),
    Fellowship("nar-anon", "Nar-Anon", ("family",), (), ("Naranon",)),
    Fellowship("gam-anon", "Gam-Anon", ("family",), (), ("Gamanon",)),
    Fellowship("fa", "Families Anonymous", ("family",)),
    Fellowship("aca", "Adult Children of Alcoholics", ("family",), ("ACA",),
               ("Adult Children of Alcoholics and Dysfunctional Families",)),
    Fellowship("pal", "Parents of Addicted Loved Ones", ("family",), ("PAL",)),
    # For several addictions.
    Fellowship("smart", "SMART Recovery", ("alcohol", "drugs", "gambling"), ("SMART",)),
    Fellowship("recovery-dharma", "Recovery Dharma", ("alcohol", "drugs", "gambling")),
    Fellowship("refuge-recovery", "Refuge Recovery", ("alcohol", "drugs", "gambling")),
)

assert all(set(f.needs) <= NEED_CODES for f in FELLOWSHIPS)

BY_KEY: dict[str, Fellowship] = {f.key: f for f in FELLOWSHIPS}

# Meeting Guide types (code4recovery/spec data/types.json) that say families are catered
# for too: "Concurrent with Al-Anon" and "Concurrent with Alateen".
FAMILY_TYPES = frozenset({"AL-AN", "AL"})


def _name_pattern(name: str) -> str:
    # "Al-Anon" also as "Al Anon"; "Sex and Love" also as "Sex & Love".
    words = re.split(r"[\s\-]+", normalise(name))
    parts = [re.escape(w) if w != "and" else r"(?:and|&)" for w in words]
    return r"[\s\-]*".join(parts)


def _abbreviation_pattern(abbr: str) -> str:
    # "AA" also as "A.A." (and "A.A"); "CEA-HOW" as it is.
    if abbr.isalpha():
        return r"\.?".join(re.escape(c) for c in abbr) + r"\.?"
    return re.escape(abbr)


# Longest first, so that "Sex and Love Addicts Anonymous" wins over "Sex Addicts", and
# "Al-Anon Family Groups" is one hit.
_NAMES = sorted(((_name_pattern(n), f) for f in FELLOWSHIPS for n in (f.name, *f.aliases)),
                key=lambda p: len(p[0]), reverse=True)
_NAME_RX = re.compile(r"(?<![\w])(?:" + "|".join(f"(?P<n{i}>{p})" for i, (p, _) in
                                                 enumerate(_NAMES)) + r")(?![\w])")
_ABBRS = sorted(((_abbreviation_pattern(a), f) for f in FELLOWSHIPS for a in f.abbreviations),
                key=lambda p: len(p[0]), reverse=True)
_ABBR_RX = re.compile(r"(?<![\w.\-])(?:" + "|".join(f"(?P<a{i}>{p})" for i, (p, _) in
                                                    enumerate(_ABBRS)) + r")(?![\w\-])")


def _hits(rx: re.Pattern[str], table: list[tuple[str, Fellowship]], value: str,
          prefix: str) -> list[Fellowship]:
    out: list[Fellowship] = []
    for m in rx.finditer(value):
        index = int((m.lastgroup or f"{prefix}0")[1:])
        fellowship = table[index][1]
        if fellowship not in out:
            out.append(fellowship)
    return out


def find(value: str | None) -> list[Fellowship]:
    """The fellowships a name or phrase names, in the order it names them: "Leeds GA",
    "Gamblers Anonymous UK", "West Yorkshire Intergroup of A.A.". Full names first;
    abbreviations only when no full name is there."""
    if not value:
        return []
    # A full name is surer than an abbreviation: "Alcoholics Anonymous, CA" is AA (in
    # California), not AA and Cocaine Anonymous.
    return (_hits(_NAME_RX, _NAMES, normalise(value), "n")
            or _hits(_ABBR_RX, _ABBRS, value, "a"))


def lookup(value: str) -> Fellowship | None:
    """A deployer's setting ("GA", "ga", "Gamblers Anonymous", "gam-anon") -> the
    fellowship, or None when it names none (or more than one)."""
    key = value.strip().lower()
    if key in BY_KEY:
        return BY_KEY[key]
    found = find(value) or find(value.upper())
    return found[0] if len(found) == 1 else None


def needs_from_names(names: Iterable[str | None],
                     default: Fellowship | None = None) -> list[str]:
    """The needs of the first name (most specific first: meeting name, group, entity) that
    names a fellowship; else of `default` (the source's fellowship); else those the
    first name (the meeting's) says in everyday words ("Leeds Gambling Support"), less
    the generic "recovery community"."""
    names = list(names)
    for value in names:
        found = find(value)
        if found:
            return _union(f.needs for f in found)
    if default is not None:
        return list(default.needs)
    if names and names[0]:
        words, _ = understand(names[0])
        return sorted(words - {"recovery_community"})
    return []


def _union(groups: Iterable[Iterable[str]]) -> list[str]:
    out: list[str] = []
    for group in groups:
        out += [code for code in group if code not in out]
    return out
