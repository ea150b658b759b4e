// Row shapes of the three base databases, as the generator produces them and the subgraphs store them.
// Dates are ISO strings (YYYY-MM-DD); enums are the GraphQL enum value names.

export type Gender = 'MALE' | 'FEMALE';
export type PersonStatus = 'ALIVE' | 'DECEASED' | 'EMIGRATED';

export interface PersonRecord {
  idNumber: string;          // 18 chars, GB 11643 check digit; digits 7-14 = birthDate; digit 17 odd = MALE
  name: string;              // Chinese name, e.g. 张伟, 欧阳娜娜
  gender: Gender;
  birthDate: string;         // agrees with idNumber
  ethnicity: string;         // 民族, e.g. 汉族, 彝族, 白族
  householdAddress: string;  // 户籍地址, e.g. 云南省昆明市五华区青年路123号2栋1单元501室
  divisionCode: string;      // 6-digit GB/T 2260 county-level code where the household is registered
  phone: string | null;      // 11-digit mobile, e.g. 13812345678
  status: PersonStatus;
  householdNumber: string;   // 户号: persons sharing it are one household (same address and division)
}

export type LegalEntityKind =
  | 'ENTERPRISE' | 'INDIVIDUAL_BUSINESS' | 'FARMER_COOPERATIVE'
  | 'GOVERNMENT_AGENCY' | 'PUBLIC_INSTITUTION' | 'SOCIAL_ORGANISATION';
export type LegalEntityStatus = 'ACTIVE' | 'DEREGISTERED' | 'REVOKED'; // 存续 / 注销 / 吊销

export interface LegalEntityRecord {
  creditCode: string;             // 18 chars, GB 32100 check character; chars 3-8 = divisionCode
  name: string;
  kind: LegalEntityKind;          // agrees with the code's first two characters
  legalRepresentativeIdNumber: string; // a PersonRecord.idNumber
  registeredCapital: number | null;    // CNY (元); null for kinds without capital
  establishedDate: string;
  status: LegalEntityStatus;
  address: string;
  divisionCode: string;
  businessScope: string;
  registrationAuthority: string;  // e.g. 昆明市五华区市场监督管理局
}

export type LicenceType =
  | 'RESIDENT_ID_CARD' | 'DRIVING_LICENCE' | 'BUSINESS_LICENCE' | 'FOOD_BUSINESS_PERMIT'
  | 'MARRIAGE_CERTIFICATE' | 'PRACTISING_CERTIFICATE' | 'CONSTRUCTION_PERMIT';
export type LicenceStatus = 'VALID' | 'EXPIRED' | 'REVOKED';
export type HolderKind = 'PERSON' | 'LEGAL_ENTITY';

export interface LicenceRecord {
  number: string;             // unique licence number, e.g. JSZ-530102-2019-0001234
  type: LicenceType;          // person types: RESIDENT_ID_CARD, DRIVING_LICENCE, MARRIAGE_CERTIFICATE, PRACTISING_CERTIFICATE; entity types: the rest
  holderKind: HolderKind;
  holderId: string;           // PersonRecord.idNumber or LegalEntityRecord.creditCode
  issuingAuthority: string;   // e.g. 昆明市公安局五华分局
  issuedOn: string;
  validUntil: string | null;  // null = long-term (长期)
  status: LicenceStatus;
  divisionCode: string;       // division of the issuing authority
}

export interface DatasetSize { persons: number; legalEntities: number; licences: number }
