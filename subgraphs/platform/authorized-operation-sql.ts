// The SQL facts of authorized operation that the policy state reads (whether a party may call its
// products now) as well as the procedures: kept apart so the policy state needs none of the procedures.
import { chinaDay } from './sql-dates';

/** Today in Beijing, YYYY-MM-DD (blacklist measures and agreement days are Beijing days). */
export const today = (): string => chinaDay(new Date());

/** SQL: a blacklist measure other than a warning stops party `column` today (seed 001 黑名单). */
export const blockedSql = (column: string, todayParam: string): string =>
  `EXISTS (SELECT 1 FROM ao_blacklist_entry b WHERE b.party_id = ${column} AND b.measure <> 'WARNING' AND (b.until_on IS NULL OR b.until_on >= ${todayParam}::date))`;

/** SQL: an operation agreement (alias `o`) in force now. */
export const OPERATION_IN_FORCE = `o.terminated_at IS NULL AND o.ends_at > now()`;
/** SQL: a development agreement (alias `d`) signed and in force now. */
export const DEVELOPMENT_IN_FORCE = `d.signed_at IS NOT NULL AND d.terminated_at IS NULL AND d.ends_at > now()`;
