"""Thirty questions about ``builder/samples/textbook.txt``, written for testing the offline model
(none is one of the template's examples or the textbook's review questions), each with a phrase
the answer must contain: the fact, as the textbook words it (compared case-insensitively).
Shared by ``tests/providers/test_offline_model.py`` and ``bench/offline_bench.py``."""
from __future__ import annotations

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("How many workers does a healthy colony hold in midsummer?", "twenty thousand and sixty thousand"),
    ("How many eggs can a queen lay in one day at the peak of the season?", "fifteen hundred eggs"),
    ("What happens to the drones at the end of summer?", "drag them out of the hive"),
    ("What substance are all young larvae fed during their first days?", "royal jelly"),
    ("How long does it take for a queen to develop from the egg?", "sixteen days"),
    ("How many days does a drone need to develop?", "twenty-four"),
    ("How many pairs of wax glands does a young worker have?", "four pairs of wax glands"),
    ("How much honey does the colony use up to make a kilogram of wax?", "several kilograms of honey"),
    ("By how many degrees are the comb cells tilted upward?", "thirteen degrees"),
    ("Where in the nest is the brood usually raised?", "centre of the nest"),
    ("What is the name for the way a worker changes jobs as she ages?", "age polyethism"),
    ("Which chemical released by foragers slows the maturation of young bees?", "ethyl oleate"),
    ("How long do winter bees live?", "four to six months"),
    ("How much nectar can the honey stomach hold?", "forty milligrams"),
    ("What is it called when a forager sticks to one kind of flower on a trip?", "flower constancy"),
    ("What kind of light can bees see that people cannot?", "ultraviolet"),
    ("Who decoded the dances of the bees and won a Nobel Prize for it?", "Karl von Frisch"),
    ("What dance does a forager perform for food near the hive?", "round dance"),
    ("How is the distance to the food encoded in the dance?", "duration of the waggle run"),
    ("How much water does ripe honey contain?", "seventeen or eighteen percent"),
    ("How much honey may a strong colony need to get through a northern winter?", "sixty kilograms"),
    ("At what temperature must developing brood be kept?", "thirty-two and thirty-six degrees"),
    ("How do workers produce heat to warm the nest?", "shiver"),
    ("What fraction of the workers leaves with the old queen in a swarm?", "half of the workers"),
    ("How large a cavity makes a good nest site?", "forty litres"),
    ("How many scouts at one site make a quorum?", "fifteen to thirty"),
    ("With how many drones does a young queen mate?", "ten to twenty drones"),
    ("What does the alarm pheromone smell like?", "bananas"),
    ("Which gland produces the scent that guides lost bees to the entrance?", "Nasonov"),
    ("Which virus does the varroa mite spread?", "deformed wing virus"),
)


def retrieval_prompts(k: int = 3) -> list[tuple[str, str, str]]:
    """(question, expected phrase, prompt) for every question, the prompt built as the Q&A template
    builds it: the textbook split as its ingest pipeline splits it, the chunks and the question
    embedded with the same local model, the ``k`` nearest chunks joined as ``vector.query`` joins
    them, rendered into the template's prompt."""
    import asyncio

    from builder.nodes.support.templating import render
    from builder.nodes.text.split import split_tokens
    from builder.providers.local_embed import LocalEmbedder
    from builder.templates_gallery import QA_PROMPT, qa_ingest, sample

    split = next(n["config"] for n in qa_ingest()["nodes"] if n["type"] == "text.split")
    chunks = list(dict.fromkeys(split_tokens(sample("textbook.txt"), split["chunk_size"], split["chunk_overlap"],
                                             "cl100k_base")))
    embedder = LocalEmbedder()
    stored = asyncio.run(embedder.embed(chunks, input_type="search_document")).vectors
    asked = asyncio.run(embedder.embed([q for q, _ in QUESTIONS], input_type="search_query")).vectors
    prompts = []
    for (question, expected), vector in zip(QUESTIONS, asked, strict=True):
        ranked = sorted(range(len(chunks)), key=lambda i: -sum(a * b for a, b in zip(vector, stored[i], strict=True)))
        context = "\n\n".join(chunks[i] for i in ranked[:k])
        prompts.append((question, expected, render(QA_PROMPT, {"context": context, "question": question})))
    return prompts
