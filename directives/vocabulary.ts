// The policy vocabulary as TypeScript: the facts schema/policy.graphql lets a schema declare.
//
// Terminology (the regulations' own words):
//   share attribute 共享属性 — what public institutions may get: UNCONDITIONAL 无条件 / CONDITIONAL 有条件 / NONE 不予共享
//   open attribute  开放属性 — what app developers and the public may get (开放)
//   scenario 场景   — the duty a request is made for; grants are bound to one (一场景一申请)
//   grant 授权      — an approved application: grantee + scenario + field coordinates + validity
//   mask 脱敏       — how a value is desensitised unless a grant allows it plain
//   coordinate      — "Type.field", the unit every decision is made on
//   denied path     — where in the response a removed field comes back as null with a coded error

export type ShareAttribute = 'UNCONDITIONAL' | 'CONDITIONAL' | 'NONE';
export type OpenAttribute = 'UNCONDITIONAL' | 'CONDITIONAL' | 'NONE';
export type MaskStrategy = 'ID_NUMBER' | 'NAME' | 'PHONE' | 'ADDRESS' | 'DATE_TO_YEAR' | 'CREDIT_CODE' | 'HASH' | 'REDACT';
export type DataLevel = 'L1' | 'L2' | 'L3' | 'L4' | 'IMPORTANT' | 'CORE';

export const SHARE_ATTRIBUTES: readonly ShareAttribute[] = ['UNCONDITIONAL', 'CONDITIONAL', 'NONE'];
export const MASK_STRATEGIES: readonly MaskStrategy[] = ['ID_NUMBER', 'NAME', 'PHONE', 'ADDRESS', 'DATE_TO_YEAR', 'CREDIT_CODE', 'HASH', 'REDACT'];
export const DATA_LEVELS: readonly DataLevel[] = ['L1', 'L2', 'L3', 'L4', 'IMPORTANT', 'CORE'];

/** Directive names as the subgraphs import them (see schema/policy.graphql). */
export const POLICY_DIRECTIVES = { share: 'share', open: 'open', mask: 'mask', level: 'level', dataset: 'dataset', platform: 'platform' } as const;

export interface ShareDeclaration {
  attribute: ShareAttribute;
  condition?: string;
  legalBasis?: string;
}

export interface OpenDeclaration {
  attribute: OpenAttribute;
  condition?: string;
}

/** 目录 facts of a dataset (a catalogued type). */
export interface DatasetFacts {
  typeName: string;
  code: string;
  name: string;
  provider: string;
  providerCode: string;
  updateFrequency: string;
  resourceKind: string;
  level: DataLevel;
  /** 摘要: the type's description in the SDL. */
  description?: string;
  /** Field whose value identifies the data subject of a record (Person.idNumber, LegalEntity.creditCode). */
  subjectKey?: string;
  // Catalog items kept as managed data (directives/catalog-entries.ts); absent in a catalog read from SDL alone.
  summary?: string;
  format?: string;
  shareScope?: string;
  shareMethod?: string;
  usageRequirements?: string;
  collectingDepartment?: string;
  approvingDepartment?: string;
  releaseDate?: string;
  secrecy?: string;
  unifiedCode?: string;
  /** 目录撤销: the dataset is no longer in the catalog; its fields are denied to everyone. */
  withdrawn?: boolean;
}

/** Everything the catalog says about one field coordinate. */
export interface FieldPolicy {
  coordinate: string;
  typeName: string;
  fieldName: string;
  /** The field's description in the SDL (信息项描述). */
  description?: string;
  share?: ShareDeclaration;
  open?: OpenDeclaration;
  mask?: MaskStrategy;
  /** The field's level: its own @level, else its dataset's (就高从严: never lower than the dataset). */
  level?: DataLevel;
  /** The field's own @level as written, if any; the catalog check refuses one below the dataset's. */
  declaredLevel?: DataLevel;
  dataset?: DatasetFacts;
  /** 目录撤销: withdrawn from the catalog (or its dataset is): denied to everyone. */
  withdrawn?: boolean;
  /** A platform operation (@platform): reachable by any caller, decided by the platform's role rules. */
  platform: boolean;
  /** True when the field returns an object, interface or union (it leads to data, holds none itself). */
  composite: boolean;
  /** Named return type, e.g. "String" or "Person". */
  returnType: string;
}
