// The decision on one field coordinate for one request.
import type { DenialCode } from './denials';
import type { MaskStrategy } from './vocabulary';

export type Verdict =
  | { allowed: true; mask?: MaskStrategy; grantId?: string }
  | { allowed: false; code: DenialCode };
