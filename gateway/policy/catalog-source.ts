// The catalog in force at this gateway: the supergraph's declarations with the platform's managed
// entries applied (directives/catalog-entries.ts). Each caller's policy state names the catalog
// version in force; when it is newer than the one held, the entries are read once (concurrent
// requests share the read) and checked against the compose-time rules and the mask settings
// before use: a catalog that fails them is refused, and requests fail closed until a good one comes.
import type { Catalog } from '../../directives/catalog';
import { checkCatalog } from '../../directives/catalog-check';
import { applyEntries, type CatalogEntries } from '../../directives/catalog-entries';
import { chinaDate, checkMaskSettings } from '../../directives/inference';
import type { MaskSettings } from '../../directives/mask';
import { createLogger } from '../../lib/log';
import { CATALOG_PATH } from '../../protocol/internal-paths';
import { PlatformUnavailable, type PlatformClient } from '../platform-client';

export interface CatalogInForce {
  /** '' for the declared catalog, before any entries were read. */
  version: string;
  catalog: Catalog;
  /** When the entries last changed (the catalog's dct:modified). */
  modified?: Date;
}

export interface CatalogSource {
  /**
   * The catalog at `version` (a policy state's catalogVersion): the one held — returned as is, no
   * promise, as on nearly every request — or a promise of it read now (rejects with PlatformUnavailable).
   */
  at(version: string): CatalogInForce | Promise<CatalogInForce>;
  /** The catalog last loaded (the declared one before any). */
  current(): CatalogInForce;
  /** Calls `listener` with each newly loaded catalog. */
  onLoad(listener: (loaded: CatalogInForce) => void): void;
}

export function createCatalogSource(options: { platform: PlatformClient; declared: Catalog; maskSettings: MaskSettings }): CatalogSource {
  const log = createLogger('gateway');
  let held: CatalogInForce = { version: '', catalog: options.declared };
  const loading = new Map<string, Promise<CatalogInForce>>();
  const listeners: ((loaded: CatalogInForce) => void)[] = [];

  async function load(version: string): Promise<CatalogInForce> {
    const entries = await options.platform.read<CatalogEntries & { modified?: string }>('catalog', CATALOG_PATH);
    const catalog = applyEntries(options.declared, entries);
    const problems = checkCatalog(catalog);
    const unsafe = checkMaskSettings(catalog, options.maskSettings, chinaDate(new Date())).unsafe;
    if (problems.length || unsafe.length) {
      log.error({ version: entries.version, problems: problems.map((p) => p.code), unsafeMasks: unsafe.map((a) => a.coordinate) }, 'catalog entries refused: they break the catalog rules');
      throw new PlatformUnavailable(`catalog version ${entries.version} breaks the catalog rules`);
    }
    const loaded: CatalogInForce = { version: entries.version, catalog, modified: entries.modified ? new Date(entries.modified) : undefined };
    // A slower read of an older version must not replace a newer catalog.
    if (held.version === '' || BigInt(loaded.version) > BigInt(held.version)) {
      held = loaded;
      for (const listener of listeners) listener(loaded);
    }
    log.info({ version: loaded.version, asked: version }, 'catalog loaded');
    return held;
  }

  return {
    at(version) {
      if (version === held.version || (held.version !== '' && BigInt(version) < BigInt(held.version))) return held;
      let pending = loading.get(version);
      if (!pending) {
        pending = load(version).finally(() => loading.delete(version));
        loading.set(version, pending);
      }
      return pending;
    },
    current: () => held,
    onLoad: (listener) => void listeners.push(listener),
  };
}
