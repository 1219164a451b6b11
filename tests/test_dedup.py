import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ANT_SAMPLE, read_records

from marsad.ingest.dedup import (
    BANDS,
    MIN_SHINGLES,
    NEAR_DUP_JACCARD,
    ClusterMember,
    MinHasher,
    band_keys,
    content_hash,
    headline_words,
    is_copy,
    jaccard,
    normalized_text,
    same_headline,
    signature,
)


@pytest.fixture(scope="module")
def ant() -> list[dict]:
    return read_records(ANT_SAMPLE, 200)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("الحدود العراقية", "وجّه رئيس الحكومة"), ("الحدود العراقية", "وجه رئيس الحكومة")),  # tashkeel
        (("أمن الحدود", "نص"), ("امن الحدود", "نص")),  # alef forms
        (("عام ٢٠٢٠", "نص"), ("عام 2020", "نص")),  # Eastern Arabic digits
        (("Border  Security", "Text\n\nhere"), ("border security", "text here")),  # case, whitespace
    ],
)
def test_content_hash_equal_for_normalisation_variants(a, b):
    assert content_hash(*a) == content_hash(*b)


def test_content_hash_differs_for_different_text_and_accepts_precomputed_normal_form():
    assert content_hash("الحدود", "نص") != content_hash("الحدود", "نص آخر")
    assert content_hash("t", "b", normalized=normalized_text("t", "b")) == content_hash("t", "b")


def test_signatures_are_stable_across_processes(ant):
    text = normalized_text(ant[0]["title"], ant[0]["text"])
    here = MinHasher().fingerprint(text, normalized=True).bands.tolist()
    code = (
        "import sys, json; from marsad.ingest.dedup import MinHasher; "
        "print(json.dumps(MinHasher().fingerprint(sys.stdin.read(), normalized=True).bands.tolist()))"
    )
    there = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True)
    assert json.loads(there.stdout) == here
    assert len(here) == BANDS


def _edit(text: str, every: int) -> str:
    """A lightly edited copy: every ``every``-th word replaced, a sign-off added."""
    words = text.split()
    return " ".join("تعديل" if i % every == 0 else w for i, w in enumerate(words)) + " المصدر: وكالات"


def test_lightly_edited_copy_shares_bands_and_passes_verification(ant):
    hasher = MinHasher()
    found = 0
    for rec in ant[:20]:
        a = hasher.fingerprint(f"{rec['title']}\n{rec['text']}")
        b = hasher.fingerprint(f"{rec['title']}\n{_edit(rec['text'], 40)}")
        if a.bands is None:
            continue
        assert jaccard(a.shingles, b.shingles) >= NEAR_DUP_JACCARD
        found += bool(set(a.bands.tolist()) & set(b.bands.tolist()))
    assert found >= 19  # LSH finds ~all pairs at this similarity


def test_different_real_articles_are_not_near_duplicates(ant):
    hasher = MinHasher()
    prints = [hasher.fingerprint(f"{r['title']}\n{r['text']}") for r in ant[:60]]
    sims = [jaccard(prints[i].shingles, prints[j].shingles) for i in range(60) for j in range(i + 1, 60)
            if ant[i]["text"] != ant[j]["text"]]
    assert max(sims) < NEAR_DUP_JACCARD


def test_minhash_estimates_jaccard(ant):
    hasher = MinHasher()
    a = hasher.shingles(ant[3]["text"])
    b = hasher.shingles(_edit(ant[3]["text"], 6))
    true = jaccard(a, b)
    estimate = float(np.mean(signature(a) == signature(b)))
    assert abs(true - estimate) < 0.2


@pytest.mark.parametrize("text", ["", "كلمة", "ثلاث كلمات فقط هنا"])
def test_short_texts_have_no_bands(text):
    fp = MinHasher().fingerprint(text)
    assert fp.bands is None
    assert len(fp.shingles) < MIN_SHINGLES


def test_band_keys_fit_signed_64_bit():
    sig = np.full(BANDS * 4, 2**32 - 1, dtype=np.uint64)
    keys = band_keys(sig)
    assert keys.dtype == np.uint64 and int(keys.max()) < 2**63


@pytest.mark.parametrize(("a", "b", "expected"), [([1, 2, 3], [2, 3, 4], 0.5), ([1], [1], 1.0), ([], [1], 0.0)])
def test_jaccard(a, b, expected):
    assert jaccard(np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)) == expected


def test_token_hashes_follow_the_shared_tokeniser(ant):
    from marsad.ingest.dedup import token_hashes
    from marsad.text.normalize import tokens

    for rec in ant[:30]:
        text = normalized_text(rec["title"], rec["text"])
        words = tokens(text)
        hashes = token_hashes(text).tolist()
        assert len(hashes) == min(len(words), 2000)
        by_word = dict(zip(words, hashes, strict=False))
        assert all(by_word[w] == h for w, h in zip(words, hashes, strict=False))  # same word, same hash
        assert len(set(by_word.values())) == len(by_word)  # different words, different hashes


@pytest.mark.parametrize("text", ["", "  ... - ! ?", "😀 🙂"])
def test_token_hashes_of_text_without_words(text):
    from marsad.ingest.dedup import token_hashes

    assert len(token_hashes(text)) == 0


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("الكاظمي يوجه بتأمين الحدود مع سوريا", "الكاظمي يوجّه بتأمين الحدود مع سوريا", True),
        ("الكاظمي يوجه بتأمين الحدود مع سوريا", "الكاظمي يوجه بتأمين الحدود مع سوريا | سكاي نيوز عربية", True),
        ("الكاظمي يوجه بتأمين الحدود مع سوريا", "ارتفاع حصيلة ضحايا الهجوم على الحدود", False),
        ("Oil prices rise", "", True),  # no headline to tell them apart: the text decides
    ],
)
def test_same_headline(a, b, same):
    assert same_headline(headline_words(a), headline_words(b)) is same


@pytest.mark.parametrize("title", ["الكاظمي يوجّه بتأمين الحدود مع سوريا", "Oil prices rise | Reuters", ""])
def test_a_member_made_from_its_title_compares_like_one_made_from_its_words(ant, title):
    shingles = MinHasher().shingles(ant[0]["text"])
    lazy, eager = ClusterMember.of_title(shingles, title, 7), ClusterMember(shingles, headline_words(title), 7)
    assert lazy.headline == eager.headline == headline_words(title) and lazy.root == eager.root == 7
    for other in ("الكاظمي يوجه بتأمين الحدود مع سوريا", "ارتفاع حصيلة ضحايا الهجوم", ""):
        assert is_copy(shingles, headline_words(other), lazy) is is_copy(shingles, headline_words(other), eager)


def test_fingerprints_of_a_batch_are_each_texts_own(ant):
    """dedup.fingerprints computes a chunk at once: the same shingles and band keys as one text at a time,
    whatever sits beside a text (short texts, texts without words, a text over MAX_CHARS)."""
    from marsad.ingest.dedup import MAX_CHARS, batch_shingles, fingerprints

    texts = [normalized_text(r["title"], r["text"]) for r in ant[:40]]
    texts[5:5] = ["", "كلمة", "ثلاث كلمات فقط", "... !", " ".join(f"w{i}" for i in range(MAX_CHARS // 3))]
    batch = fingerprints(texts)
    alone = [MinHasher().fingerprint(t, normalized=True) for t in texts]  # one text per call
    for b, a in zip(batch, alone, strict=True):
        assert b.shingles.tolist() == a.shingles.tolist()
        assert (b.bands is None and a.bands is None) or b.bands.tolist() == a.bands.tolist()
    assert [s.tolist() for s in batch_shingles(texts)] == [b.shingles.tolist() for b in batch]
    assert batch[5].bands is None and batch[6].bands is None and batch[9].bands is not None
    assert fingerprints([]) == []
