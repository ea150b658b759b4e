// What an application for conditionally shared data must state, where the profile's regulation lists
// it (Ganzi Art.18 ¶2: 应用场景、需求依据、业务目标以及相关安全保障措施). The scenario (name and
// description) is always required; the rest is named per profile. Pure: no I/O.

/** The contents a profile can require, by ApplicationInput field, with their names in both languages. */
export const APPLICATION_CONTENTS = {
  legalBasis: { zh: '需求依据', en: 'need basis (legalBasis)' },
  businessGoal: { zh: '业务目标', en: 'business goal (businessGoal)' },
  securityMeasures: { zh: '安全保障措施', en: 'security measures (securityMeasures)' },
} as const;
export type ApplicationContent = keyof typeof APPLICATION_CONTENTS;

export function isApplicationContent(name: unknown): name is ApplicationContent {
  return typeof name === 'string' && Object.hasOwn(APPLICATION_CONTENTS, name);
}

/** The required contents the input leaves blank, in the order required. */
export function missingContents(required: readonly ApplicationContent[], input: Partial<Record<ApplicationContent, string | null>>): ApplicationContent[] {
  return required.filter((name) => !input[name]?.trim());
}
