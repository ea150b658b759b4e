// Chinese by default, English on request: a dictionary from the Chinese text to its English, no
// framework. A text missing from the dictionary shows in Chinese (test/console.test.ts checks that
// every page's English has no Han characters left except data).
import { createContext, createElement, useContext, useMemo, useState, type ReactNode } from 'react';
import { EN } from './dictionary';

export type Lang = 'zh' | 'en';
const LANG_KEY = 'pd.lang';

interface LanguageState {
  lang: Lang;
  setLang(lang: Lang): void;
}

const LanguageContext = createContext<LanguageState>({ lang: 'zh', setLang: () => undefined });

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh');
  const value = useMemo(
    () => ({
      lang,
      setLang(next: Lang) {
        localStorage.setItem(LANG_KEY, next);
        setLangState(next);
      },
    }),
    [lang],
  );
  return createElement(LanguageContext.Provider, { value }, children);
}

export function useLanguage(): LanguageState {
  return useContext(LanguageContext);
}

export type Translate = ((zh: string) => string) & { lang: Lang };

export function translate(lang: Lang, zh: string): string {
  return lang === 'en' ? EN[zh] ?? zh : zh;
}

export function useT(): Translate {
  const { lang } = useLanguage();
  return useMemo(() => Object.assign((zh: string) => translate(lang, zh), { lang }), [lang]);
}
