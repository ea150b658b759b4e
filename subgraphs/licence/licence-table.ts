import type { TableSpec } from '../common/table';

export const LICENCE_TABLE: TableSpec = {
  name: 'licence',
  columns: [
    { column: 'number', field: 'number', type: 'text' },
    { column: 'type', field: 'type', type: 'text' },
    { column: 'holder_kind', field: 'holderKind', type: 'text' },
    { column: 'holder_id', field: 'holderId', type: 'text' },
    { column: 'issuing_authority', field: 'issuingAuthority', type: 'text' },
    { column: 'issued_on', field: 'issuedOn', type: 'date' },
    { column: 'valid_until', field: 'validUntil', type: 'date' },
    { column: 'status', field: 'status', type: 'text' },
    { column: 'division_code', field: 'divisionCode', type: 'text' },
  ],
};
