// The checked-in supergraph must be what `npm run compose` makes of schema/ today.
import fs from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE } from '../schema/compose';

describe('schema/supergraph.graphql', () => {
  it('is up to date with the subgraph SDLs (run `npm run compose` if this fails)', () => {
    const result = composeSupergraph();
    if (!result.ok) throw new Error(`composition failed:\n${result.errors.join('\n')}`);
    expect(fs.readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(result.supergraphSdl);
  });
});
