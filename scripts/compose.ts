// npm run compose — writes schema/supergraph.graphql, or explains why the subgraphs do not compose.
import fs from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE } from '../schema/compose';

const result = composeSupergraph();
if (!result.ok) {
  console.error('Composition failed / 组合失败:');
  for (const error of result.errors) console.error(`  - ${error}`);
  process.exit(1);
}
fs.writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
console.log(`wrote ${SUPERGRAPH_FILE}`);
