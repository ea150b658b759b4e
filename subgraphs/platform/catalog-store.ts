// The catalog's entries in the platform database: seeded from the SDL's declarations (never
// overwriting an entry), changed only through reviewed catalog changes, read by gateways through
// GET /internal/catalog and by the platform's own resolvers through a LiveCatalog.
import type { Catalog } from '../../directives/catalog';
import { applyEntries, initialEntries, type CatalogEntries, type DatasetRecordFacts, type FieldFacts } from '../../directives/catalog-entries';
import type { Database, Queryable } from '../../lib/db/database';
import { isoColumn } from './sql-dates';

export async function catalogVersion(q: Queryable): Promise<string> {
  const [{ version }] = await q.query<{ version: string }>('SELECT version::text AS version FROM catalog_version WHERE id = 1');
  return version;
}

export async function readEntries(q: Queryable): Promise<CatalogEntries> {
  const version = await catalogVersion(q);
  const datasets = await q.query<{ code: string; facts: DatasetRecordFacts }>('SELECT code, facts FROM catalog_dataset');
  const fields = await q.query<{ coordinate: string; facts: FieldFacts }>('SELECT coordinate, facts FROM catalog_field');
  const [{ modified }] = await q.query<{ modified: string | null }>(
    `SELECT ${isoColumn('max(t)')} AS modified FROM (SELECT max(updated_at) AS t FROM catalog_dataset UNION ALL SELECT max(updated_at) FROM catalog_field) m`,
  );
  return {
    version,
    ...(modified ? { modified } : {}),
    datasets: Object.fromEntries(datasets.map((d) => [d.code, d.facts])),
    fields: Object.fromEntries(fields.map((f) => [f.coordinate, f.facts])),
  };
}

/** Writes entries and bumps the catalog version, inside the caller's transaction. */
export async function writeEntries(
  tx: Queryable,
  entries: { datasets?: Record<string, DatasetRecordFacts>; fields?: Record<string, FieldFacts> },
  by: string,
  changeId: string | null,
): Promise<string> {
  for (const [code, facts] of Object.entries(entries.datasets ?? {})) {
    await tx.query(
      `INSERT INTO catalog_dataset (code, facts, updated_by, change_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (code) DO UPDATE SET facts = EXCLUDED.facts, updated_by = EXCLUDED.updated_by, change_id = EXCLUDED.change_id, updated_at = now()`,
      [code, JSON.stringify(facts), by, changeId],
    );
  }
  for (const [coordinate, facts] of Object.entries(entries.fields ?? {})) {
    await tx.query(
      `INSERT INTO catalog_field (coordinate, facts, updated_by, change_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (coordinate) DO UPDATE SET facts = EXCLUDED.facts, updated_by = EXCLUDED.updated_by, change_id = EXCLUDED.change_id, updated_at = now()`,
      [coordinate, JSON.stringify(facts), by, changeId],
    );
  }
  const [{ version }] = await tx.query<{ version: string }>('UPDATE catalog_version SET version = version + 1 WHERE id = 1 RETURNING version::text AS version');
  return version;
}

/**
 * Puts the SDL's entries the database does not hold yet (a new platform, a field added by a
 * release); an entry already there is the truth and is never overwritten. True when any was added.
 */
export async function seedCatalog(db: Database, declared: Catalog, releaseDate: string): Promise<boolean> {
  const initial = initialEntries(declared, releaseDate);
  return db.transaction(async (tx) => {
    let added = 0;
    for (const [code, facts] of Object.entries(initial.datasets)) {
      added += (await tx.query(`INSERT INTO catalog_dataset (code, facts, updated_by) VALUES ($1, $2, 'sdl') ON CONFLICT (code) DO NOTHING RETURNING code`, [code, JSON.stringify(facts)])).length;
    }
    for (const [coordinate, facts] of Object.entries(initial.fields)) {
      added += (await tx.query(`INSERT INTO catalog_field (coordinate, facts, updated_by) VALUES ($1, $2, 'sdl') ON CONFLICT (coordinate) DO NOTHING RETURNING coordinate`, [coordinate, JSON.stringify(facts)])).length;
    }
    if (added) await tx.query('UPDATE catalog_version SET version = version + 1 WHERE id = 1');
    return added > 0;
  });
}

/**
 * The catalog in force, for the platform's resolvers: the declared catalog with the database's
 * entries applied, reloaded when the catalog version moves (`refresh` before each request: one
 * small query). `catalog` is a stable object whose maps always show the entries last loaded, so
 * code holding it sees every change.
 */
export class LiveCatalog {
  private current: Catalog;
  private loadedVersion = '';
  private entriesInForce: CatalogEntries | undefined;
  readonly catalog: Catalog;

  constructor(readonly declared: Catalog) {
    this.current = declared;
    const live = () => this.current;
    this.catalog = {
      get fields() { return live().fields; },
      get datasets() { return live().datasets; },
      get rootDatasets() { return live().rootDatasets; },
      get hasVocabulary() { return live().hasVocabulary; },
    };
  }

  async refresh(q: Queryable): Promise<void> {
    const version = await catalogVersion(q);
    if (version === this.loadedVersion) return;
    const entries = await readEntries(q);
    this.current = applyEntries(this.declared, entries);
    this.entriesInForce = entries;
    this.loadedVersion = entries.version;
  }

  /** The entries last loaded (call refresh first). */
  entries(): CatalogEntries {
    if (!this.entriesInForce) throw new Error('catalog entries not loaded');
    return this.entriesInForce;
  }
}
