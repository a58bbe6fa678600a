"""Triage help (智能分拨): a suggested category and department for a new problem's text, learnt from the
city's own triaged history, and the earlier problems most like it.

The text is cut into words with jieba (its dictionary ships with the package: nothing is downloaded), weighed
with TF-IDF (words and word pairs), and classified with complement naive Bayes, a classical text classifier
that trains quickly. The worker (``dualtrack worker``, step ``problems-triage-model``) trains it from the triaged
problems whenever the history changes (a new triage, or an old problem triaged again) and keeps it in
``TRIAGE_MODEL_PATH``; a page only reads the stored model, never trains one. The demo trains it once loaded.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dualtrack.core.actors import Viewer
from dualtrack.core.lazy import lazy

from .models import Problem

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy("numpy")

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
_lock = threading.Lock()
_cache: dict[str, Any] = {}
_words: dict[str, list[str]] = {}  # a description → its words, cut once per process (keyed by the text itself:
#                                  an id can be reused, a text's words cannot change)
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


def _triaged() -> Any:
    return Problem.objects.filter(category__isnull=False, department__isnull=False, duplicate_of__isnull=True)


def signature() -> str:
    """What the model was trained on, in one aggregate: how many triaged problems, the newest, and the sum of
    their versions (every move, a re-triage included, raises a version)."""
    from django.db.models import Count, Max, Sum

    found = _triaged().aggregate(n=Count("pk"), last=Max("pk"), versions=Sum("version"))
    return f"{found['n']}:{found['last']}:{found['versions']}"


def _path() -> Any:
    from pathlib import Path

    from django.conf import settings

    return Path(settings.TRIAGE_MODEL_PATH)


def retrain(force: bool = False) -> bool:
    """Train the model when the triaged history changed since the stored one (or ``force``); store it. Returns
    whether it trained. The worker's step; the demo calls it once."""
    import pickle

    key = signature()
    stored = _load()
    if not force and stored is not None and stored.get("key") == key:
        return False
    rows = list(_triaged().values_list("pk", "description", "category_id", "department_id"))
    for _pk, description, _c, _d in rows:
        if description not in _words:
            _words[description] = tokens(description)
    model = _train(rows) if len(rows) >= MIN_TRAINING else None
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(pickle.dumps({"key": key, "model": model}))
    partial.replace(path)  # readers see the old model or the new one, never half of one
    return True


def _load() -> dict[str, Any] | None:
    """The stored model, read once per process and again when the file changes."""
    import pickle

    path = _path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    with _lock:
        if _cache.get("stamp") != (str(path), stamp):
            # The file is written only by this application (retrain above), in its own data folder.
            _cache.update(stamp=(str(path), stamp), stored=pickle.loads(path.read_bytes()))  # noqa: S301
        return _cache["stored"]


def _model() -> dict[str, Any] | None:
    stored = _load()
    return stored["model"] if stored else None


def _train(rows: list[tuple[int, str, int, int]]) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import ComplementNB

    vectorizer = TfidfVectorizer(analyzer=_word_pairs, sublinear_tf=True)
    matrix = vectorizer.fit_transform([_words[r[1]] for r in rows])
    classifiers = {}
    for name, column in (("category", 2), ("department", 3)):
        labels = np.array([r[column] for r in rows])
        if len(set(labels)) > 1:
            classifiers[name] = ComplementNB(alpha=0.3).fit(matrix, labels)
        else:
            classifiers[name] = labels[0]
    return {"vectorizer": vectorizer, "matrix": matrix, "ids": np.array([r[0] for r in rows]),
            "classifiers": classifiers}


def suggest(problem: Problem, user: Viewer, similar: int = 5) -> Suggestion | None:
    """The suggestion for ``problem`` from the stored model; None when there is none yet (too little triaged
    history, or the worker has not trained one)."""
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
