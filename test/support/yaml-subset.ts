// A reader of the YAML subset the deployment files are written in (deploy/compose.yaml, deploy/k8s/):
// block maps and lists by indentation, "- key: value" list items, plain, quoted and flow-list
// scalars ("[a, b]"), "{}", comments, "---" between documents. No anchors, tags or block scalars: a
// line it does not understand is an error, so a file written outside the subset fails its test
// rather than being misread. (The project has no YAML dependency; this is enough for its own files.)

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  number: number;
}

/** Every document of a multi-document file. */
export function parseYamlDocuments(source: string): YamlValue[] {
  return source
    .split(/^---[ \t]*$/m)
    .map((document) => lines(document))
    .filter((document) => document.length > 0)
    .map((document) => {
      const reader = { lines: document, at: 0 };
      const value = block(reader, document[0].indent);
      if (reader.at < document.length) throw new Error(`YAML line ${document[reader.at].number}: unexpected indentation`);
      return value;
    });
}

function lines(source: string): Line[] {
  return source.split('\n').flatMap((raw, index) => {
    const text = stripComment(raw).trimEnd();
    if (!text.trim()) return [];
    if (/^\s*(&|\*|!|\||>)/.test(text.replace(/^\s*-\s+/, '')) || /:\s+[&*!|>]/.test(text)) throw new Error(`YAML line ${index + 1}: outside the supported subset: ${raw}`);
    return [{ indent: text.length - text.trimStart().length, text: text.trim(), number: index + 1 }];
  });
}

/** Drops a comment: a # at the start or after a space, outside quotes. */
function stripComment(raw: string): string {
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1]))) return raw.slice(0, i);
  }
  return raw;
}

type Reader = { lines: Line[]; at: number };

function block(reader: Reader, indent: number): YamlValue {
  return reader.lines[reader.at].text.startsWith('- ') || reader.lines[reader.at].text === '-' ? list(reader, indent) : map(reader, indent);
}

function list(reader: Reader, indent: number): YamlValue[] {
  const items: YamlValue[] = [];
  while (reader.at < reader.lines.length && reader.lines[reader.at].indent === indent && reader.lines[reader.at].text.startsWith('- ')) {
    const line = reader.lines[reader.at];
    const rest = line.text.slice(2).trim();
    const itemIndent = indent + 2;
    if (keyValue(rest)) {
      // "- key: value": a map whose further keys sit at the item's indentation.
      reader.lines[reader.at] = { ...line, indent: itemIndent, text: rest };
      items.push(map(reader, itemIndent));
    } else {
      reader.at += 1;
      items.push(scalar(rest, line.number));
    }
  }
  return items;
}

function keyValue(text: string): [string, string] | undefined {
  const match = /^("[^"]*"|'[^']*'|[^\s"'{[][^:]*?):(?:\s+(.*))?$/.exec(text);
  return match ? [unquote(match[1]), match[2] ?? ''] : undefined;
}

function map(reader: Reader, indent: number): { [key: string]: YamlValue } {
  const result: { [key: string]: YamlValue } = {};
  while (reader.at < reader.lines.length && reader.lines[reader.at].indent === indent) {
    const line = reader.lines[reader.at];
    const entry = keyValue(line.text);
    if (!entry) throw new Error(`YAML line ${line.number}: expected "key: value", got ${line.text}`);
    const [key, value] = entry;
    if (key in result) throw new Error(`YAML line ${line.number}: duplicate key ${key}`);
    reader.at += 1;
    if (value !== '') {
      result[key] = scalar(value, line.number);
      continue;
    }
    const next = reader.lines[reader.at];
    // A nested block, or a list at the key's own indentation (a common style).
    if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- ')))) result[key] = block(reader, next.indent);
    else result[key] = null;
  }
  return result;
}

function unquote(text: string): string {
  if (text.startsWith('"') && text.endsWith('"')) return JSON.parse(text);
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

function scalar(text: string, number: number): YamlValue {
  if (text === '{}') return {};
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`YAML line ${number}: unterminated flow list`);
    const inner = text.slice(1, -1).trim();
    return inner ? splitFlow(inner).map((item) => scalar(item.trim(), number)) : [];
  }
  if (/^["']/.test(text)) return unquote(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** Items of a flow list, commas inside quotes kept. */
function splitFlow(inner: string): string[] {
  const items: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      items.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  items.push(inner.slice(start));
  return items;
}
