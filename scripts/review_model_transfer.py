#!/usr/bin/env python3
"""Would a model trained on review sentences lift the review register (issue 17)?

The review register labels review text by the blend of the tweet-trained
English model and the rules (docs/SCORING.md). On product_reviews it gives
macro-F1 0.599 against a goal of 0.62. This script asks whether a model
trained on the VADER movie review sentences (10,605, classed by their
mean rating at +-0.5, as `eval sentiment` does) helps when blended in:

  review score = a * (p(pos) - p(neg) of the movie model) + (1 - a) * register score

labelled at +-0.05. The model (logistic regression over TF-IDF word 1-2
grams) and the weight a are chosen on movie_reviews alone, by 5-fold
cross-validation (folds by the SHA-256 of the text, as
TestReviewRegisterCV), the weight nested inside the folds. product_reviews
is then scored once with the chosen model and weight, trained on every
movie sentence. No model of this script ships.

Needs python3-numpy and python3-sklearn (Debian packages), and the Go
toolchain for the register's own scores. Usage, from the project root:

    /usr/bin/python3 scripts/review_model_transfer.py ../shared/data
"""
import hashlib
import json
import subprocess
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score


def load(data, name):
    rows = []
    with open(f"{data}/sentiment-en/{name}.tsv", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                rows.append(parts)
    texts = [r[2] for r in rows]
    ratings = np.array([float(r[1]) for r in rows])
    gold = np.where(ratings >= 0.5, 2, np.where(ratings <= -0.5, 0, 1))
    out = subprocess.run(
        ["go", "run", "./cmd/mentionwatch", "score", "--type", "review"],
        input="\n".join(t.replace("\n", " ") for t in texts) + "\n",
        capture_output=True, text=True, check=True).stdout
    register = np.array([json.loads(l)["sentiment"] for l in out.splitlines() if l])
    if len(register) != len(texts):
        sys.exit(f"{name}: {len(register)} scores for {len(texts)} texts")
    return texts, gold, register


def label(score):
    return np.where(score >= 0.05, 2, np.where(score <= -0.05, 0, 1))


def macro_f1(gold, score):
    return f1_score(gold, label(score), average="macro")


def fit(texts, gold, c):
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    model = LogisticRegression(C=c, max_iter=3000).fit(vec.fit_transform(texts), gold)
    return lambda t: (lambda p: p[:, 2] - p[:, 0])(model.predict_proba(vec.transform(t)))


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
    texts, gold, register = load(data, "movie_reviews")
    fold = np.array([int(hashlib.sha256(t.encode()).hexdigest(), 16) % 5 for t in texts])
    weights = np.round(np.arange(0, 1.01, 0.1), 1)
    print(f"movie_reviews: register alone macro-F1 {macro_f1(gold, register):.4f}")
    best = None
    for c in (1, 3):
        oof = np.zeros(len(texts))
        for k in range(5):
            tr, te = np.where(fold != k)[0], np.where(fold == k)[0]
            oof[te] = fit([texts[i] for i in tr], gold[tr], c)([texts[i] for i in te])
        nested, picks = np.zeros(len(texts)), []
        for k in range(5):
            tr, te = fold != k, fold == k
            a = max(weights, key=lambda w: macro_f1(gold[tr], w * oof[tr] + (1 - w) * register[tr]))
            picks.append(float(a))
            nested[te] = a * oof[te] + (1 - a) * register[te]
        pooled = {float(w): macro_f1(gold, w * oof + (1 - w) * register) for w in weights}
        a = max(pooled, key=pooled.get)
        cv = f1_score(gold, label(nested), average="macro")
        print(f"C={c}: model alone {macro_f1(gold, oof):.4f}, blend CV (weight nested) {cv:.4f}, "
              f"fold picks {picks}, best pooled weight {a} ({pooled[a]:.4f})")
        if best is None or cv > best[0]:
            best = (cv, c, a)
    _, c, a = best
    ptexts, pgold, pregister = load(data, "product_reviews")
    movie = fit(texts, gold, c)(ptexts)
    print(f"chosen C={c}, weight {a}; product_reviews macro-F1: register {macro_f1(pgold, pregister):.4f}, "
          f"with the movie model {macro_f1(pgold, a * movie + (1 - a) * pregister):.4f}")


if __name__ == "__main__":
    main()
