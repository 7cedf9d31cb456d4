"""The next item made in a thread while this one is used: the same items, in order, one ahead."""

import threading

import pytest

from safetystats.ahead import ahead


def test_the_items_come_in_order_each_made_once_and_at_most_one_ahead():
    made, used = [], []
    may_make = threading.Semaphore(2)  # the first item and the one ahead of it

    def items():
        for i in range(5):
            assert may_make.acquire(timeout=5), "made a second item ahead"
            made.append(i)
            yield i

    for item in ahead(items()):
        used.append(item)
        may_make.release()  # this one is used: the next may be made
    assert used == made == [0, 1, 2, 3, 4]


def test_an_error_of_the_items_is_raised_where_its_item_was_asked_for():
    def items():
        yield "first"
        raise ValueError("the second")

    given = ahead(items())
    assert next(given) == "first"
    with pytest.raises(ValueError, match="the second"):
        next(given)


def test_the_first_item_is_made_before_it_is_asked_for():
    started = threading.Event()

    def items():
        started.set()
        yield 1

    given = ahead(items())
    assert started.wait(5)  # made while the caller was still doing other work
    assert list(given) == [1]
