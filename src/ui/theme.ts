/**
 * Dark and light: the page's colours (CSS variables under `html[data-theme]`), the console's
 * palette and the editor's theme follow one choice, which by default follows the system.
 */
import type { ITheme } from '@xterm/xterm';
import type { PreferenceStore, ThemeChoice } from '../preferences';

export type Theme = 'dark' | 'light';

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light';
  return choice;
}

/** The console's colours. The light palette's colours keep 4.5:1 on its white background, as
 * process tags and notes are text. */
export const TERMINAL_THEMES: Record<Theme, ITheme> = {
  dark: {
    background: '#11141a',
    foreground: '#d8dee9',
    cursor: '#7aa2f7',
    selectionBackground: '#33415c',
    black: '#1b1e24',
    red: '#f7768e',
    green: '#9ece6a',
    yellow: '#e0af68',
    blue: '#7aa2f7',
    magenta: '#bb9af7',
    cyan: '#7dcfff',
    white: '#c0caf5',
    brightBlack: '#8a93a3',
    brightRed: '#ff9aab',
    brightGreen: '#b9f27c',
    brightYellow: '#ffd479',
    brightBlue: '#9ab8ff',
    brightMagenta: '#d7b8ff',
    brightCyan: '#a4e6ff',
    brightWhite: '#ffffff',
  },
  light: {
    background: '#ffffff',
    foreground: '#1f2328',
    cursor: '#1d4ed8',
    selectionBackground: '#bfdbfe',
    black: '#1f2328',
    red: '#b91c1c',
    green: '#166534',
    yellow: '#8a5a00',
    blue: '#1d4ed8',
    magenta: '#7e22ce',
    cyan: '#0e7490',
    white: '#57606a',
    brightBlack: '#57606a',
    brightRed: '#991b1b',
    brightGreen: '#15803d',
    brightYellow: '#854d0e',
    brightBlue: '#1e40af',
    brightMagenta: '#6b21a8',
    brightCyan: '#155e75',
    brightWhite: '#1f2328',
  },
};

/** Applies the chosen theme now, and again whenever the preferences (the choice, the text size)
 * or the system's setting change; `apply` leaves alone what is already shown. */
export function followTheme(
  preferences: PreferenceStore,
  apply: (theme: Theme) => void,
  media: Pick<MediaQueryList, 'matches' | 'addEventListener'> = matchMedia(
    '(prefers-color-scheme: dark)',
  ),
): void {
  let shown: Theme | null = null;
  const update = () => {
    const theme = resolveTheme(preferences.value.theme, media.matches);
    if (theme !== shown) {
      shown = theme;
      document.documentElement.dataset.theme = theme;
      document.documentElement.style.colorScheme = theme;
    }
    apply(theme);
  };
  media.addEventListener('change', update);
  preferences.subscribe(update);
  update();
}
