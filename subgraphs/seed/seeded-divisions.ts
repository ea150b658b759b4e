import { DIVISIONS, type Division } from '../../lib/identifiers';

// The divisions the seed generator draws from: the 58 the platform listed before it carried the complete
// lists of Yunnan, Guizhou and Sichuan (issue 14). Pinned so that the seeded data, and the tests that count
// records by division, stay exactly as they were; the other divisions are known but hold no seeded records.
const SEEDED_CODES: ReadonlySet<string> = new Set([
  '530000', '530100', '530102', '530103', '530111', '530112', '530113', '530114', '530115', '530124',
  '530125', '530126', '530127', '530128', '530129', '530181', '530300', '530302', '530400', '530402',
  '530700', '530702', '532800', '532801', '532900', '532901', '520000', '520100', '520102', '520103',
  '520111', '520112', '520113', '520115', '520121', '520122', '520123', '520181', '510000', '513300',
  '513301', '513322', '513323', '513324', '513325', '513326', '513327', '513328', '513329', '513330',
  '513331', '513332', '513333', '513334', '513335', '513336', '513337', '513338',
]);

/** The seeded divisions in the order of DIVISIONS (province, then its prefectures, each with its counties). */
export const SEEDED_DIVISIONS: readonly Division[] = Object.freeze(DIVISIONS.filter((d) => SEEDED_CODES.has(d.code)));

export const SEEDED_COUNTY_CODES: readonly string[] = Object.freeze(
  SEEDED_DIVISIONS.filter((d) => d.level === 'county').map((d) => d.code),
);
