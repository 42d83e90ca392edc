"""A small word model for danger that no rule names.

Rules name shapes of wording; people find new ones ("been looking at train times but not
to go anywhere", "gave the dog to my sister"). This model reads the words of the whole
message (single words and pairs, in the normalised form the rules read) and scores each
category of danger against "ordinary". Its weights were fitted by
`scripts/train_crisis_model.py` (scikit-learn logistic regression, run offline) on
messages written by five people who had not read our rules (tests/crisis_dev and
tests/crisis_train), never on the held-out set; the weights ship as `model.npz` (numpy,
already a dependency), so the bot needs no machine-learning library, and scoring is a
look-up per word and one small sum.

The model only adds: a message is a crisis when a rule matches or when the model is
confident (its "ordinary" probability below `threshold`, chosen by cross-validation
across writers in the training script). `model.npz` records the hash of the files it was
fitted on; tests/test_crisis.py fails when they change and the model was not refitted.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Words that stand for a kind of thing: the model sees the kind as well as the word,
# so "took a load of zopiclone" teaches it about every drug.
_KINDS: dict[str, str] = {
    **dict.fromkeys(
        "pills pils tablets tablet meds medication medicine paracetamol painkillers codeine "
        "cocodamol diazepam vallies valium benzos xanax pregabalin pregabs gabapentin "
        "gabbies methadone heroin gear smack insulin antidepressants sertraline citalopram "
        "fluoxetine mirtazapine amitriptyline fentanyl oxy tramadol morphine ketamine ket "
        "coke cocaine crack mdma pingers ecstasy spice zopiclone quetiapine lithium "
        "nitazenes opioids opiates tabledi dabledi nhabledi".split(), "<drug>"),
    **dict.fromkeys(
        "vodka wine whisky gin rum cider beer lager cans booze brandy fodca".split(), "<booze>"),
    **dict.fromkeys(
        "kids kid children child baby babies toddler son daughter newborn grandson "
        "granddaughter niece nephew weans bairns plant blant babi".split(), "<child>"),
    **dict.fromkeys(
        "husband wife partner boyfriend girlfriend bf gf ex fella stepdad dealer "
        "ngwr nghariad".split(), "<partner>"),
    **dict.fromkeys(
        "bridge cliff cliffs railway tracks roof ledge motorway rope bont pont".split(),
        "<place>"),
}


def features(norm: str) -> list[str]:
    """The model's features of a normalised message: words, kinds, and pairs of each."""
    words = norm.split()
    kinds = [_KINDS.get(w) or ("<num>" if w.isdigit() else w) for w in words]
    out = list(words)
    out += [k for k, w in zip(kinds, words, strict=True) if k != w]
    out += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    out += [f"{ka} {kb}" for ka, kb, wa, wb in zip(kinds, kinds[1:], words, words[1:],
                                                   strict=False) if ka != wa or kb != wb]
    return out


class _Model:
    """The fitted weights: a row per feature, a column per class."""

    def __init__(self, path: Path) -> None:
        # numpy (a tenth of a second to import) waits for the first message long enough
        # for the model: `recovery-bot chat` answers "hi" without it.
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            self.classes: list[str] = [str(c) for c in data["classes"]]
            self.weights = data["weights"]
            self.intercept = data["intercept"]
            self.threshold = float(data["threshold"])
            self.trained_on = str(data["trained_on"])
            features = data["features"].tolist()  # Python strs, twice as fast as str(f)
            self.rows = dict(zip(features, range(len(features)), strict=True))
        self.ordinary = o = self.classes.index("ordinary")
        # Speed: a bound that settles most ordinary messages without the full sum. U, the
        # sum over the message's features of the most any danger class outweighs
        # "ordinary", is at least every l_k - l_o; P(ordinary) = 1 / (1 + sum over the
        # others of e^(l_k - l_o)) >= threshold whenever U <= ln((1/threshold - 1) /
        # (classes - 1)). Exact: it never changes an answer.
        others = [k for k in range(len(self.classes)) if k != o]
        self.excess = (self.weights[:, others] - self.weights[:, [o]]).max(axis=1).tolist()
        self.excess_bias = float(max(self.intercept[k] - self.intercept[o] for k in others))
        self.settled = math.log((1 / self.threshold - 1) / len(others))

    def rows_of(self, norm: str) -> list[int]:
        rows = self.rows
        return [i for i in map(rows.get, set(features(norm))) if i is not None]

    def scores(self, idx: list[int]) -> np.ndarray:
        """Each class's probability for a message whose features are rows `idx`."""
        import numpy as np

        totals = self.intercept + self.weights[idx].sum(axis=0)
        e = np.exp(totals - totals.max())
        return e / e.sum()

    def surely_ordinary(self, idx: list[int]) -> bool:
        excess = self.excess
        return self.excess_bias + sum(excess[i] for i in idx) <= self.settled


MODEL_PATH = Path(__file__).with_name("model.npz")
MIN_WORDS = 3


@cache
def load() -> _Model | None:
    """The shipped model, read once; None if it is missing (the rules still work)."""
    return _Model(MODEL_PATH) if MODEL_PATH.exists() else None


def category(norm: str) -> str | None:
    """The category the model is confident of, or None."""
    # A word or two ("coke", "pills") is an answer to a question, not a disclosure: the
    # rules read those; the model needs a few words of context. (Checked before loading
    # the model, so a short first message does not wait for it.)
    if len(norm.split()) < MIN_WORDS:
        return None
    model = load()
    if model is None:
        return None
    idx = model.rows_of(norm)
    if model.surely_ordinary(idx):
        return None
    p = model.scores(idx)
    if p[model.ordinary] >= model.threshold:
        return None
    p[model.ordinary] = -1.0
    return model.classes[int(p.argmax())]
