// Reading numeric settings from the environment, shared by every process: an absent or empty
// variable takes its default, a wrong one stops the start with a message naming it.

export function settingError(name: string, value: string | undefined, expected: string): Error {
  return new Error(`${name} must be ${expected}, got "${value}"`);
}

/** Characters a mask keeps at the start and at the end of a value. */
interface KeptEnds {
  start: number;
  end: number;
}

/** "start,end": characters a mask keeps at each end (MASK_*_KEEP). */
export function keepEndsSetting(env: NodeJS.ProcessEnv, name: string, fallback: KeptEnds): KeptEnds {
  const raw = env[name];
  if (!raw) return fallback;
  const match = /^(\d{1,2}),(\d{1,2})$/.exec(raw);
  if (!match) throw settingError(name, raw, '"start,end" (characters kept at each end)');
  return { start: Number(match[1]), end: Number(match[2]) };
}

export function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw settingError(name, raw, 'a TCP port (0 = any free port)');
  return port;
}

export function positiveSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, options: { integer?: boolean } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const ok = options.integer ? Number.isInteger(value) && value > 0 : Number.isFinite(value) && value > 0;
  if (!ok) throw settingError(name, raw, options.integer ? 'a positive integer' : 'a positive number');
  return value;
}
