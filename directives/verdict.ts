// The policy's words, one idea each:
// - a verdict is the ruling on one field coordinate for one request: allowed (masked or plain, on a
//   grant) or denied with a code (this file);
// - a decision is the ruling on a whole operation: every verdict it needed, the document filtered by
//   them and the plan for the answer (PolicyDecision in ./analyse.ts); the request record keeps it,
//   and the audit record sums it up in one word once the answer is known (allowed, partial, denied,
//   error — its `decision`);
// - a refusal turns a whole request away (suspended, over a budget …): nothing of an answer leaves.
import type { DenialCode } from './denials';
import type { MaskStrategy } from './vocabulary';

export type Verdict =
  | { allowed: true; mask?: MaskStrategy; grantId?: string }
  | { allowed: false; code: DenialCode };
