"""Triage help (智能分拨): a suggested category and department for a new problem's text, learnt from the
city's own triaged history, and the earlier problems most like it.

The text is cut into words with jieba (its dictionary ships with the package: nothing is downloaded), weighed
with TF-IDF (words and word pairs), and classified with complement naive Bayes, a classical text classifier
that trains in milliseconds. The model is trained in-process from the triaged problems and retrained when
the history changes; each problem's words are cut once per process.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from .models import Problem

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
_lock = threading.Lock()
_cache: dict[str, Any] = {}
_words: dict[int, list[str]] = {}  # problem id → its words (descriptions do not change once reported)
MIN_TRAINING = 20  # fewer triaged problems than this: no suggestion, a model would only guess


def tokens(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(_PUNCTUATION.sub(" ", text)) if w.strip() and len(w.strip()) > 1 or w.isdigit()]


def _word_pairs(words: list[str]) -> list[str]:
    """Words and neighbouring word pairs (the analyzer of the TF-IDF weighting)."""
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass
class Suggestion:
    category_id: int | None
    category_confidence: float | None
    department_id: int | None
    department_confidence: float | None
    similar: list[tuple[Problem, float]]


def _model() -> dict[str, Any] | None:
    from django.db.models import Count, Max

    triaged = Problem.objects.filter(category__isnull=False, department__isnull=False, duplicate_of__isnull=True)
    signature = triaged.aggregate(n=Count("pk"), last=Max("pk"), version=Max("version"))
    key = f"{signature['n']}:{signature['last']}"
    with _lock:
        if _cache.get("key") == key:
            return _cache["model"]
        rows = list(triaged.values_list("pk", "description", "category_id", "department_id"))
        for pk, description, _c, _d in rows:
            if pk not in _words:
                _words[pk] = tokens(description)
        model = _train(rows) if len(rows) >= MIN_TRAINING else None
        _cache.update(key=key, model=model)
        return model


def _train(rows: list[tuple[int, str, int, int]]) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import ComplementNB

    vectorizer = TfidfVectorizer(analyzer=_word_pairs, sublinear_tf=True)
    matrix = vectorizer.fit_transform([_words[r[0]] for r in rows])
    classifiers = {}
    for name, column in (("category", 2), ("department", 3)):
        labels = np.array([r[column] for r in rows])
        if len(set(labels)) > 1:
            classifiers[name] = ComplementNB(alpha=0.3).fit(matrix, labels)
        else:
            classifiers[name] = labels[0]
    return {"vectorizer": vectorizer, "matrix": matrix, "ids": np.array([r[0] for r in rows]),
            "classifiers": classifiers}


def suggest(problem: Problem, user: Any, similar: int = 5) -> Suggestion | None:
    """The suggestion for ``problem``; None when the city has too little triaged history to learn from."""
    model = _model()
    if model is None:
        return None
    vector = model["vectorizer"].transform([tokens(problem.description)])
    picks: dict[str, tuple[int | None, float | None]] = {}
    for name, classifier in model["classifiers"].items():
        if hasattr(classifier, "predict_proba"):
            probabilities = classifier.predict_proba(vector)[0]
            best = int(np.argmax(probabilities))
            picks[name] = (int(classifier.classes_[best]), round(float(probabilities[best]), 2))
        else:
            picks[name] = (int(classifier), None)
    scores = (model["matrix"] @ vector.T).toarray().ravel()
    order = np.argsort(-scores)
    wanted = [int(model["ids"][i]) for i in order[: similar * 3] if scores[i] >= 0.15
              and int(model["ids"][i]) != problem.pk]
    found = Problem.objects.restrict(user).select_related("category", "department").in_bulk(wanted)
    score_of = {int(model["ids"][i]): float(scores[i]) for i in order[: similar * 3]}
    listed = [(found[pk], round(score_of[pk], 2)) for pk in wanted if pk in found][:similar]
    return Suggestion(picks["category"][0], picks["category"][1], picks["department"][0], picks["department"][1],
                      listed)
