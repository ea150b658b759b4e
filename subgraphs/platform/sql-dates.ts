// Dates as the platform shows them: instants as ISO strings in UTC, days as Beijing calendar days
// (deadlines are counted on China's calendar).

/** SELECT expression rendering a timestamptz column as an ISO string with milliseconds. */
export const isoColumn = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The calendar day in Beijing (UTC+8, no daylight saving) of an instant, as YYYY-MM-DD. */
export const chinaDay = (instant: Date): string => new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
