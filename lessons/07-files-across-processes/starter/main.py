"""Counts the words of three books, each in its own worker process, through files."""
import multiprocessing
import os

BOOKS = ["alpha.txt", "beta.txt", "gamma.txt"]


def count_words(book):
    """Counts the words of one book."""
    with open(book) as f:
        words = len(f.read().split())
    # TODO: write the count to counts/<book>.count (for example counts/alpha.txt.count).
    return words


if __name__ == "__main__":
    os.makedirs("counts", exist_ok=True)
    # TODO: count the books in a multiprocessing.Pool of 3 workers. Then read each count back
    # from its file in counts/, write summary.txt (one "book count" line per book, then
    # "total N") and print the total line.
    total = sum(count_words(book) for book in BOOKS)
    print(f"total {total}")
