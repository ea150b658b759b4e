// Deadline arithmetic against the official 2025–2026 calendar. Every expected date was worked out
// by hand from subgraphs/platform/calendar/cn-2025-2026.json (a filing day is not counted; see working-days.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CalendarDataError, CalendarRangeError, loadCalendar, validateCalendarData, WorkingCalendar,
} from '../subgraphs/platform/calendar/working-days';

const cal = loadCalendar();

describe('isWorkingDay', () => {
  it.each([
    ['2025-09-24', true], // Wednesday
    ['2026-03-02', true], // Monday
    ['2025-09-27', false], // Saturday
    ['2025-09-21', false], // Sunday
    ['2026-03-01', false], // Sunday
    ['2025-10-01', false], // Wednesday, National Day
    ['2025-09-28', true], // Sunday, adjusted workday
    ['2025-10-11', true], // Saturday, adjusted workday
    ['2026-02-14', true], // Saturday, adjusted workday before Spring Festival
    ['2026-02-28', true], // Saturday, adjusted workday after Spring Festival
    ['2026-02-15', false], // Spring Festival, first day (Sunday)
    ['2026-02-16', false], // Spring Festival, Monday
    ['2026-02-23', false], // Spring Festival, last day (Monday)
    ['2026-02-24', true], // Tuesday after Spring Festival
    ['2026-09-25', false], // Friday, Mid-Autumn
    ['2026-09-20', true], // Sunday, adjusted workday
    ['2026-01-04', true], // Sunday, adjusted workday after New Year
  ])('%s → %s', (date, expected) => {
    expect(cal.isWorkingDay(date)).toBe(expected);
  });

  it('names the holiday a date falls in', () => {
    expect(cal.holidayName('2026-02-18')).toBe('春节');
    expect(cal.holidayName('2026-02-24')).toBeUndefined();
  });

  it('rejects malformed dates', () => {
    expect(() => cal.isWorkingDay('2025-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => cal.isWorkingDay('2025/09/26')).toThrow(/YYYY-MM-DD/);
  });
});

describe('addWorkingDays around National Day 2025', () => {
  // Filed Friday 2025-09-26. 09-27 Sat off; 09-28 Sun worked (1); 09-29 (2); 09-30 (3);
  // 10-01..10-08 holiday; 10-09 Thu (4); 10-10 Fri (5); 10-11 Sat worked (6); 10-12 Sun off; 10-13 Mon (7).
  it.each([
    [1, '2025-09-28'],
    [2, '2025-09-29'],
    [3, '2025-09-30'],
    [4, '2025-10-09'],
    [5, '2025-10-10'],
    [6, '2025-10-11'],
    [7, '2025-10-13'],
    [10, '2025-10-16'],
  ])('2025-09-26 + %i → %s', (days, due) => {
    expect(cal.addWorkingDays('2025-09-26', days)).toBe(due);
  });

  it('0 working days is the filing day itself', () => {
    expect(cal.addWorkingDays('2025-09-26', 0)).toBe('2025-09-26');
  });

  it('rejects negative or fractional days', () => {
    expect(() => cal.addWorkingDays('2025-09-26', -1)).toThrow(/whole number/);
    expect(() => cal.addWorkingDays('2025-09-26', 1.5)).toThrow(/whole number/);
  });
});

describe('addWorkingDays around Mid-Autumn and National Day 2026', () => {
  // 09-25..27 Mid-Autumn; 09-28 Mon (1); 09-29 (2); 09-30 (3); 10-01..07 holiday; 10-08 Thu (4);
  // 10-09 Fri (5); 10-10 Sat worked (6); 10-11 Sun off; 10-12 (7); 10-13 (8); 10-14 (9); 10-15 (10).
  it.each([
    ['2026-09-24', 2, '2026-09-29'], // Thursday before the holiday
    ['2026-09-24', 5, '2026-10-09'],
    ['2026-09-24', 6, '2026-10-10'],
    ['2026-09-24', 10, '2026-10-15'],
    ['2026-09-25', 2, '2026-09-29'], // filed on the holiday itself: counting still starts the next day
    ['2026-09-25', 5, '2026-10-09'],
    ['2026-09-18', 1, '2026-09-20'], // Friday; 09-19 Sat off, 09-20 Sun worked
    ['2026-09-18', 2, '2026-09-21'],
  ])('%s + %i → %s', (start, days, due) => {
    expect(cal.addWorkingDays(start, days)).toBe(due);
  });
});

describe('addWorkingDays around Spring Festival', () => {
  it.each([
    // 2026: 02-14 Sat worked, 02-15..02-23 holiday, 02-28 Sat worked.
    ['2026-02-13', 1, '2026-02-14'], // the adjusted Saturday counts
    ['2026-02-13', 2, '2026-02-24'],
    ['2026-02-13', 5, '2026-02-27'],
    ['2026-02-13', 6, '2026-02-28'], // adjusted Saturday
    ['2026-02-13', 7, '2026-03-02'],
    ['2026-02-12', 5, '2026-02-26'], // 02-13 (1), 02-14 (2), 02-24 (3), 02-25 (4), 02-26 (5)
    ['2026-02-27', 1, '2026-02-28'],
    // 2025: 01-26 Sun worked, 01-28..02-04 holiday, 02-08 Sat worked.
    ['2025-01-24', 2, '2025-01-27'],
    ['2025-01-24', 5, '2025-02-07'],
    ['2025-01-24', 6, '2025-02-08'],
  ])('%s + %i → %s', (start, days, due) => {
    expect(cal.addWorkingDays(start, days)).toBe(due);
  });
});

describe('addWorkingDays across the year boundary', () => {
  // 2025-12-31 Wed (1); 2026-01-01..03 holiday; 01-04 Sun worked (2); 01-05 (3); 01-06 (4); 01-07 (5).
  it.each([
    [1, '2025-12-31'],
    [2, '2026-01-04'],
    [5, '2026-01-07'],
  ])('2025-12-30 + %i → %s', (days, due) => {
    expect(cal.addWorkingDays('2025-12-30', days)).toBe(due);
  });
});

describe('Date starts are placed on the Beijing calendar day', () => {
  // 2025-09-27T17:00Z is 2025-09-28 01:00 in Beijing: counting starts 09-29.
  const lateNight = new Date('2025-09-27T17:00:00Z');
  it('defaults to Asia/Shanghai', () => {
    expect(cal.addWorkingDays(lateNight, 2)).toBe('2025-09-30');
  });
  it('honours another time zone', () => {
    expect(cal.addWorkingDays(lateNight, 2, 'UTC')).toBe('2025-09-29');
  });
  it('rejects an invalid Date', () => {
    expect(() => cal.addWorkingDays(new Date('nope'), 1)).toThrow(/valid Date/);
  });
});

describe('workingDaysBetween', () => {
  it.each([
    ['2025-09-26', '2025-10-10', 5],
    ['2025-09-30', '2025-10-09', 1],
    ['2026-02-13', '2026-02-28', 6],
    ['2025-12-30', '2026-01-07', 5],
    ['2025-09-26', '2025-09-26', 0],
    ['2025-10-10', '2025-09-26', -5],
  ])('%s → %s = %i', (from, to, n) => {
    expect(cal.workingDaysBetween(from, to)).toBe(n);
  });
});

describe('covered years', () => {
  it('covers 2025 and 2026', () => {
    expect(cal.coveredYears()).toEqual([2025, 2026]);
  });

  it('throws a clear error outside them', () => {
    expect(() => cal.isWorkingDay('2024-12-31')).toThrow(CalendarRangeError);
    expect(() => cal.isWorkingDay('2027-01-04')).toThrow(/2027-01-04 is outside the working-day calendar, which covers 2025, 2026/);
    // 2026-12-31 Thu is day 1; day 2 would need 2027.
    expect(cal.addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
    expect(() => cal.addWorkingDays('2026-12-30', 5)).toThrow(/2027-01-01 is outside/);
  });
});

describe('loadCalendar with extra files', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calendar-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('adds a year an admin supplies as data (hypothetical 2027, not the official notice)', () => {
    const file = write('cn-2027.json', {
      holidays: { 2027: [['元旦', '2027-01-01', '2027-01-03']] },
      workdays: { 2027: ['2027-01-09'] },
    });
    const extended = loadCalendar([file]);
    expect(extended.coveredYears()).toEqual([2025, 2026, 2027]);
    // 2026-12-31 Thu (1); 2027-01-01..03 off; 01-04 Mon (2); 05 (3); 06 (4); 07 (5); 08 (6); 09 Sat worked (7).
    expect(extended.addWorkingDays('2026-12-30', 5)).toBe('2027-01-07');
    expect(extended.addWorkingDays('2026-12-30', 7)).toBe('2027-01-09');
  });

  it('a later file replaces a whole year', () => {
    const file = write('fix-2025.json', { holidays: { 2025: [['元旦', '2025-01-01', '2025-01-01']] } });
    const replaced = loadCalendar([file]);
    expect(replaced.isWorkingDay('2025-10-01')).toBe(true); // the replacement has no National Day
    expect(replaced.isWorkingDay('2025-09-28')).toBe(false); // nor its adjusted Sunday
    expect(replaced.isWorkingDay('2026-10-01')).toBe(false); // 2026 untouched
  });

  it('names the file and field of bad data', () => {
    const notJson = write('broken.json', '{');
    expect(() => loadCalendar([notJson])).toThrow(new RegExp(`${notJson.replace(/[.\\]/g, '\\$&')}: not valid JSON`));
    const weekday = write('weekday.json', { holidays: { 2027: [] }, workdays: { 2027: ['2027-01-06'] } });
    expect(() => loadCalendar([weekday])).toThrow(/weekday\.json: workdays\["2027"\]\[0\]: 2027-01-06 is not a Saturday or Sunday/);
    expect(() => loadCalendar([path.join(dir, 'missing.json')])).toThrow(/missing\.json: cannot read calendar file/);
  });

  it('validates data passed to the constructor', () => {
    expect(() => new WorkingCalendar({ holidays: { 2027: [['元旦', '2027-01-03', '2027-01-01']] } }))
      .toThrow(CalendarDataError);
    expect(() => validateCalendarData({ holidays: { 2027: [['元旦', '2026-12-31', '2027-01-01']] } }, 'x.json'))
      .toThrow('x.json: holidays["2027"][0][1]: 2026-12-31 is not in 2027; list it under its own year');
    expect(() => validateCalendarData({ holidays: {}, workdays: { 2027: ['2027-01-09'] } }, 'y.json'))
      .toThrow(/y\.json: workdays\["2027"\]: no holidays listed for 2027/);
  });
});
