"""Pure rules of delivery: back-off, the token bucket, terminal topics, synthetic recipients at census density."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from yingji.broadcast.channels import RateLimiter, backoff, terminal_topic
from yingji.broadcast.demo import Township, generate


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 2), (2, 4), (3, 8), (4, 16), (7, 60), (20, 60)])
def test_backoff_doubles_up_to_the_ceiling(attempts: int, seconds: float) -> None:
    assert backoff(attempts, 2.0, 60.0) == seconds


@pytest.mark.parametrize(("rate", "asks", "waited"), [
    (10, [10], 0.0), (10, [10, 5], 0.5), (10, [25], 1.5), (1000, [500, 500, 500], 0.5)])
def test_token_bucket(rate: float, asks: list[int], waited: float) -> None:
    t = [0.0]

    def sleep(s: float) -> None:
        t[0] += s

    bucket = RateLimiter(rate, clock=lambda: t[0], sleep=sleep)
    assert sum(bucket.acquire(n) for n in asks) == pytest.approx(waited)


def test_token_bucket_on_a_large_clock_never_spins_on_a_float_remainder() -> None:
    # a remainder of 1e-14 token used to ask for a sleep too short to move a clock at 123456.789
    t, sleeps = [123456.789], [0]

    def sleep(s: float) -> None:
        sleeps[0] += 1
        assert sleeps[0] < 10_000, "the bucket spins"
        t[0] += s

    bucket = RateLimiter(100, clock=lambda: t[0], sleep=sleep)
    asks = [37, 299, 101, 3, 250, 99, 1, 188] * 20
    waited = sum(bucket.acquire(n) for n in asks)
    assert waited == pytest.approx((sum(asks) - 100) / 100, abs=0.01)  # one second's burst, then the rate

@pytest.mark.parametrize(("code", "terminal", "topic"), [
    ("350102001003", "T1", "p/350102/350102001/350102001003/T1"),
    ("350102001", "T2", "p/350102/350102001/-/T2"),
    ("350102", "T/3#+", "p/350102/350102000/-/T3"),
])
def test_terminal_topics(code: str, terminal: str, topic: str) -> None:
    assert terminal_topic("p", code, terminal) == topic


def test_synthetic_recipients_add_up_to_the_census_and_are_deterministic() -> None:
    towns = [Township("350102001", box(119.28, 26.06, 119.32, 26.10), 30_000, rural_share=0.0),
             Township("350121101", box(119.10, 26.10, 119.30, 26.30), 12_345, rural_share=0.6)]
    a = generate(towns, per_person=50, seed=1, counties={"350102": (119.3, 26.08)}, city=("350100", 119.3, 26.08))
    b = generate(towns, per_person=50, seed=1, counties={"350102": (119.3, 26.08)}, city=("350100", 119.3, 26.08))
    assert a.rows() == b.rows()
    assert sum(a.population) == 42_345
    levels = [lv for k, lv in zip(a.kind, a.level) if k == "terminal"]
    assert levels.count("city") == 1 and levels.count("county") == 1 and levels.count("township") == 2
    assert levels.count("village") == 10 + 4  # one per ~3,000 residents, at least 3
    for k, code, lon, lat in zip(a.kind, a.division_code, a.lon, a.lat):
        if k in ("sms", "app"):
            assert len(code) == 12 and code[:9] in ("350102001", "350121101")
    # the rural township leans on its village loudspeakers (0.1 + 0.5 × 0.6 of the residents)
    rural_loud = sum(p for k, c, p in zip(a.kind, a.division_code, a.population) if k == "terminal" and
                     c.startswith("350121101"))
    assert rural_loud == round(12_345 * 0.4)
