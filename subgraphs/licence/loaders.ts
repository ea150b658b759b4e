import type DataLoader from 'dataloader';
import type { Database } from '../../lib/db/database';
import type { HolderKind, LicenceRecord } from '../seed/records';
import { rowByKey, rowsByGroup } from '../common/loaders';
import { selectList } from '../common/table';
import { LICENCE_TABLE } from './licence-table';

export interface LicenceLoaders {
  licenceByNumber: DataLoader<string, LicenceRecord | null>;
  licencesOfPerson: DataLoader<string, LicenceRecord[]>;
  licencesOfLegalEntity: DataLoader<string, LicenceRecord[]>;
}

export const LICENCE_COLUMNS = selectList(LICENCE_TABLE);

function licencesOf(db: Database, kind: HolderKind): DataLoader<string, LicenceRecord[]> {
  return rowsByGroup<LicenceRecord>(
    db,
    `SELECT ${LICENCE_COLUMNS} FROM licence WHERE holder_kind = '${kind}' AND holder_id = ANY($1) ORDER BY issued_on, number`,
    (l) => l.holderId,
  );
}

export function createLicenceLoaders(db: Database): LicenceLoaders {
  return {
    licenceByNumber: rowByKey<LicenceRecord>(db, `SELECT ${LICENCE_COLUMNS} FROM licence WHERE number = ANY($1)`, (l) => l.number),
    licencesOfPerson: licencesOf(db, 'PERSON'),
    licencesOfLegalEntity: licencesOf(db, 'LEGAL_ENTITY'),
  };
}
