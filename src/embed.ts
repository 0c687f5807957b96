/** The embed's entry: the editor's language first (the reader's), then the page. */
import './styles.css';
import { loadEditorLanguage } from './editor-language';
import { defaultLocale } from './i18n';

await loadEditorLanguage(defaultLocale(navigator.language));
await import('./embed-page');
