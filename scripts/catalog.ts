// npm run --silent catalog — prints the declared catalog (every field's share / open attribute, mask
// and level) as a markdown table, from the checked-in supergraph. The README's catalog is this output.
import fs from 'node:fs';
import { readCatalog } from '../directives/catalog';
import { SUPERGRAPH_FILE } from '../schema/compose';

const catalog = readCatalog(fs.readFileSync(SUPERGRAPH_FILE, 'utf8'));
const ZH: Record<string, string> = { UNCONDITIONAL: '无条件', CONDITIONAL: '有条件', NONE: '不予' };

console.log('| dataset | provider | level | update |');
console.log('|---|---|---|---|');
for (const d of catalog.datasets.values()) console.log(`| ${d.typeName} — ${d.name} (${d.code}) | ${d.provider} \`${d.providerCode}\` | ${d.level} | ${d.updateFrequency} |`);
console.log('');
console.log('| field | share 共享 | open 开放 | mask 脱敏 | level | condition / legal basis |');
console.log('|---|---|---|---|---|---|');
for (const f of catalog.fields.values()) {
  if (!f.share && !f.open) continue;
  if (!f.dataset && f.typeName !== 'Query') continue;
  const note = f.share?.legalBasis ?? f.share?.condition ?? f.open?.condition ?? '';
  const share = f.share ? `${f.share.attribute} ${ZH[f.share.attribute]}` : '—';
  const open = f.open ? `${f.open.attribute} ${ZH[f.open.attribute]}` : '—';
  console.log(`| \`${f.coordinate}\` | ${share} | ${open} | ${f.mask ?? ''} | ${f.level ?? ''} | ${note} |`);
}
