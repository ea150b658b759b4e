import type { TableSpec } from '../common/table';

export const LEGAL_ENTITY_TABLE: TableSpec = {
  name: 'legal_entity',
  columns: [
    { column: 'credit_code', field: 'creditCode', type: 'text' },
    { column: 'name', field: 'name', type: 'text' },
    { column: 'kind', field: 'kind', type: 'text' },
    { column: 'legal_representative_id_number', field: 'legalRepresentativeIdNumber', type: 'text' },
    { column: 'registered_capital', field: 'registeredCapital', type: 'numeric' },
    { column: 'established_date', field: 'establishedDate', type: 'date' },
    { column: 'status', field: 'status', type: 'text' },
    { column: 'address', field: 'address', type: 'text' },
    { column: 'division_code', field: 'divisionCode', type: 'text' },
    { column: 'business_scope', field: 'businessScope', type: 'text' },
    { column: 'registration_authority', field: 'registrationAuthority', type: 'text' },
  ],
};
