/** The playground's entry: its saved state, then the editor's language, then the page. */
import './styles.css';
import { loadEditorLanguage } from './editor-language';

const { store } = await import('./page-store');
await loadEditorLanguage(store.state.locale);
await import('./playground');
