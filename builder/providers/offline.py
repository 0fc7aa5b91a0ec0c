"""The offline model: a deterministic, extractive chat provider that needs no LLM and no key.

It answers from the prompt it is given, by quoting it, so a pipeline run offline gives an output
that fits its task (plain Python, no Django). Sentences are compared with the bundled static
embeddings (``minilm-static-256``, :mod:`builder.providers.local_static`): cosine similarity, plus
a small bonus for shared content words so that names and numbers count.

What it does, by the shape of the conversation (checked in this order):

- a classifier prompt (a system message with ``Categories:`` as ``- name: description`` lines, as
  ``router.classify`` sends): the category whose name and description are most similar to the user's
  text, or the default the prompt names ("If none fits, answer X.") when nothing is similar;
- a context and a question (``Context:`` / ``Excerpts:`` / ``Documents:`` ... ``Question:``): the
  :data:`ANSWER_SENTENCES` sentences of the context most relevant to the question, quoted, best first;
- a request to summarize / condense / combine / TL;DR a text: the most central sentences of the text
  (closest to the centroid of all its sentences), kept in text order, at most :data:`SUMMARY_WORDS`
  words;
- anything else (chat): the earlier sentences of the conversation most relevant to the last user
  message, or an honest "I'm the offline model..." reply when none is relevant.

Replies stream word by word through ``on_token``; usage is counted with :mod:`builder.tokens`; the
reported model is always :data:`MODEL_NAME` (priced at 0). ``max_tokens`` and ``stop`` apply.
"""
from __future__ import annotations

import asyncio
import json
import math
import re
from collections import Counter
from typing import Any

from builder import tokens
from builder.providers.base import ChatParams, ChatResult, OnToken, Usage, clip

MODEL_NAME = "offline-extractive"
ANSWER_SENTENCES = 3
SUMMARY_WORDS = 120
SUMMARY_MAX_SENTENCES = 5
FRAGMENT_PENALTY = 0.05
RELEVANT = 0.45  # a chat sentence this similar to the message is worth quoting back
WORD_BONUS = 0.15  # per shared content word (names, numbers and rare terms count beyond the vectors)
OFFLINE_NOTE = ("I'm the offline model: no LLM runs here, so I can only quote what I'm given. "
                "Connect a provider for real answers.")

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from",
    "into", "onto", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that",
    "these", "those", "there", "their", "them", "they", "he", "she", "his", "her", "we", "our", "you",
    "your", "i", "me", "my", "do", "does", "did", "done", "has", "have", "had", "not", "no", "so", "than",
    "then", "too", "very", "can", "could", "would", "should", "will", "shall", "may", "might", "must",
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "about", "over", "under",
    "also", "just", "only", "such", "some", "any", "all", "each", "most", "more", "other", "own", "same",
    "up", "out", "off", "again", "once", "here", "both", "few", "nor", "per", "via"})
_CONTEXT = re.compile(r"^\s*(?:context|excerpts?|documents?|sources?|passages?)\s*:\s*$", re.I | re.M)
_QUESTION = re.compile(r"^\s*question\s*:\s*", re.I | re.M)
_SUMMARY_ASK = re.compile(r"\b(summar\w*|condense\w*|tl;?dr|combine[sd]?|recap|digest|gist|key points)\b", re.I)
_CATEGORY = re.compile(r"^- ([A-Za-z_][A-Za-z0-9_]*)(?::\s*(.*))?$")
_DEFAULT = re.compile(r"If none fits, answer ([A-Za-z_][A-Za-z0-9_]*)")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: split at blank lines, line breaks and sentence ends; headings and
    separators ("---") without a letter-word of three are dropped."""
    found: list[str] = []
    for line in text.splitlines():
        for piece in _SENTENCE_END.split(line.strip()):
            piece = piece.strip()
            if piece and re.search(r"[A-Za-z]{3}", piece):
                found.append(piece)
    return found


def _heading(sentence: str) -> bool:
    """A title or a question rather than a statement: short with no closing punctuation, or ending in "?"."""
    closed = sentence.rstrip("\"')]").endswith((".", "!", ";", ":"))
    return sentence.endswith("?") or (not closed and len(sentence.split()) < 8)


def _fragment(sentence: str) -> bool:
    """Cut at a chunk boundary: starts in lower case or stops without closing punctuation."""
    return sentence[0].islower() or not sentence.rstrip("\"')]").endswith((".", "!", ";", ":"))


def _words(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower().replace("_", " ")) if len(w) > 2 and w not in _STOP}


def _embed(texts: list[str]) -> list[list[float]]:
    from builder.providers.local_static import embed_sync

    return embed_sync(texts)[0] if texts else []


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _scores(query: str, candidates: list[str]) -> list[float]:
    """Similarity of each candidate to ``query``: cosine of the static embeddings plus a bonus for
    the content words they share, each weighted by its rarity among the candidates (a word in one
    sentence counts fully, a word in every sentence hardly at all), capped at three words' worth."""
    vectors = _embed([query, *candidates])
    asked = _words(query)
    shared = [asked & _words(c) for c in candidates]
    frequency = Counter(w for words in shared for w in words)
    return [_cos(vectors[0], v) + WORD_BONUS * min(3.0, sum(1.0 / frequency[w] for w in words))
            for v, words in zip(vectors[1:], shared, strict=True)]


def classify(system: str, text: str) -> str:
    """The category of a ``router.classify`` prompt closest to ``text``, or its default when the
    text shares nothing with any category."""
    listed = system.split("\nCategories:\n", 1)[1].split("\n\n", 1)[0]
    default = _DEFAULT.search(system)
    names, described = [], []
    for line in listed.splitlines():
        match = _CATEGORY.match(line.strip())
        if match:
            names.append(match.group(1))
            described.append(f"{match.group(1).replace('_', ' ')}: {match.group(2) or ''}")
    if not names:
        return default.group(1) if default else "none"
    scores = _scores(text, described)
    best = max(range(len(names)), key=lambda i: scores[i])
    # Too little in common with every category (a greeting): the prompt's own fallback.
    if scores[best] < 0.3 and not _words(text) & _words(described[best]):
        return default.group(1) if default else "none"
    return names[best]


def answer(context: str, question: str, count: int = ANSWER_SENTENCES) -> str:
    """The ``count`` sentences of ``context`` most relevant to ``question``, quoted, best first."""
    found = list(dict.fromkeys(sentences(context)))
    found = [s for s in found if not _heading(s)] or found
    if not found:
        return "The context is empty, so I cannot answer that. " + OFFLINE_NOTE
    # A whole sentence beats a fragment of one that says about as much.
    scores = [score - FRAGMENT_PENALTY * _fragment(s) for score, s in zip(_scores(question, found), found, strict=True)]
    ranked = sorted(range(len(found)), key=lambda i: (-scores[i], i))[:count]
    quoted = " ".join(f"\u201c{found[i]}\u201d" for i in ranked)
    return f"From the context: {quoted}"


def summarize(text: str, max_words: int = SUMMARY_WORDS) -> str:
    """The most central sentences of ``text`` (closest to the centroid of all of them), in text
    order, at most ``max_words`` words (always at least one sentence)."""
    found = list(dict.fromkeys(sentences(text)))
    found = [s for s in found if not _heading(s) and not _fragment(s) and len(s.split()) >= 6] or found
    if len(found) <= 1:
        return found[0] if found else "There is nothing to summarize."
    vectors = _embed(found)
    centroid = [sum(column) for column in zip(*vectors, strict=True)]
    norm = math.sqrt(sum(c * c for c in centroid)) or 1.0
    centrality = [_cos(v, centroid) / norm for v in vectors]
    keep: list[int] = []
    words = 0
    for i in sorted(range(len(found)), key=lambda i: (-centrality[i], i)):
        size = len(found[i].split())
        if keep and (words + size > max_words or len(keep) >= SUMMARY_MAX_SENTENCES):
            continue
        keep.append(i)
        words += size
    return " ".join(found[i] for i in sorted(keep))


def _split_context(prompt: str) -> tuple[str, str] | None:
    """(context, question) when ``prompt`` holds a context block followed by a question."""
    start = _CONTEXT.search(prompt)
    if not start:
        return None
    asked = _QUESTION.search(prompt, start.end())
    if not asked:
        return None
    question = prompt[asked.end():].strip()
    return (prompt[start.end():asked.start()], question) if question else None


def _summary_text(prompt: str) -> str:
    """The text a summary request is about: what follows its first line (the instruction)."""
    head, _, rest = prompt.partition("\n")
    if rest.strip():
        return rest
    return head.split(":", 1)[1] if ":" in head else head


def _chat(messages: list[dict[str, str]], last: str) -> str:
    earlier = [s for m in messages[:-1] if m.get("role") in ("user", "assistant")
               for s in sentences(str(m.get("content", ""))) if s.strip() != last.strip()]
    earlier = [s for s in dict.fromkeys(earlier) if not s.startswith(("I'm the offline model", "From earlier"))]
    if earlier and last.strip():
        scores = _scores(last, earlier)
        best = max(range(len(earlier)), key=lambda i: (scores[i], -i))
        if scores[best] >= RELEVANT:
            return f"From earlier in our conversation: \u201c{earlier[best]}\u201d"
    shown = " ".join(last.split()[:30])
    return f"{OFFLINE_NOTE} You wrote: \u201c{shown}\u201d" if shown else OFFLINE_NOTE


def reply_for(messages: list[dict[str, str]]) -> str:
    """The offline model's reply to ``messages`` (before max_tokens and stop). Deterministic."""
    system = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "system")
    turns = [m for m in messages if m.get("role") != "system"]
    last = next((str(m.get("content", "")) for m in reversed(turns) if m.get("role") == "user"), "")
    if "\nCategories:\n" in system:
        return classify(system, last)
    asked = _split_context(last)
    if asked is not None:
        return answer(*asked)
    if _SUMMARY_ASK.search(last.split("\n", 1)[0]):
        return summarize(_summary_text(last))
    return _chat(turns, last)


class OfflineChat:
    name = "offline"

    def __init__(self, name: str = "offline", **opts: Any) -> None:
        self.name = name
        self.opts = opts

    async def complete(self, messages: list[dict[str, str]], params: ChatParams,
                       on_token: OnToken | None = None, *, on_retry: Any = None) -> ChatResult:
        # The embedding table is loaded (and used) off the event loop: the first call reads ~8 MB.
        text = await asyncio.to_thread(reply_for, messages)
        if params.response_format == "json":
            text = json.dumps({"answer": text, "model": MODEL_NAME}, ensure_ascii=False)
        text, finish = clip(text, params)
        if on_token is not None:
            for piece in re.findall(r"\S+\s*", text):
                on_token(piece)
        prompt_tokens = sum(tokens.count_tokens(str(m.get("content", ""))) for m in messages)
        usage = Usage(prompt_tokens=prompt_tokens, completion_tokens=tokens.count_tokens(text))
        return ChatResult(text=text, usage=usage, finish_reason=finish, model=MODEL_NAME)


def make_chat(name: str = "offline", api_key: str | None = None, base_url: str | None = None,
              **opts: Any) -> OfflineChat:
    return OfflineChat(name, **opts)
