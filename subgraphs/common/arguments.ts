// Argument checks shared by the domains: malformed identifiers are coded errors, never a crash.
import { validateCitizenId, validateCreditCode, validateDivisionCode, divisionPrefix } from '../../lib/identifiers';
import { badUserInput } from './errors';
import { checkBatchSize } from './pagination';
import { SCENARIO_ID } from '../../protocol/scenario-id';

type Validation = { ok: true } | { ok: false; reason: string; zh: string; en: string };

function check(validation: Validation, argument: string, index?: number): void {
  if (!validation.ok) {
    throw badUserInput(validation.zh, validation.en, { argument, reason: validation.reason, ...(index === undefined ? {} : { index }) });
  }
}

export function citizenIdArgument(value: string, argument = 'idNumber'): string {
  check(validateCitizenId(value), argument);
  return value;
}

export function citizenIdsArgument(values: readonly string[], argument = 'idNumbers'): readonly string[] {
  checkBatchSize(values, argument);
  values.forEach((value, index) => check(validateCitizenId(value), argument, index));
  return values;
}

export function creditCodeArgument(value: string, argument = 'creditCode'): string {
  check(validateCreditCode(value), argument);
  return value;
}

export function creditCodesArgument(values: readonly string[], argument = 'creditCodes'): readonly string[] {
  checkBatchSize(values, argument);
  values.forEach((value, index) => check(validateCreditCode(value), argument, index));
  return values;
}

/** A division code as a LIKE prefix: a province or prefecture code covers its counties. */
export function divisionPrefixArgument(value: string, argument = 'divisionCode'): string {
  check(validateDivisionCode(value), argument);
  return divisionPrefix(value);
}

/** A scenario id as an argument (an application's, a grant's, a purpose change's). */
export function scenarioArgument(value: string, argument = 'scenario'): string {
  if (!SCENARIO_ID.test(value)) throw badUserInput('场景标识格式错误', 'malformed scenario id (1–64 letters, digits or ._:-)', { argument });
  return value;
}

/** The longest free text a procedure records (a reason, an answer, a note). */
export const LONGEST_TEXT = 4000;

/** A required free text, trimmed: empty or longer than LONGEST_TEXT is a coded error saying what to write. */
export function requiredText(value: string | null | undefined, argument: string, zh: string, en: string): string {
  const text = value?.trim() ?? '';
  if (!text || text.length > LONGEST_TEXT) throw badUserInput(`${zh}（4000字以内）`, `${en} (up to 4,000 characters)`, { argument });
  return text;
}
