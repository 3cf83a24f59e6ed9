"""How long a draft review takes offline: ``python -m bench.review``.

Prints the median and worst wall time of ``review_draft`` over the dev drafts, without a persona (labels,
score, suggestions) and with one (adds MiniLM similarity to the card's facts and the engine's reading),
after one warm-up pass that loads the classifier and the encoder.
"""

from __future__ import annotations

import statistics
import time


def _time(fn, items) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    from coach.counterpart.cards import load_persona
    from coach.drafts.review import review_draft
    from coach.embeddings import local_encoder
    from evals.drafts import load_split

    drafts = load_split("dev")
    persona = load_persona("maria-cfo")
    encoder = local_encoder()
    t0 = time.perf_counter()
    review_draft(drafts[0].text, persona=persona, encoder=encoder)
    print(f"first review (loads classifier, encoder, persona engine): {time.perf_counter() - t0:.2f} s")
    texts = [d.text for d in drafts]
    plain = _time(review_draft, texts)
    with_persona = _time(lambda t: review_draft(t, persona=persona, encoder=encoder), texts)
    for name, times in (("no persona", plain), ("with persona", with_persona)):
        print(
            f"{name:13s} n={len(times)}  median {statistics.median(times) * 1000:.0f} ms  "
            f"max {max(times) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
