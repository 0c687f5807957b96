/**
 * The editor's larger tools, loaded after the first paint by both pages: find, the palette and
 * the rest (ui/editor-extras.ts), and the learner's Python tools (marks as one types,
 * completion, hover, signature help: intel/). Editor.enrich rebuilds the widget to take them.
 */
import type { Locale } from './i18n';
import type { Editor } from './ui/editor';

export function loadEditorTools(editor: Editor, locale: () => Locale): Promise<void> {
  return editor.enrich(() =>
    Promise.all([
      import('./ui/editor-extras'),
      import('./intel').then((m) => m.installPythonIntelligence({ locale })),
    ]),
  );
}
