/** The lessons that ship with Procbox: every folder in lessons/, bundled at build time. */
import { parseLesson, type Lesson } from './format';

const sources = import.meta.glob<string>('../../lessons/*/**', {
  query: '?raw',
  import: 'default',
  eager: true,
});

function bundledLessons(): Lesson[] {
  const folders = new Map<string, Map<string, string>>();
  for (const [path, content] of Object.entries(sources)) {
    const [id, ...rest] = path.slice('../../lessons/'.length).split('/');
    if (rest.length === 0) continue; // lessons/README.md
    if (!folders.has(id)) folders.set(id, new Map());
    folders.get(id)!.set(rest.join('/'), content);
  }
  return [...folders.keys()].sort().map((id) => parseLesson(id, folders.get(id)!));
}

export const LESSONS: readonly Lesson[] = bundledLessons();

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((lesson) => lesson.id === id);
}
