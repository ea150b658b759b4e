// Working-day (工作日) calendar for statutory deadlines.
//
// Why data, not rules: weekends are regular, but the State Council fixes each year's holidays and
// the weekend days worked in exchange (调休) by notice, so a year is only known once its notice is
// out. The calendar is therefore built from JSON shaped like `cn-2025-2026.json`, and an admin adds
// a year by adding a file (see `loadCalendar`), never by changing code.
//
// Counting convention (`addWorkingDays`):
// - Deadlines in the regulations are "N个工作日", and working days exclude statutory holidays
//   (《行政许可法》第八十二条：期限以工作日计算，不含法定节假日). A working day is a Monday–Friday
//   that is not a holiday, or an adjusted weekend workday (调休上班日).
// - The day the request is filed is not counted; counting starts the next day (《民法典》第二百零一条：
//   开始的当日不计入，自下一日开始计算). So a request filed on day D is due on the Nth working day
//   after D, by the end of that day (《民法典》第二百零三条：截止时间为二十四时).
// - This holds whatever D is: a request filed on a Saturday or a holiday is not moved to the next
//   working day first (an online channel receives it when it is filed). Some offices treat such a
//   request as received on the next working day; that would be the caller's choice of D.
// - A Date is placed on a calendar day in Asia/Shanghai by default (a request at 01:00 Beijing time
//   belongs to that Beijing day even though it is the previous day in UTC).
//
// Out-of-range dates THROW a CalendarRangeError rather than falling back to plain weekends: a
// guessed calendar would silently miss e.g. Spring Festival and produce a wrong legal deadline, so
// a missing year must be noticed and added as data.
import fs from 'node:fs';
import path from 'node:path';
import bundledCalendar from './cn-2025-2026.json';

/** [name, first day, last day], both days inclusive, e.g. ["春节", "2026-02-15", "2026-02-23"]. */
export type HolidayRange = readonly [name: string, from: string, to: string];

/** The JSON shape: per year, the holiday ranges and the weekend days that are working days. */
export interface CalendarData {
  holidays: Readonly<Record<string, readonly HolidayRange[]>>;
  workdays?: Readonly<Record<string, readonly string[]>>;
}

/** File name of the calendar shipped in this folder (the national 2025–2026 calendar). */
export const BUNDLED_CALENDAR_FILE = 'cn-2025-2026.json';
/** Folder holding bundled calendar files; profiles name their calendar relative to it. */
export const CALENDAR_DIR = __dirname;
export const CHINA_TIME_ZONE = 'Asia/Shanghai';

/** Malformed calendar data; the message names the source file and the offending field. */
export class CalendarDataError extends Error {
  override readonly name = 'CalendarDataError';
}

/** A date the calendar has no data for. */
export class CalendarRangeError extends RangeError {
  override readonly name = 'CalendarRangeError';
  constructor(readonly date: string, readonly coveredYears: readonly number[]) {
    super(
      `${date} is outside the working-day calendar, which covers ${coveredYears.join(', ') || 'no year'}. ` +
      `Add ${date.slice(0, 4)}'s holidays and adjusted workdays (国务院办公厅 节假日安排通知) as a calendar ` +
      'JSON file and load it with loadCalendar([...files]).');
  }
}

const DAY_MS = 86_400_000;

export class WorkingCalendar {
  private readonly holidays = new Map<string, string>(); // date → holiday name
  private readonly workdays = new Set<string>();
  private readonly years: readonly number[];

  constructor(data: CalendarData, source = 'calendar data') {
    const valid = validateCalendarData(data, source);
    for (const ranges of Object.values(valid.holidays)) {
      for (const [name, from, to] of ranges) {
        for (let d = from; d <= to; d = nextDay(d)) this.holidays.set(d, name);
      }
    }
    for (const dates of Object.values(valid.workdays ?? {})) {
      for (const d of dates) this.workdays.add(d);
    }
    this.years = Object.keys(valid.holidays).map(Number).sort((a, b) => a - b);
  }

  /** Years this calendar has official data for, ascending. */
  coveredYears(): number[] {
    return [...this.years];
  }

  /** True for Monday–Friday that are not holidays, and for adjusted weekend workdays. */
  isWorkingDay(date: string): boolean {
    this.assertCovered(checkDate(date, 'date'));
    if (this.holidays.has(date)) return false;
    if (this.workdays.has(date)) return true;
    const weekday = new Date(date + 'T00:00:00Z').getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The holiday a date falls in (e.g. "春节"), if any. */
  holidayName(date: string): string | undefined {
    this.assertCovered(checkDate(date, 'date'));
    return this.holidays.get(date);
  }

  /**
   * Due date (YYYY-MM-DD) of a deadline of `days` working days for a request filed at `start`:
   * the `days`-th working day after the filing day (see the convention at the top of this file).
   * 0 days means the filing day itself ("at once").
   */
  addWorkingDays(start: string | Date, days: number, timeZone = CHINA_TIME_ZONE): string {
    if (!Number.isInteger(days) || days < 0) {
      throw new RangeError(`working days must be a whole number ≥ 0, got ${days}`);
    }
    let date = toCalendarDate(start, timeZone, 'start');
    for (let counted = 0; counted < days;) {
      date = nextDay(date);
      if (this.isWorkingDay(date)) counted++;
    }
    return date;
  }

  /**
   * Working days after `from` up to and including `to` — the inverse of addWorkingDays:
   * workingDaysBetween(d, addWorkingDays(d, n)) === n. Negative when `to` is before `from`.
   */
  workingDaysBetween(from: string | Date, to: string | Date, timeZone = CHINA_TIME_ZONE): number {
    const a = toCalendarDate(from, timeZone, 'from');
    const b = toCalendarDate(to, timeZone, 'to');
    if (b < a) return -this.workingDaysBetween(b, a);
    let count = 0;
    for (let d = a; d < b;) {
      d = nextDay(d);
      if (this.isWorkingDay(d)) count++;
    }
    return count;
  }

  private assertCovered(date: string): void {
    if (!this.years.includes(Number(date.slice(0, 4)))) throw new CalendarRangeError(date, this.years);
  }
}

/**
 * The bundled national calendar, with `extraFiles` (JSON paths, e.g. an admin's cn-2027.json)
 * layered on top in order. A year is replaced as a whole by the last file that lists holidays for
 * it, so a file can add a year or correct one; its `workdays` for that year come with it.
 */
export function loadCalendar(extraFiles: readonly string[] = []): WorkingCalendar {
  const layers: Array<{ data: CalendarData; source: string }> = [
    { data: validateCalendarData(bundledCalendar, BUNDLED_CALENDAR_FILE), source: BUNDLED_CALENDAR_FILE },
  ];
  for (const file of extraFiles) layers.push({ data: readCalendarFile(file), source: file });

  const holidays: Record<string, readonly HolidayRange[]> = {};
  const workdays: Record<string, readonly string[]> = {};
  for (const { data } of layers) {
    for (const year of Object.keys(data.holidays)) {
      holidays[year] = data.holidays[year];
      workdays[year] = data.workdays?.[year] ?? [];
    }
  }
  return new WorkingCalendar({ holidays, workdays }, layers.map((l) => l.source).join(' + '));
}

/**
 * Checks data shaped like the calendar JSON and returns it typed. Other top-level keys (e.g.
 * "source", "meaning") are documentation and are ignored.
 */
export function validateCalendarData(raw: unknown, source: string): CalendarData {
  const fail = (field: string, problem: string): never => {
    throw new CalendarDataError(`${source}: ${field}: ${problem}`);
  };
  if (!isObject(raw)) return fail('(root)', 'expected an object with "holidays" and "workdays"');
  if (!isObject(raw.holidays)) return fail('holidays', 'expected an object keyed by year');
  if (raw.workdays !== undefined && !isObject(raw.workdays)) return fail('workdays', 'expected an object keyed by year');

  const holidays: Record<string, HolidayRange[]> = {};
  const holidayDates = new Set<string>();
  for (const [year, ranges] of Object.entries(raw.holidays)) {
    if (!/^\d{4}$/.test(year)) fail(`holidays["${year}"]`, 'year keys must be four digits');
    if (!Array.isArray(ranges)) return fail(`holidays["${year}"]`, 'expected a list of [name, from, to]');
    holidays[year] = ranges.map((range: unknown, i): HolidayRange => {
      const at = `holidays["${year}"][${i}]`;
      if (!Array.isArray(range) || range.length !== 3 || !range.every((x) => typeof x === 'string')) {
        return fail(at, 'expected [name, from, to] as three strings');
      }
      const [name, from, to] = range as [string, string, string];
      if (name.trim() === '') fail(`${at}[0]`, 'holiday name is empty');
      for (const [j, d] of [[1, from], [2, to]] as const) {
        if (!isIsoDate(d)) fail(`${at}[${j}]`, `"${d}" is not a YYYY-MM-DD date`);
        if (d.slice(0, 4) !== year) fail(`${at}[${j}]`, `${d} is not in ${year}; list it under its own year`);
      }
      if (to < from) fail(at, `range ends (${to}) before it starts (${from})`);
      for (let d = from; d <= to; d = nextDay(d)) holidayDates.add(d);
      return [name, from, to];
    });
  }

  const workdays: Record<string, string[]> = {};
  for (const [year, dates] of Object.entries(raw.workdays ?? {})) {
    const at = `workdays["${year}"]`;
    if (!(year in holidays)) fail(at, `no holidays listed for ${year}; a year is defined by its holidays list`);
    if (!Array.isArray(dates)) return fail(at, 'expected a list of YYYY-MM-DD dates');
    workdays[year] = dates.map((d: unknown, i) => {
      if (typeof d !== 'string' || !isIsoDate(d)) return fail(`${at}[${i}]`, `${JSON.stringify(d)} is not a YYYY-MM-DD date`);
      if (d.slice(0, 4) !== year) fail(`${at}[${i}]`, `${d} is not in ${year}`);
      const weekday = new Date(d + 'T00:00:00Z').getUTCDay();
      // Adjusted workdays are by definition weekend days; a weekday here is almost surely a typo.
      if (weekday !== 0 && weekday !== 6) fail(`${at}[${i}]`, `${d} is not a Saturday or Sunday`);
      if (holidayDates.has(d)) fail(`${at}[${i}]`, `${d} is also listed as a holiday`);
      return d;
    });
  }
  return { holidays, workdays };
}

function readCalendarFile(file: string): CalendarData {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(file), 'utf8');
  } catch (err) {
    throw new CalendarDataError(`${file}: cannot read calendar file (${(err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CalendarDataError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateCalendarData(raw, file);
}

/** A Date's calendar day in `timeZone`, or a checked YYYY-MM-DD string as is. */
function toCalendarDate(value: string | Date, timeZone: string, what: string): string {
  if (typeof value === 'string') return checkDate(value, what);
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${what} is not a valid Date`);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(value);
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function checkDate(date: string, what: string): string {
  if (!isIsoDate(date)) throw new RangeError(`${what} must be a YYYY-MM-DD date, got "${date}"`);
  return date;
}

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

// Whole-day UTC arithmetic on YYYY-MM-DD strings: no DST or local-zone drift.
function nextDay(date: string): string {
  return new Date(Date.parse(date + 'T00:00:00Z') + DAY_MS).toISOString().slice(0, 10);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
