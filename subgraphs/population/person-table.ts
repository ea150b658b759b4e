import type { TableSpec } from '../common/table';

export const PERSON_TABLE: TableSpec = {
  name: 'person',
  columns: [
    { column: 'id_number', field: 'idNumber', type: 'text' },
    { column: 'name', field: 'name', type: 'text' },
    { column: 'gender', field: 'gender', type: 'text' },
    { column: 'birth_date', field: 'birthDate', type: 'date' },
    { column: 'ethnicity', field: 'ethnicity', type: 'text' },
    { column: 'household_address', field: 'householdAddress', type: 'text' },
    { column: 'division_code', field: 'divisionCode', type: 'text' },
    { column: 'phone', field: 'phone', type: 'text' },
    { column: 'status', field: 'status', type: 'text' },
    { column: 'household_number', field: 'householdNumber', type: 'text' },
  ],
};
