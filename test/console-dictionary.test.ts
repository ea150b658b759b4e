// The console's English (console/src/dictionary.ts): every text the pages pass to t() has its
// translation, so the English switch leaves no Chinese of the console's own behind (data stays as it is).
import fs from 'node:fs';
import path from 'node:path';
import { EN } from '../console/src/dictionary';

const SRC = path.join(__dirname, '../console/src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

describe('the console dictionary', () => {
  const files = sources(SRC).filter((f) => !f.endsWith('dictionary.ts'));
  // Texts translated where they are used (t('…')) and the Chinese values of the pages' name tables (t(NAMES[x])).
  const used = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\('([^']+)'\)/g)) used.add(m[1]);
    for (const m of text.matchAll(/:\s*'([^'\n]*\p{Script=Han}[^'\n]*)'/gu)) used.add(m[1]);
  }

  it('finds the texts it checks', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(used.size).toBeGreaterThan(150);
  });

  it('translates every Chinese text of the console into English without Chinese left in it', () => {
    // The language switch names the other language in its own script: it is not translated.
    const languageSwitch = new Set(['中文', '切换到中文']);
    const missing = [...used].filter((zh) => /\p{Script=Han}/u.test(zh) && !(zh in EN) && !languageSwitch.has(zh));
    expect(missing).toEqual([]);
    const untranslated = Object.entries(EN).filter(([, en]) => /\p{Script=Han}/u.test(en));
    expect(untranslated).toEqual([]);
  });
});
