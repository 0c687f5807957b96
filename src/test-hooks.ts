/** What end-to-end tests read: the console's real xterm buffer, and the editor as a user types. */
import type { Console } from './ui/console';
import type { Editor } from './ui/editor';

declare global {
  interface Window {
    __procbox?: { consoleText(): string; editorSetValue(text: string): void };
  }
}

export function installTestHooks(console: Console, editor: Editor): void {
  window.__procbox = {
    consoleText: () => console.text(),
    editorSetValue: (text) => editor.setValue(text),
  };
}
