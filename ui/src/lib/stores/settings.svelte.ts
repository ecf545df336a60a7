// Preferences remembered in localStorage: language, theme and lyric toggles.

export type LocalePref = 'auto' | 'zh' | 'en';
export type Locale = 'zh' | 'en';
export type ThemePref = 'system' | 'light' | 'dark';

const KEY = 'duet.settings';

interface Stored {
  locale: LocalePref;
  theme: ThemePref;
  showTranslation: boolean;
  showRomanized: boolean;
}

function load(): Stored {
  const fallback: Stored = {
    locale: 'auto',
    theme: 'system',
    showTranslation: true,
    showRomanized: false,
  };
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return fallback;
    const v = JSON.parse(raw) as Partial<Stored>;
    return {
      locale: v.locale === 'zh' || v.locale === 'en' ? v.locale : 'auto',
      theme: v.theme === 'light' || v.theme === 'dark' ? v.theme : 'system',
      showTranslation: v.showTranslation ?? fallback.showTranslation,
      showRomanized: v.showRomanized ?? fallback.showRomanized,
    };
  } catch {
    return fallback;
  }
}

export function systemLocale(): Locale {
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language];
  return (langs[0] ?? 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export const settings = $state<Stored>(load());

export function effectiveLocale(): Locale {
  return settings.locale === 'auto' ? systemLocale() : settings.locale;
}

export function saveSettings(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify($state.snapshot(settings)));
  } catch {
    // private mode or storage full: preferences just won't persist
  }
}

export function setLocale(locale: LocalePref): void {
  settings.locale = locale;
  saveSettings();
  document.documentElement.lang = effectiveLocale() === 'zh' ? 'zh-CN' : 'en';
}

export function setTheme(theme: ThemePref): void {
  settings.theme = theme;
  saveSettings();
  applyTheme();
}

export function applyTheme(): void {
  const root = document.documentElement;
  if (settings.theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = settings.theme;
  root.lang = effectiveLocale() === 'zh' ? 'zh-CN' : 'en';
}
