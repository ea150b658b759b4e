// The federated graph on the embedded default: PGlite, nothing installed.
import { federationSuite } from './support/federation-suite';

describe('federated graph on PGlite (embedded default)', () => {
  federationSuite(() => ({ DATABASE_URL: '' }));
});
