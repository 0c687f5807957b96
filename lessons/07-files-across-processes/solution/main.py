"""Counts the words of three books, each in its own worker process, through files."""
import multiprocessing
import os

BOOKS = ["alpha.txt", "beta.txt", "gamma.txt"]


def count_words(book):
    """Counts the words of one book and writes the count to counts/<book>.count."""
    with open(book) as f:
        words = len(f.read().split())
    with open(f"counts/{book}.count", "w") as f:
        f.write(f"{words}\n")
    return words


if __name__ == "__main__":
    os.makedirs("counts", exist_ok=True)
    with multiprocessing.Pool(3) as pool:
        pool.map(count_words, BOOKS)

    # The workers' results come back through the files they wrote.
    lines = []
    total = 0
    for book in BOOKS:
        with open(f"counts/{book}.count") as f:
            count = int(f.read())
        lines.append(f"{book} {count}")
        total += count
    lines.append(f"total {total}")
    with open("summary.txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"total {total}")
