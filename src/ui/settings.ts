/** The View menu: theme and text size, saved in the preferences. */
import { FONT_SIZES, THEME_CHOICES, type PreferenceStore } from '../preferences';
import { element } from './toolbar';

export function bindSettings(preferences: PreferenceStore): void {
  const theme = element<HTMLSelectElement>('theme');
  const fontSize = element<HTMLSelectElement>('font-size');
  fontSize.replaceChildren(...FONT_SIZES.map((size) => new Option(`${size} px`, String(size))));
  theme.addEventListener('change', () => {
    const choice = THEME_CHOICES.find((c) => c === theme.value);
    if (choice) preferences.update({ theme: choice });
  });
  fontSize.addEventListener('change', () =>
    preferences.update({ fontSize: Number(fontSize.value) }),
  );
  const sync = () => {
    theme.value = preferences.value.theme;
    fontSize.value = String(preferences.value.fontSize);
  };
  preferences.subscribe(sync);
  sync();
}
