#!/usr/bin/env python3
"""How far could a model learned from the evaluation set itself go?

A check of what blocks the English tweets goals of issue #5 (r >= 0.88,
macro-F1 >= 0.753): models that see the words and mentionwatch's score,
trained on four fifths of a set and scored on the fifth (5-fold
cross-validation, so every text is scored by a model that never saw it).
No such model ships: the shared data has no labelled English text apart
from the evaluation sets. If even these stay under a goal, no lexicon
change will reach it.

Needs python3-numpy and python3-sklearn (Debian packages), the built CLI
and ../shared/data. Usage, from the project root:

    go build -o /tmp/mw ./cmd/mentionwatch
    python3 scripts/sentiment_ceiling.py /tmp/mw [tweets product_reviews movie_reviews]

Prints, per set: the shipped score's r and macro-F1; a ridge regression
of the mean rating over tf-idf word uni- and bigrams plus the score, with
its r, its macro-F1 under the metric's +-0.05 thresholds (the predicted
rating mapped onto the score's scale: +-0.5 -> +-0.05, +-4 -> +-1), and
its best macro-F1 over every threshold pair (chosen on the same texts, so
optimistic); and a class-balanced logistic regression over the same
features, predicting the three classes directly.
"""
import subprocess
import sys
import json

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold

DATA = "../shared/data/sentiment-en/"


def classes(v, t):
    return np.where(v >= t, 2, np.where(v <= -t, 0, 1))


def macro_f1(gold, pred):
    return f1_score(gold, pred, average="macro")


def to_score(p):
    """A predicted rating on the score's scale, piecewise linear."""
    a = np.minimum(np.abs(p), 4)
    return np.sign(p) * np.where(a < 0.5, a * 0.1, 0.05 + (a - 0.5) * 0.95 / 3.5)


def main():
    mw = sys.argv[1]
    sets = sys.argv[2:] or ["tweets", "product_reviews", "movie_reviews"]
    for name in sets:
        rows = [l.rstrip("\n").split("\t") for l in open(DATA + name + ".tsv", encoding="utf-8")]
        rows = [r for r in rows if len(r) > 2]
        texts = [r[2] for r in rows]
        y = np.array([float(r[1]) for r in rows])
        out = subprocess.run([mw, "score"], input="\n".join(texts) + "\n", capture_output=True,
                             text=True, check=True).stdout.splitlines()
        s = np.array([json.loads(l)["sentiment"] for l in out])
        gold = classes(y, 0.5)
        print("%-16s n=%d shipped: r=%.3f macro_f1=%.3f" % (name, len(y), np.corrcoef(y, s)[0, 1],
                                                             macro_f1(gold, classes(s, 0.05))))
        dense = np.c_[s, s ** 3] * 2
        reg = np.zeros_like(y)
        folds = list(KFold(5, shuffle=True, random_state=1).split(texts))

        def features(tr, te):
            vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
            a = vec.fit_transform([texts[i] for i in tr])
            b = vec.transform([texts[i] for i in te])
            return (sp.hstack([a, sp.csr_matrix(dense[tr])]).tocsr(),
                    sp.hstack([b, sp.csr_matrix(dense[te])]).tocsr())

        for tr, te in folds:
            a, b = features(tr, te)
            reg[te] = Ridge(alpha=1.0).fit(a, y[tr]).predict(b)
        grid = np.arange(0, 1.5, 0.05)
        best = max((macro_f1(gold, np.where(reg >= hi, 2, np.where(reg <= -lo, 0, 1))), lo, hi)
                   for lo in grid for hi in grid)
        print("%-16s ridge, words + score, 5-fold: r=%.3f macro_f1=%.3f best-thresholds macro_f1=%.3f"
              % ("", np.corrcoef(y, reg)[0, 1], macro_f1(gold, classes(to_score(reg), 0.05)), best[0]))
        for c in (0.5, 2, 8):
            pred = np.zeros(len(y), int)
            for tr, te in folds:
                a, b = features(tr, te)
                m = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
                pred[te] = m.fit(a, gold[tr]).predict(b)
            print("%-16s logistic C=%g, words + score, 5-fold: macro_f1=%.3f" % ("", c, macro_f1(gold, pred)))


if __name__ == "__main__":
    main()
