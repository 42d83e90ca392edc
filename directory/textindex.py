"""Fuzzy word matching of names, fast at any directory size.

Every name is split into words; the index keeps the distinct words (a vocabulary far
smaller than the directory) and, for each, the listings that use it. A query word is
compared with rapidfuzz against the vocabulary only, so a typo ("anonymus") costs the same
at 100 listings or 100,000. A listing's text score is the mean, over the query's words, of
its best-matching word's similarity.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
from rapidfuzz import fuzz, process

WORD = re.compile(r"[^\W_]+")
WORD_CUTOFF = 75  # rapidfuzz ratio (0-100) below which two words do not match at all
MAX_QUERY_WORDS = 8


def words(text: str) -> list[str]:
    """Lower-case words without accents ("Café" and "cafe" are the same word)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return WORD.findall(folded)


Groups = dict[tuple[str, int], tuple[list[str], np.ndarray]]


class TextIndex:
    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        vocab: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            for w in set(words(text)):
                vocab.setdefault(w, []).append(i)
        self.vocab = list(vocab)
        # Words grouped by first letter and length. Two words whose lengths differ a lot
        # cannot reach the cutoff (ratio = 2 * matches / total length), so they are never
        # compared; and, like Elasticsearch's fuzzy query with prefix_length 1, a typo is
        # looked for only among words with the same first letter, which people rarely get
        # wrong ("Gamblers Anonymus", "Smrat").
        self.groups: Groups = {}
        _group(self.groups, self.vocab, 0)
        self.exact = {w: k for k, w in enumerate(self.vocab)}
        # Postings in one flat array (CSR layout): listings of word k are
        # postings[ptr[k]:ptr[k + 1]].
        lengths = np.fromiter((len(v) for v in vocab.values()), dtype=np.int64,
                              count=len(vocab))
        self.ptr = np.concatenate(([0], np.cumsum(lengths)))
        self.postings = np.fromiter((i for v in vocab.values() for i in v), dtype=np.int64,
                                    count=int(self.ptr[-1]))

    def updated(self, remap: np.ndarray, positions: np.ndarray, texts: list[str],
                size: int) -> TextIndex:
        """A new index, this one left as it is: entry i here is entry remap[i] there (-1:
        removed), and texts[j] is entry positions[j]. Only the new texts are split into
        words; the rest is a few passes over the postings array. A word no entry uses any
        more keeps an empty postings list (it matches nothing) until the next full build."""
        out = TextIndex.__new__(TextIndex)
        out.size = size
        out.vocab, out.exact, out.groups = self.vocab, self.exact, self.groups
        pairs: list[tuple[int, int]] = []  # (word number, entry) of the new texts
        added: list[str] = []
        for pos, text in zip(positions.tolist(), texts, strict=True):
            for w in set(words(text)):
                k = out.exact.get(w)
                if k is None:
                    if not added:  # copy on write: searches may be using this index
                        out.vocab, out.exact = list(self.vocab), dict(self.exact)
                    k = len(out.vocab)
                    out.vocab.append(w)
                    out.exact[w] = k
                    added.append(w)
                pairs.append((k, pos))
        if added:
            out.groups = dict(self.groups)
            _group(out.groups, added, len(self.vocab))
        # Removed postings are few (the changed entries' words): their words are found by
        # binary search on ptr rather than by expanding a word number for every posting.
        moved = remap[self.postings]
        live = moved >= 0
        dead_words = np.searchsorted(self.ptr, np.flatnonzero(~live), side="right") - 1
        counts = np.zeros(len(out.vocab), dtype=np.int64)
        counts[:len(self.vocab)] = np.diff(self.ptr) - np.bincount(
            dead_words, minlength=len(self.vocab))
        postings = moved[live]
        if pairs:
            # Each new (word, entry) goes at the end of its word's postings (their order
            # within a word does not matter to scores). Sorted by word: the new words'
            # postings all go at the very end, and must be in word order there.
            new = np.array(sorted(pairs), dtype=np.int64)
            ends = np.cumsum(counts)
            postings = np.insert(postings, ends[new[:, 0]], new[:, 1])
            counts += np.bincount(new[:, 0], minlength=len(out.vocab))
        out.ptr = np.concatenate(([0], np.cumsum(counts)))
        out.postings = postings
        return out

    def scores(self, query: str) -> np.ndarray:
        """A score in [0, 1] for every listing (zeros where no word matches)."""
        qwords = words(query)[:MAX_QUERY_WORDS]
        total = np.zeros(self.size, dtype=np.float32)
        if not qwords or not self.vocab:
            return total
        for qw in qwords:
            best = np.zeros(self.size, dtype=np.float32)
            for k, sim in self._similar(qw):
                listing = self.postings[self.ptr[k]:self.ptr[k + 1]]
                # A word's postings hold each listing once, so plain fancy indexing is
                # safe here and much faster than np.maximum.at.
                best[listing] = np.maximum(best[listing], sim / 100.0)
            total += best
        return total / len(qwords)

    def _similar(self, word: str) -> list[tuple[int, float]]:
        """Vocabulary words like `word`: (word number, similarity 0-100)."""
        if word.isdigit() or len(word) <= 2:
            # Numbers and very short words ("aa", "na") only ever match exactly.
            k = self.exact.get(word)
            return [] if k is None else [(k, 100.0)]
        r = WORD_CUTOFF / 100
        lo, hi = math.ceil(len(word) * r / (2 - r)), math.floor(len(word) * (2 - r) / r)
        out: list[tuple[int, float]] = []
        for n in range(lo, hi + 1):
            group = self.groups.get((word[0], n))
            if group is None:
                continue
            vocab, keys = group
            sims = process.cdist([word], vocab, scorer=fuzz.ratio, dtype=np.uint8,
                                 score_cutoff=WORD_CUTOFF)[0]
            for j in np.flatnonzero(sims):
                out.append((int(keys[j]), float(sims[j])))
        return out


def _group(groups: Groups, added: list[str], first: int) -> None:
    """Add words numbered from `first` to their (first letter, length) groups, replacing
    each group touched (never changing one in place: it may be shared)."""
    grouped: dict[tuple[str, int], list[int]] = {}
    for k, w in enumerate(added, first):
        grouped.setdefault((w[0], len(w)), []).append(k)
    for key, ks in grouped.items():
        vocab, keys = groups.get(key, ([], np.empty(0, dtype=np.int64)))
        groups[key] = (vocab + [added[k - first] for k in ks],
                       np.concatenate((keys, np.array(ks, dtype=np.int64))))
