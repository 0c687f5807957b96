/** Upload, download and the workspace's zip (the file bar's buttons), and a word when the
 * workspace can no longer be saved in the browser. */
import { WORKSPACE_CAP } from '../../workers/protocol/fs';
import type { WorkspaceFile } from '../../workers/protocol/kernel';
import { errorText, type BootReport } from '../boot';
import { invalidFileName, type Store } from '../store';
import { baseName, fileBytes, fileFromBytes, ZIP_NAME, zipWorkspace } from '../workspace-files';
import { element } from './toolbar';

/** Saves bytes through the browser's download, as `name`. */
function download(name: string, bytes: Uint8Array<ArrayBuffer>, type: string): void {
  downloadBlob(name, new Blob([bytes], { type }));
}

/** Saves a Blob through the browser's download, as `name`. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download starts after click() returns; the URL must outlive that start.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// JSON quoting shows a hostile name's control characters as escapes, not as terminal codes.
const quoted = (name: string) => JSON.stringify(name);

async function upload(store: Store, chosen: File[], { t, note }: BootReport): Promise<void> {
  const usable: File[] = [];
  for (const file of chosen) {
    const problem = invalidFileName(file.name, []);
    if (problem) {
      note(t('uploadBadName', { name: quoted(file.name), reason: t(`badName_${problem}`) }), 'red');
    } else {
      usable.push(file);
    }
  }
  if (usable.length === 0) return;
  const names = usable.map((f) => f.name).join(', ');
  const tooLarge = () =>
    note(t('uploadTooLarge', { files: names, cap: WORKSPACE_CAP / 1024 / 1024 }), 'red');
  // Refused before reading when the files alone are over the cap: nothing huge is read in.
  if (usable.reduce((sum, f) => sum + f.size, 0) > WORKSPACE_CAP) {
    tooLarge();
    return;
  }
  const files: WorkspaceFile[] = [];
  for (const file of usable) {
    try {
      files.push(fileFromBytes(file.name, new Uint8Array(await file.arrayBuffer())));
    } catch (error) {
      note(t('uploadReadFailed', { name: quoted(file.name), detail: errorText(error) }), 'red');
    }
  }
  if (files.length === 0) return;
  if (store.putFiles(files) === 'tooLarge') tooLarge();
  else note(t('uploadDone', { files: files.map((f) => f.path).join(', ') }));
}

export function bindFileTransfer(store: Store, report: BootReport): void {
  const input = element<HTMLInputElement>('upload-input');
  element('upload-file').addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const chosen = [...(input.files ?? [])];
    input.value = ''; // so choosing the same file again is a change too
    void upload(store, chosen, report);
  });
  element('download-file').addEventListener('click', () => {
    const file = store.file(store.state.active);
    if (file) download(baseName(file.path), fileBytes(file), 'application/octet-stream');
  });
  element('download-zip').addEventListener('click', () =>
    download(ZIP_NAME, zipWorkspace(store.state.files), 'application/zip'),
  );
}

/** Says when saving to the browser's storage starts failing (its quota is full) and when it
 * works again; the store keeps every file in memory either way. Once a change, not a keystroke. */
export function watchSaving(store: Store, { t, note }: BootReport): void {
  let failing = false;
  store.subscribe(() => {
    const failed = store.saveError !== null;
    if (failed === failing) return;
    failing = failed;
    const error = store.saveError;
    // A full quota is a DOMException named QuotaExceededError: the name says it best.
    const detail = error instanceof DOMException ? error.name : errorText(error);
    if (failed) note(t('saveFailed', { detail }), 'red');
    else note(t('saveRestored'));
  });
}
