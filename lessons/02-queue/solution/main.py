import multiprocessing


def producer(queue):
    for i in range(5):
        queue.put(i)
        print(f"Produced {i}")


def consumer(queue):
    while True:
        item = queue.get()
        if item is None:
            break
        print(f"Consumed {item}")


if __name__ == '__main__':
    q = multiprocessing.Queue()
    producer_process = multiprocessing.Process(target=producer, args=(q,))
    consumer_process = multiprocessing.Process(target=consumer, args=(q,))
    producer_process.start()
    consumer_process.start()
    producer_process.join()
    q.put(None)  # the sentinel: nothing more is coming
    consumer_process.join()
