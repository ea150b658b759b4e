// Property tests for every mask strategy (directives/mask.ts): a masked value never shows more of the
// original than its rule allows. "Revealed" is counted per code point: a position where the masked
// output holds the original's character at the same position and that character is not the mask
// character. Generated originals never contain '*', so a revealed count is exact, not a lower bound.
import fc from 'fast-check';
import {
  DEFAULT_MASK_SETTINGS,
  hashForJoin,
  keepEnds,
  maskAddress,
  maskDateToYear,
  maskName,
  maskValue,
  type KeepEnds,
  type MaskSettings,
} from '../../directives/mask';
import { MASK_STRATEGIES } from '../../directives/vocabulary';

const HIDDEN = '*';
const REDACTED = '******';
const RUNS = { numRuns: 300 };

/** Positions (code-point indices) where `masked` shows the original's character. */
function revealedPositions(original: string, masked: string): number[] {
  const o = [...original];
  const m = [...masked];
  const positions: number[] = [];
  for (let i = 0; i < Math.min(o.length, m.length); i++) if (m[i] === o[i] && m[i] !== HIDDEN) positions.push(i);
  return positions;
}

/** Every character of the output that is not the mask character, as a multiset count. */
function nonMaskChars(masked: string): number {
  return [...masked].filter((c) => c !== HIDDEN).length;
}

// ---- arbitraries ---------------------------------------------------------------------------------

const noStar = (s: string) => !s.includes(HIDDEN);
const cjkChar = fc.integer({ min: 0x4e00, max: 0x9fff }).map((cp) => String.fromCodePoint(cp));
const astralChar = fc.oneof(
  fc.constantFrom('😀', '🇨🇳', '𠮷', '𝔘', '🧧', '👩‍💻'),
  fc.integer({ min: 0x1f300, max: 0x1faff }).map((cp) => String.fromCodePoint(cp)),
  fc.integer({ min: 0x20000, max: 0x2a6df }).map((cp) => String.fromCodePoint(cp)),
);
const digit = fc.integer({ min: 0, max: 9 }).map(String);
const anyUnit = fc.oneof(
  { weight: 3, arbitrary: digit },
  { weight: 3, arbitrary: cjkChar },
  { weight: 2, arbitrary: astralChar },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('X', 'x', '-', ' ', '·') },
);
/** Any text without '*', including CJK, astral characters and the empty string. */
const text = (maxLength = 30) => fc.string({ unit: anyUnit, maxLength }).filter(noStar);
const keep = fc.record({ start: fc.nat({ max: 10 }), end: fc.nat({ max: 10 }) });

// ---- the counting helper itself must be able to fail ---------------------------------------------

describe('revealedPositions (test helper)', () => {
  it('counts same-position matches, ignores the mask character and shifted copies', () => {
    expect(revealedPositions('abcdef', 'ab**ef')).toEqual([0, 1, 4, 5]);
    expect(revealedPositions('a*c', 'a*c')).toEqual([0, 2]);
    expect(revealedPositions('abc', 'bca')).toEqual([]);
    expect(revealedPositions('😀x😀', '😀*😀')).toEqual([0, 2]);
    expect(revealedPositions('', '******')).toEqual([]);
  });
});

// ---- keep-ends strategies ------------------------------------------------------------------------

/** The full specification of a keep-ends mask on `value`. */
function expectKeptEnds(value: string, masked: string, { start, end }: KeepEnds): void {
  const chars = [...value];
  const out = [...masked];
  expect(out).toHaveLength(chars.length);
  if (chars.length <= start + end) {
    // Too short to mask safely: fully hidden.
    expect(masked).toBe(HIDDEN.repeat(chars.length));
    expect(revealedPositions(value, masked)).toEqual([]);
    return;
  }
  const allowed = new Set([...Array(start).keys(), ...Array.from({ length: end }, (_, i) => chars.length - end + i)]);
  const revealed = revealedPositions(value, masked);
  // Exactly the allowed positions are revealed (value has no '*', so this is exact)…
  expect(revealed).toEqual([...allowed].sort((a, b) => a - b));
  // …and nothing else in the output is anything but the mask character.
  expect(nonMaskChars(masked)).toBe(start + end);
  for (let i = 0; i < out.length; i++) if (!allowed.has(i)) expect(out[i]).toBe(HIDDEN);
}

describe('keep-ends masks (ID_NUMBER, PHONE, CREDIT_CODE)', () => {
  const strategies = [
    ['ID_NUMBER', 'idNumber'],
    ['PHONE', 'phone'],
    ['CREDIT_CODE', 'creditCode'],
  ] as const;

  it.each(strategies)('%s with the default settings reveals exactly its kept ends', (strategy, setting) => {
    fc.assert(
      fc.property(text(), (value) => {
        expectKeptEnds(value, maskValue(strategy, value), DEFAULT_MASK_SETTINGS[setting]);
      }),
      RUNS,
    );
  });

  it.each(strategies)('%s uses its own setting, with any custom keep', (strategy, setting) => {
    fc.assert(
      fc.property(text(), keep, keep, (value, own, other) => {
        // The other two settings differ from the strategy's own, so reading the wrong one shows.
        const settings: MaskSettings = {
          idNumber: other,
          phone: other,
          creditCode: other,
          hashKey: 'k',
          [setting]: own,
        };
        expectKeptEnds(value, maskValue(strategy, value, settings), own);
      }),
      RUNS,
    );
  });

  it.each(strategies)('%s with {start:1,end:2} hides everything in values of at most 3 characters', (strategy, setting) => {
    const settings: MaskSettings = { ...DEFAULT_MASK_SETTINGS, [setting]: { start: 1, end: 2 } };
    fc.assert(
      fc.property(text(3).filter((v) => [...v].length <= 3), (value) => {
        const masked = maskValue(strategy, value, settings);
        expect(masked).toBe(HIDDEN.repeat([...value].length));
        expect(revealedPositions(value, masked)).toEqual([]);
      }),
      RUNS,
    );
    expect(maskValue(strategy, '1234', settings)).toBe('1*34');
  });

  it('values no longer than the kept length are fully hidden (default settings)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...strategies), fc.nat({ max: 12 }), (pair, extra) => {
        const [strategy, setting] = pair;
        const { start, end } = DEFAULT_MASK_SETTINGS[setting];
        const length = Math.min(extra, start + end);
        const value = '9'.repeat(length);
        expect(maskValue(strategy, value)).toBe(HIDDEN.repeat(length));
      }),
      RUNS,
    );
  });

  it('counts astral characters as one character each (no half surrogates leak or split)', () => {
    const value = '😀🇨🇳𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷'; // 🇨🇳 is two code points
    const masked = keepEnds(value, { start: 2, end: 1 });
    expect(masked).toBe('😀🇨' + HIDDEN.repeat([...value].length - 3) + '𠮷');
    expect(masked).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(keepEnds('𠮷𠮷𠮷', { start: 2, end: 1 })).toBe('***');
  });

  it('concrete examples match the documented formats', () => {
    expect(maskValue('ID_NUMBER', '530102199001011234')).toBe('530102********1234');
    expect(maskValue('PHONE', '13812345678')).toBe('138****5678');
    expect(maskValue('CREDIT_CODE', '91530100MA6K123456')).toBe('91530100********56');
    expect(maskValue('PHONE', '')).toBe('');
  });
});

// ---- NAME ------------------------------------------------------------------------------------------

const COMPOUND_SURNAMES = [
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕', '令狐', '端木', '独孤', '南宫', '西门', '百里',
];

/** The surname length the rule allows to be kept: 2 for a listed compound surname, else 1. */
function surnameLength(name: string): number {
  return COMPOUND_SURNAMES.includes([...name].slice(0, 2).join('')) ? 2 : 1;
}

function expectNameMasked(value: string, masked: string): void {
  const chars = [...value];
  const kept = surnameLength(value);
  expect([...masked]).toHaveLength(chars.length);
  if (chars.length <= kept) {
    expect(masked).toBe(HIDDEN.repeat(chars.length));
    return;
  }
  expect(revealedPositions(value, masked)).toEqual([...Array(kept).keys()]);
  expect(nonMaskChars(masked)).toBe(kept);
}

describe('NAME', () => {
  const givenName = fc.string({ unit: fc.oneof(cjkChar, astralChar), maxLength: 4 });

  it('keeps only a single-character surname', () => {
    fc.assert(
      fc.property(cjkChar, givenName, (surname, given) => {
        const value = surname + given;
        expectNameMasked(value, maskValue('NAME', value));
      }),
      RUNS,
    );
  });

  it('keeps the two characters of a compound surname, nothing of the given name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COMPOUND_SURNAMES), givenName, (surname, given) => {
        const value = surname + given;
        const masked = maskValue('NAME', value);
        expectNameMasked(value, masked);
        if (given.length > 0) expect(masked.startsWith(surname)).toBe(true);
      }),
      RUNS,
    );
  });

  it('never reveals more than the surname of any text', () => {
    fc.assert(
      fc.property(text(), (value) => {
        expectNameMasked(value, maskName(value));
      }),
      RUNS,
    );
  });

  it('hides names no longer than their surname entirely', () => {
    expect(maskName('张')).toBe('*');
    expect(maskName('欧阳')).toBe('**');
    expect(maskName('𠮷')).toBe('*');
    expect(maskName('')).toBe('');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('欧小明')).toBe('欧**');
  });
});

// ---- ADDRESS ---------------------------------------------------------------------------------------

const PROVINCES = ['云南省', '四川省', '广东省', '内蒙古自治区', '广西壮族自治区', '新疆维吾尔自治区', '西藏自治区'];
const PREFECTURES = ['昆明市', '曲靖市', '大理白族自治州', '楚雄彝族自治州', '迪庆藏族自治州', '阿里地区', '锡林郭勒盟', '广州市'];
const COUNTIES = ['五华区', '盘龙区', '安宁市', '宾川县', '禄劝彝族苗族自治县', '正蓝旗', '鄂温克族自治旗', '大理市', '香格里拉市'];
/** Street detail: anything, including characters the prefix pattern looks for (区县市旗省州盟). */
const detailUnit = fc.oneof(
  { weight: 3, arbitrary: cjkChar },
  { weight: 2, arbitrary: digit },
  { weight: 2, arbitrary: fc.constantFrom('区', '县', '市', '旗', '省', '州', '盟', '地区', '自治区', '小区', '路', '号', '栋') },
  { weight: 1, arbitrary: astralChar },
);
const detail = fc.string({ unit: detailUnit, minLength: 1, maxLength: 20 }).filter(noStar);

describe('ADDRESS', () => {
  it('keeps exactly the province / prefecture / county prefix and no character after it', () => {
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom(...PROVINCES), { nil: '' }),
        fc.constantFrom(...PREFECTURES),
        fc.constantFrom(...COUNTIES),
        detail,
        (province, prefecture, county, rest) => {
          const prefix = province + prefecture + county;
          const masked = maskValue('ADDRESS', prefix + rest);
          expect(masked).toBe(prefix + REDACTED);
          // Same statement by counting: only the prefix positions are revealed.
          expect(revealedPositions(prefix + rest, masked)).toEqual([...Array([...prefix].length).keys()]);
        },
      ),
      RUNS,
    );
  });

  it('hides an address that is only a prefix entirely (nothing would be hidden otherwise)', () => {
    fc.assert(
      fc.property(fc.option(fc.constantFrom(...PROVINCES), { nil: '' }), fc.constantFrom(...PREFECTURES), fc.constantFrom(...COUNTIES), (p, q, c) => {
        expect(maskAddress(p + q + c)).toBe(REDACTED);
      }),
      RUNS,
    );
  });

  it('for any text, the output is the redaction or a proper prefix of the input ending in an administrative suffix', () => {
    fc.assert(
      fc.property(fc.oneof(text(), detail), (value) => {
        const masked = maskAddress(value);
        if (masked === REDACTED) return;
        expect(masked.endsWith(REDACTED)).toBe(true);
        const kept = masked.slice(0, -REDACTED.length);
        expect(kept.length).toBeGreaterThan(0);
        expect(kept.length).toBeLessThan(value.length);
        expect(value.startsWith(kept)).toBe(true);
        expect(kept).toMatch(/(省|自治区|州|盟|地区|区|县|市|旗)$/u);
      }),
      RUNS,
    );
  });

  it('empty and prefix-less values reveal nothing', () => {
    expect(maskAddress('')).toBe(REDACTED);
    expect(maskAddress('某某小巷')).toBe(REDACTED);
    expect(maskAddress('😀😀😀')).toBe(REDACTED);
    expect(maskAddress('云南省昆明市五华区翠湖南路1号')).toBe('云南省昆明市五华区******');
  });

  // Regressions (a bug since fixed in directives/mask.ts): the county part used to be matched against
  // whatever followed the last unit recognised, so for a city without counties (东莞市, 中山市, 儋州市,
  // 嘉峪关市), an address without a county, or one without any administrative prefix, up to ten
  // characters of street detail ending in 区/县/市/旗 were kept. Parts may now hold no street-level
  // word or digit (NOT_ADMINISTRATIVE), and a residential or scenic 区 is no district (NOT_A_DISTRICT).
  it('does not keep street detail when the address has no county (东莞市 has none)', () => {
    expect(maskAddress('广东省东莞市南城街道莞太路小区5栋')).toBe('广东省东莞市******');
  });

  it('does not keep street detail of an address without a county-level unit', () => {
    expect(maskAddress('云南省昆明市翠湖南路小区5栋')).toBe('云南省昆明市******');
  });

  it('does not keep a street name and house number when the address has no administrative prefix', () => {
    expect(maskAddress('北京路100号旗舰店3楼')).toBe(REDACTED);
  });

  it('keeps no street detail after a province + prefecture prefix (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('云南省', '广东省'), fc.constantFrom('昆明市', '东莞市', '中山市'), fc.string({ unit: cjkChar, minLength: 1, maxLength: 6 }), (province, city, street) => {
        const prefix = province + city;
        expect(maskAddress(`${prefix}${street}小区3栋`)).toBe(prefix + REDACTED);
      }),
      { numRuns: 50, seed: 20260601 },
    );
  });
});

// ---- DATE_TO_YEAR ----------------------------------------------------------------------------------

describe('DATE_TO_YEAR', () => {
  const isoDate = fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('keeps only the year of a date (month and day never appear)', () => {
    fc.assert(
      fc.property(isoDate, fc.oneof(fc.constant(''), fc.constant('T08:30:00Z'), text(5)), (date, suffix) => {
        const value = date + suffix;
        const masked = maskValue('DATE_TO_YEAR', value);
        expect(masked).toBe(`${date.slice(0, 4)}-**-**`);
        // Revealed digits are exactly the year's four.
        const revealedDigits = revealedPositions(value, masked).filter((i) => /\d/.test([...value][i]));
        expect(revealedDigits).toEqual([0, 1, 2, 3]);
        expect(masked.slice(4)).toBe('-**-**');
      }),
      RUNS,
    );
  });

  it('anything that is not a date is fully redacted', () => {
    fc.assert(
      fc.property(text(), (value) => {
        const masked = maskDateToYear(value);
        if (/^\d{4}-\d{2}-\d{2}/.test(value)) expect(masked).toBe(`${value.slice(0, 4)}-**-**`);
        else expect(masked).toBe(REDACTED);
      }),
      RUNS,
    );
    expect(maskDateToYear('')).toBe(REDACTED);
    expect(maskDateToYear('1990/01/02')).toBe(REDACTED);
    expect(maskDateToYear('１９９０-01-02')).toBe(REDACTED); // full-width digits are not a date here
  });
});

// ---- REDACT ----------------------------------------------------------------------------------------

describe('REDACT', () => {
  it('reveals nothing, not even the length', () => {
    fc.assert(
      fc.property(text(40), (value) => {
        const masked = maskValue('REDACT', value);
        expect(masked).toBe(REDACTED);
        expect(revealedPositions(value, masked)).toEqual([]);
        expect(nonMaskChars(masked)).toBe(0);
      }),
      RUNS,
    );
  });
});

// ---- HASH ------------------------------------------------------------------------------------------

describe('HASH', () => {
  const key = fc.string({ minLength: 1, maxLength: 20 });

  it('is deterministic per key and has a fixed hex form', () => {
    fc.assert(
      fc.property(text(), key, (value, hashKey) => {
        const settings = { ...DEFAULT_MASK_SETTINGS, hashKey };
        const a = maskValue('HASH', value, settings);
        expect(maskValue('HASH', value, { ...settings })).toBe(a);
        expect(a).toMatch(/^[0-9a-f]{32}$/);
        expect(a).not.toBe(value);
      }),
      RUNS,
    );
  });

  it('differs across keys', () => {
    fc.assert(
      fc.property(text(), key, key, (value, k1, k2) => {
        fc.pre(k1 !== k2);
        expect(hashForJoin(value, k1)).not.toBe(hashForJoin(value, k2));
      }),
      RUNS,
    );
  });

  it('differs across values under one key (joins do not merge distinct records)', () => {
    fc.assert(
      fc.property(text(), text(), (a, b) => {
        fc.pre(a !== b);
        expect(hashForJoin(a, 'k')).not.toBe(hashForJoin(b, 'k'));
      }),
      RUNS,
    );
  });

  it('is not the input even when the input looks like a hash', () => {
    const h = hashForJoin('x', 'k');
    expect(hashForJoin(h, 'k')).not.toBe(h);
    expect(maskValue('HASH', '')).toMatch(/^[0-9a-f]{32}$/);
  });
});

// ---- every strategy ----------------------------------------------------------------------------------

describe('every strategy', () => {
  it('never outputs more non-mask characters than the original has at the same positions, except fixed markers', () => {
    // A generic leak bound: whatever the strategy, characters of the original appear in the output
    // only at their own positions, and never beyond the strategy's kept budget.
    const budget: Record<string, (v: string) => number> = {
      ID_NUMBER: () => 10,
      PHONE: () => 7,
      CREDIT_CODE: () => 10,
      NAME: (v) => surnameLength(v),
      ADDRESS: (v) => [...v].length, // bounded by its own property above
      DATE_TO_YEAR: () => 4 + 2, // year digits and the two '-' separators
      HASH: () => Number.POSITIVE_INFINITY,
      REDACT: () => 0,
    };
    fc.assert(
      fc.property(fc.constantFrom(...MASK_STRATEGIES), text(), (strategy, value) => {
        const masked = maskValue(strategy, value);
        expect(revealedPositions(value, masked).length).toBeLessThanOrEqual(budget[strategy](value));
        if (strategy !== 'HASH' && value.length > 0) expect(masked).not.toBe(value);
      }),
      { numRuns: 1000 },
    );
  });
});
