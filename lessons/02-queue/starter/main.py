import multiprocessing


def producer(queue):
    for i in range(5):
        queue.put(i)
        print(f"Produced {i}")


def consumer(queue):
    # TODO: take items from the queue with queue.get() and print f"Consumed {item}"
    # for each, until the item is None (the sentinel).
    pass


if __name__ == '__main__':
    q = multiprocessing.Queue()
    producer_process = multiprocessing.Process(target=producer, args=(q,))
    consumer_process = multiprocessing.Process(target=consumer, args=(q,))
    producer_process.start()
    consumer_process.start()
    producer_process.join()
    # TODO: tell the consumer that nothing more is coming.
    consumer_process.join()
