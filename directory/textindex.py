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
        grouped: dict[tuple[str, int], list[int]] = {}
        for k, w in enumerate(self.vocab):
            grouped.setdefault((w[0], len(w)), []).append(k)
        self.groups: dict[tuple[str, int], tuple[list[str], np.ndarray]] = {
            key: ([self.vocab[k] for k in ks], np.array(ks, dtype=np.int64))
            for key, ks in grouped.items()
        }
        self.exact = {w: k for k, w in enumerate(self.vocab)}
        # Postings in one flat array (CSR layout): listings of word k are
        # postings[ptr[k]:ptr[k + 1]].
        lengths = np.fromiter((len(v) for v in vocab.values()), dtype=np.int64,
                              count=len(vocab))
        self.ptr = np.concatenate(([0], np.cumsum(lengths)))
        self.postings = np.fromiter((i for v in vocab.values() for i in v), dtype=np.int64,
                                    count=int(self.ptr[-1]))

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
