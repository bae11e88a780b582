#!/usr/bin/env python3
"""Would another linear learner lift the Indonesian model (issue 17)?

The shipped Indonesian model (AdaGrad logistic regression over hashed
words, bigrams, stems and negation) scores 0.862 cross-validated macro-F1
on smsa_train, against a goal of 0.88. This script scores standard text
classifiers on the same five folds (a text's fold is the FNV-1a hash of
its bytes from the trainer's seeded basis, as scoring/training/id_cv.go
does, so repeated texts stay in one fold): linear SVMs over TF-IDF word
1-2-grams, character 2-5-grams and both, and NB-weighted logistic
regression (Wang and Manning's NBSVM, one class against the rest). No
model of this script ships; smsa_valid is not read.

Needs python3-numpy, python3-scipy and python3-sklearn (Debian packages:
`apt-get install python3-sklearn`, then run it with /usr/bin/python3).
Usage, from the project root:

    /usr/bin/python3 scripts/sentiment_id_learners.py ../shared/data/sentiment-id/smsa_train.tsv
"""
import sys

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

CLASSES = {"negative": 0, "neutral": 1, "positive": 2}


def fold(text):
    h = (0x7F4A7C15 ^ 2166136261) & 0xFFFFFFFF
    for b in text.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h % 5


def main(path):
    texts, y = [], []
    for line in open(path, encoding="utf-8"):
        text, label = line.rstrip("\n").rsplit("\t", 1)
        texts.append(text.strip())
        y.append(CLASSES[label])
    y = np.array(y)
    folds = np.array([fold(t) for t in texts])

    def cv(name, X, fit_predict):
        f = []
        for k in range(5):
            tr, te = folds != k, folds == k
            f.append(f1_score(y[te], fit_predict(X[tr], y[tr], X[te]), average="macro"))
        print("%-44s %.4f  folds %s" % (name, np.mean(f), " ".join("%.3f" % v for v in f)), flush=True)

    def svc(C):
        return lambda Xtr, ytr, Xte: LinearSVC(C=C, class_weight="balanced").fit(Xtr, ytr).predict(Xte)

    def nblr(C, alpha=1.0):
        def run(Xtr, ytr, Xte):
            scores = []
            for c in range(3):
                pos = ytr == c
                p = alpha + Xtr[pos].sum(0)
                q = alpha + Xtr[~pos].sum(0)
                r = sp.diags(np.asarray(np.log((p / p.sum()) / (q / q.sum()))).ravel())
                m = LogisticRegression(C=C, solver="liblinear", class_weight="balanced")
                m.fit(normalize(Xtr @ r), pos.astype(int))
                scores.append(m.decision_function(normalize(Xte @ r)))
            return np.argmax(np.vstack(scores), 0)
        return run

    # The vocabularies are fitted on all of smsa_train's texts (no labels).
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2).fit_transform(texts)
    both = normalize(sp.hstack([words, chars]).tocsr())
    binary = TfidfVectorizer(ngram_range=(1, 2), use_idf=False, norm=None, binary=True).fit_transform(texts)
    for C in (0.3, 1.0):
        cv("LinearSVC, TF-IDF words 1-2, C=%g" % C, words, svc(C))
        cv("LinearSVC, TF-IDF chars 2-5, C=%g" % C, chars, svc(C))
        cv("LinearSVC, TF-IDF words + chars, C=%g" % C, both, svc(C))
    for C in (3.0, 10.0):
        cv("NB-weighted LR (NBSVM), words 1-2, C=%g" % C, binary.tocsr(), nblr(C))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/sentiment-id/smsa_train.tsv")
