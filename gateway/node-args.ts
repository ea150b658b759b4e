// Node flags a gateway process is started with (npm start, the tests' replicas, the benchmark).
// The heap cap keeps the gateway's resident memory near 200 MiB under load (measured: uncapped, V8
// grows to 330–400 MiB on the deep and fan-out loads, for 7–8% more throughput); GATEWAY_HEAP_MB=0
// leaves V8's own sizing. Deployments that start gateway/main.ts themselves pass the same flag.
import { settingError } from '../lib/env-settings';

export const DEFAULT_GATEWAY_HEAP_MB = 256;

export function gatewayNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.GATEWAY_HEAP_MB?.trim();
  const megabytes = raw === undefined || raw === '' ? DEFAULT_GATEWAY_HEAP_MB : Number(raw);
  if (!Number.isInteger(megabytes) || megabytes < 0 || (megabytes > 0 && megabytes < 64)) throw settingError('GATEWAY_HEAP_MB', raw, 'megabytes ≥ 64, or 0 for V8\'s default');
  return megabytes > 0 ? [`--max-old-space-size=${megabytes}`] : [];
}
