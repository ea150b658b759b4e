import type DataLoader from 'dataloader';
import type { Database } from '../../lib/db/database';
import type { PersonRecord } from '../seed/records';
import { rowByKey, rowsByGroup } from '../common/loaders';
import { selectList } from '../common/table';
import { PERSON_TABLE } from './person-table';

export interface PopulationLoaders {
  personById: DataLoader<string, PersonRecord | null>;
  householdMembers: DataLoader<string, PersonRecord[]>;
}

const COLUMNS = selectList(PERSON_TABLE);

export function createPopulationLoaders(db: Database): PopulationLoaders {
  return {
    personById: rowByKey<PersonRecord>(db, `SELECT ${COLUMNS} FROM person WHERE id_number = ANY($1)`, (p) => p.idNumber),
    householdMembers: rowsByGroup<PersonRecord>(
      db,
      `SELECT ${COLUMNS} FROM person WHERE household_number = ANY($1) ORDER BY household_number, birth_date, id_number`,
      (p) => p.householdNumber,
    ),
  };
}
