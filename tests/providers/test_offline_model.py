"""The offline model answers from the prompt it is given: Q&A over the textbook through the Q&A
template's own chunking, embeddings and prompt (30 questions written for this test), summaries made
of the text's central sentences, classification by similarity to the categories, chat from what the
conversation holds; it streams, counts tokens and costs nothing."""
from __future__ import annotations

import asyncio

import pytest

from builder.nodes.router.classify import ClassifyConfig, system_prompt
from builder.providers import offline, pricing
from builder.providers.base import ChatParams
from builder.providers.offline import MODEL_NAME, sentences
from builder.providers.registry import info, make_chat
from builder.templates_gallery import TRIAGE_TEAMS, sample
from builder.tokens import count_tokens
from tests.providers.offline_questions import QUESTIONS, retrieval_prompts

HIT_RATE_FLOOR = 0.8


def ask(messages: list[dict[str, str]], **params: object) -> tuple[str, list[str], object]:
    streamed: list[str] = []
    result = asyncio.run(make_chat("offline").complete(messages, ChatParams(model=MODEL_NAME, **params),  # type: ignore[arg-type]
                                                       on_token=streamed.append))
    return result.text, streamed, result


@pytest.fixture(scope="module")
def qa_prompts() -> list[tuple[str, str, str]]:
    return retrieval_prompts()


def test_the_question_set_is_thirty_questions_none_of_them_the_templates_own():
    assert len(QUESTIONS) == 30 and len({q for q, _ in QUESTIONS}) == 30
    text = sample("textbook.txt").lower()
    assert all(expected.lower() in text for _, expected in QUESTIONS)
    assert all(question.lower() not in text for question, _ in QUESTIONS)  # not the review questions


def test_it_answers_questions_over_the_retrieved_chunks_with_the_fact(qa_prompts, record_property):
    hits, misses = 0, []
    for question, expected, prompt in qa_prompts:
        answer, _, _ = ask([{"role": "user", "content": prompt}])
        if expected.lower() in answer.lower():
            hits += 1
        else:
            misses.append((question, expected, answer))
    rate = hits / len(qa_prompts)
    record_property("offline_qa_hit_rate", rate)
    print(f'{{"name": "offline_qa_hit_rate", "value": {rate:.3f}}}')
    assert rate >= HIT_RATE_FLOOR, misses


def test_its_answers_quote_sentences_of_the_context_only(qa_prompts):
    _, _, prompt = qa_prompts[0]
    answer, _, _ = ask([{"role": "user", "content": prompt}])
    assert answer.startswith("From the context: \u201c")
    quoted = [q for q in answer.split("\u201c")[1:]]
    assert len(quoted) == offline.ANSWER_SENTENCES
    assert all(q.split("\u201d")[0] in prompt for q in quoted)


def test_a_summary_is_made_of_the_texts_most_central_sentences_in_text_order():
    chapter = sample("textbook.txt").split("Chapter 5.")[1].split("Chapter 6.")[0]  # the dance language
    off_topic = "Parking at the office is free on Fridays."
    text = chapter.replace("The dance also carries", off_topic + " The dance also carries")
    summary, _, _ = ask([{"role": "user", "content": f"Summarize this text:\n\n{text}"}])
    picked = sentences(summary)
    assert 1 <= len(picked) <= offline.SUMMARY_MAX_SENTENCES
    assert len(summary.split()) <= offline.SUMMARY_WORDS + 60  # the first sentence may run over alone
    assert all(s in text for s in picked)
    assert off_topic not in summary
    assert "dance" in summary.lower()
    assert [text.index(s) for s in picked] == sorted(text.index(s) for s in picked)


def test_a_summary_of_summaries_combines_them_from_their_sentences():
    parts = ("The team agreed to move the launch to March because the supplier is late.\n"
             "Budget for the launch stays at forty thousand pounds, agreed by finance.\n"
             "Lunch on Thursday will be pizza.\n"
             "The launch in March needs the supplier to deliver the parts by February.")
    summary, _, _ = ask([{"role": "user", "content": f"Combine these partial summaries into one:\n\n{parts}"}])
    assert "launch" in summary and all(s in parts for s in sentences(summary))


@pytest.mark.parametrize(("ticket", "category"), [
    ("My card was billed two times for the same invoice.", "billing"),
    ("Please refund the payment I made by mistake.", "billing"),
    ("The page goes blank and the console shows an error after I click save.", "bug"),
    ("The app crashes every time I open the settings.", "bug"),
    ("How can I invite a colleague to my workspace?", "how_to"),
    ("Good morning!", "other"),
])
def test_it_classifies_by_similarity_to_the_category_descriptions(ticket, category):
    config = ClassifyConfig(provider="offline", model=MODEL_NAME, default_branch="other",
                            categories=[{"name": n, "description": d} for n, d, _ in TRIAGE_TEAMS])
    label, _, _ = ask([{"role": "system", "content": system_prompt(config)}, {"role": "user", "content": ticket}])
    assert label == category


def test_chat_answers_the_last_message_from_what_the_conversation_holds():
    history = [{"role": "user", "content": "My name is Ada and I live in Lisbon."},
               {"role": "assistant", "content": "Nice to meet you."},
               {"role": "user", "content": "I keep three beehives on my roof."},
               {"role": "assistant", "content": "That sounds lovely."}]
    reply, _, _ = ask([{"role": "system", "content": "You are a friendly, concise assistant."}, *history,
                       {"role": "user", "content": "How many beehives do I keep?"}])
    assert "three beehives" in reply and "Lisbon" not in reply


def test_chat_says_honestly_that_it_is_the_offline_model_when_nothing_applies():
    reply, _, _ = ask([{"role": "user", "content": "Write a haiku about pipelines."}])
    assert reply.startswith("I'm the offline model") and "connect a provider" in reply.lower()
    assert "Write a haiku about pipelines." in reply


def test_it_streams_counts_tokens_costs_nothing_and_names_itself():
    messages = [{"role": "user", "content": "Summarize:\n\n" + sample("textbook.txt")[:3000]}]
    text, streamed, result = ask(messages)
    assert "".join(streamed) == text and len(streamed) > 5
    assert result.model == MODEL_NAME == "offline-extractive"  # type: ignore[attr-defined]
    assert result.usage.prompt_tokens == count_tokens(messages[0]["content"])  # type: ignore[attr-defined]
    assert result.usage.completion_tokens == count_tokens(text)  # type: ignore[attr-defined]
    assert pricing.cost(MODEL_NAME, result.usage) == 0  # type: ignore[attr-defined]
    short, _, cut = ask(messages, max_tokens=5)
    assert count_tokens(short) <= 5 and cut.finish_reason == "length"  # type: ignore[attr-defined]
    assert ask(messages)[0] == text  # deterministic


def test_the_registry_titles_it_as_the_offline_model_needing_no_key():
    provider = info("offline")
    assert provider.title == "Offline model — no LLM; connect a provider for real answers"
    assert provider.chat and not provider.needs_key and provider.chat_models == (MODEL_NAME,)
