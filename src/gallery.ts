/**
 * The examples gallery: every tutorial program in examples/, grouped by topic. A server opens
 * with its companion client ticked after it, so one Run starts both. No DOM here.
 */
import type { WorkspaceFile } from '../workers/protocol/kernel';
import type { MessageKey } from './i18n';
import type { WorkspaceState } from './store';

const sources = import.meta.glob<string>('../examples/*.py', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export type Topic = 'processes' | 'ipc' | 'threads' | 'sockets' | 'asyncio';
export const TOPICS: readonly Topic[] = ['processes', 'ipc', 'threads', 'sockets', 'asyncio'];

export interface Example {
  id: string;
  topic: Topic;
  /** Opened in this order; with more than one, all are ticked to run (the last is the client). */
  files: string[];
  title: MessageKey;
  summary: MessageKey;
}

const example = (id: string, topic: Topic, ...files: string[]): Example => ({
  id,
  topic,
  files,
  title: `example_${id}` as MessageKey,
  summary: `example_${id}_about` as MessageKey,
});

export const EXAMPLES: readonly Example[] = [
  example('01', 'processes', '01_process_hello.py'),
  example('04', 'processes', '04_piao_no_main_guard.py'),
  example('05', 'processes', '05_piao_subclass.py'),
  example('13', 'processes', '13_process_names.py'),
  example('03', 'ipc', '03_queue_two_workers.py'),
  example('15', 'ipc', '15_producer_consumer.py'),
  example('16', 'ipc', '16_process_lock.py'),
  example('07', 'ipc', '07_pool_map.py'),
  example('08', 'ipc', '08_pool_apply_async_queue.py'),
  example('09', 'threads', '09_threads_print.py'),
  example('11', 'threads', '11_counter_race.py'),
  example('12', 'threads', '12_counter_lock.py'),
  example('02', 'sockets', '02_process_per_client_server.py', '02_client.py'),
  example('06', 'sockets', '06_upper_echo_server.py', '06_client.py'),
  example('10', 'sockets', '10_threaded_server.py', '8888_client.py'),
  example('14', 'sockets', '14_process_server.py', '8888_client.py'),
  example('17', 'asyncio', '17_asyncio_tasks.py'),
  example('18', 'asyncio', '18_asyncio_server.py', '8888_client.py'),
];

export function exampleSource(file: string): string {
  const source = sources[`../examples/${file}`];
  if (source === undefined) throw new Error(`examples/${file} is missing`);
  return source;
}

/** The workspace an example opens as: its files, the first one open, a pair ticked to run. */
export function exampleWorkspace(
  ex: Example,
): Pick<WorkspaceState, 'files' | 'active' | 'entries'> {
  const files: WorkspaceFile[] = ex.files.map((path) => ({ path, content: exampleSource(path) }));
  return { files, active: ex.files[0], entries: ex.files.length > 1 ? [...ex.files] : [] };
}

const sameFiles = (a: readonly WorkspaceFile[], b: readonly WorkspaceFile[]) =>
  a.length === b.length && a.every((f, i) => f.path === b[i].path && f.content === b[i].content);

/**
 * True when the files are exactly some example's or the given starting files: replacing them
 * loses nothing the user wrote, so no question needs asking.
 */
export function isUntouched(
  files: readonly WorkspaceFile[],
  starting: readonly WorkspaceFile[],
): boolean {
  return (
    sameFiles(files, starting) ||
    EXAMPLES.some((ex) => sameFiles(files, exampleWorkspace(ex).files))
  );
}
