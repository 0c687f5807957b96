/**
 * Monaco's completion, hover and signature-help providers for Python, answered by the intel
 * worker (workers/intel.worker.ts) from the stdlib processes run on. Each request sends the
 * buffer's text and the cursor; the worker never runs the text.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import type {
  CompletionKind,
  IntelApi,
  SignatureAnswer,
  TextAt,
} from '../../workers/protocol/intel';

const KINDS: Record<CompletionKind, monaco.languages.CompletionItemKind> = {
  module: monaco.languages.CompletionItemKind.Module,
  class: monaco.languages.CompletionItemKind.Class,
  function: monaco.languages.CompletionItemKind.Function,
  property: monaco.languages.CompletionItemKind.Property,
  variable: monaco.languages.CompletionItemKind.Variable,
  constant: monaco.languages.CompletionItemKind.Constant,
  keyword: monaco.languages.CompletionItemKind.Keyword,
};

function textAt(model: monaco.editor.ITextModel, position: monaco.Position): TextAt {
  return { source: model.getValue(), line: position.lineNumber, column: position.column };
}

/** A docstring is plain text: shown as written, not read as Markdown. */
export function plainText(doc: string): monaco.IMarkdownString {
  const escaped = doc.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&').replace(/\n/g, '  \n');
  return { value: escaped };
}

function signatureHelp(found: SignatureAnswer): monaco.languages.SignatureHelp {
  return {
    signatures: [
      {
        label: found.label,
        documentation: plainText(found.doc),
        parameters: found.parameters.map((label) => ({ label })),
      },
    ],
    activeSignature: 0,
    activeParameter: Math.max(found.activeParameter, 0),
  };
}

export function registerPythonProviders(intel: IntelApi): monaco.IDisposable[] {
  return [
    monaco.languages.registerCompletionItemProvider('python', {
      triggerCharacters: ['.'],
      async provideCompletionItems(model, position) {
        const word = model.getWordUntilPosition(position);
        const range = new monaco.Range(
          position.lineNumber,
          word.startColumn,
          position.lineNumber,
          word.endColumn,
        );
        const entries = await intel.complete(textAt(model, position));
        return {
          suggestions: entries.map((entry) => ({
            label: entry.label,
            kind: KINDS[entry.kind],
            detail: entry.detail,
            documentation: entry.doc ? plainText(entry.doc) : undefined,
            insertText: entry.label,
            // Public names before `_private` ones, then Monaco's own ordering by what is typed.
            sortText: (entry.label.startsWith('_') ? '1' : '0') + entry.label.toLowerCase(),
            range,
          })),
        };
      },
    }),
    monaco.languages.registerHoverProvider('python', {
      async provideHover(model, position) {
        const found = await intel.hover(textAt(model, position));
        if (!found) return null;
        const contents = [{ value: '```python\n' + found.signature + '\n```' }];
        if (found.doc) contents.push(plainText(found.doc));
        const line = position.lineNumber;
        return {
          range: new monaco.Range(line, found.startColumn, line, found.endColumn),
          contents,
        };
      },
    }),
    monaco.languages.registerSignatureHelpProvider('python', {
      signatureHelpTriggerCharacters: ['(', ','],
      signatureHelpRetriggerCharacters: [')'],
      async provideSignatureHelp(model, position) {
        const found = await intel.signature(textAt(model, position));
        return found ? { value: signatureHelp(found), dispose: () => undefined } : null;
      },
    }),
  ];
}
