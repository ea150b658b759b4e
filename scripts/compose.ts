// npm run compose — composes schema/ into schema/supergraph.graphql, after checking the catalog the
// subgraphs declare (every catalogued field has a share and an open attribute, refusals cite a legal
// basis …). Nothing is written when either step fails.
import fs from 'node:fs';
import { checkCatalog } from '../directives/catalog-check';
import { readCatalog } from '../directives/catalog';
import { composeSupergraph, SUPERGRAPH_FILE } from '../schema/compose';

const result = composeSupergraph();
if (!result.ok) {
  console.error('Composition failed / 组合失败:');
  for (const error of result.errors) console.error(`  - ${error}`);
  process.exit(1);
}
const problems = checkCatalog(readCatalog(result.supergraphSdl));
if (problems.length) {
  console.error(`Catalog incomplete / 目录声明不完整 (${problems.length}):`);
  for (const problem of problems) console.error(`  - [${problem.code}] ${problem.message}`);
  process.exit(1);
}
fs.writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
console.log(`wrote ${SUPERGRAPH_FILE}`);
