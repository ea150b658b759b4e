// The policy vocabulary's definitions (schema/policy.graphql, without @link), for unit tests that read
// a small catalog written inline.
export const POLICY_VOCABULARY_SDL = `
  directive @share(attribute: ShareAttribute!, condition: String, legalBasis: String) on FIELD_DEFINITION
  directive @open(attribute: OpenAttribute!, condition: String) on FIELD_DEFINITION
  directive @mask(strategy: MaskStrategy!) on FIELD_DEFINITION
  directive @level(level: DataLevel!) on FIELD_DEFINITION
  directive @dataset(code: String!, name: String!, provider: String!, providerCode: String!, updateFrequency: String!, resourceKind: String!, level: DataLevel!) on OBJECT
  enum ShareAttribute { UNCONDITIONAL CONDITIONAL NONE }
  enum OpenAttribute { UNCONDITIONAL CONDITIONAL NONE }
  enum MaskStrategy { ID_NUMBER NAME PHONE ADDRESS DATE_TO_YEAR CREDIT_CODE HASH REDACT }
  enum DataLevel { L1 L2 L3 L4 IMPORTANT CORE }
`;
