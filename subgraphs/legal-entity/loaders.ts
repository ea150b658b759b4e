import type DataLoader from 'dataloader';
import type { Database } from '../../lib/db/database';
import type { LegalEntityRecord } from '../seed/records';
import { rowByKey, rowsByGroup } from '../common/loaders';
import { selectList } from '../common/table';
import { LEGAL_ENTITY_TABLE } from './legal-entity-table';

export interface LegalEntityLoaders {
  entityByCode: DataLoader<string, LegalEntityRecord | null>;
  entitiesByRepresentative: DataLoader<string, LegalEntityRecord[]>;
}

export const LEGAL_ENTITY_COLUMNS = selectList(LEGAL_ENTITY_TABLE);

export function createLegalEntityLoaders(db: Database): LegalEntityLoaders {
  return {
    entityByCode: rowByKey<LegalEntityRecord>(
      db,
      `SELECT ${LEGAL_ENTITY_COLUMNS} FROM legal_entity WHERE credit_code = ANY($1)`,
      (e) => e.creditCode,
    ),
    entitiesByRepresentative: rowsByGroup<LegalEntityRecord>(
      db,
      `SELECT ${LEGAL_ENTITY_COLUMNS} FROM legal_entity WHERE legal_representative_id_number = ANY($1) ORDER BY credit_code`,
      (e) => e.legalRepresentativeIdNumber,
    ),
  };
}
