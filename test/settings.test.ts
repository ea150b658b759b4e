// Gateway settings: every documented variable read with its default, bad values refused with a
// message naming the variable (the process then does not start).
import { readGatewaySettings } from '../gateway/settings';
import { DEFAULT_GATEWAY_HEAP_MB, gatewayNodeArgs } from '../gateway/node-args';

describe('gateway settings', () => {
  it('has working defaults', () => {
    const settings = readGatewaySettings({});
    expect(settings).toMatchObject({ port: 4000, policy: true, audit: true, operationSafelist: false, denialMode: 'filter' });
    expect(settings.resilience.dedupeInFlight).toBe(true);
    expect(gatewayNodeArgs({})).toEqual([`--max-old-space-size=${DEFAULT_GATEWAY_HEAP_MB}`]);
  });

  it('reads the hardening and performance switches', () => {
    const settings = readGatewaySettings({ OPERATION_SAFELIST: 'ON', SUBGRAPH_DEDUPE: 'off' });
    expect(settings.operationSafelist).toBe(true);
    expect(settings.resilience.dedupeInFlight).toBe(false);
    expect(gatewayNodeArgs({ GATEWAY_HEAP_MB: '0' })).toEqual([]);
    expect(gatewayNodeArgs({ GATEWAY_HEAP_MB: '512' })).toEqual(['--max-old-space-size=512']);
  });

  it.each([
    [{ OPERATION_SAFELIST: 'maybe' }, 'OPERATION_SAFELIST'],
    [{ OPERATION_SAFELIST: 'on', POLICY: 'off' }, 'OPERATION_SAFELIST'],
    [{ SUBGRAPH_DEDUPE: 'yes' }, 'SUBGRAPH_DEDUPE'],
    [{ POLICY: 'sometimes' }, 'POLICY'],
    [{ GRANT_CACHE_MS: '-5' }, 'GRANT_CACHE_MS'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => readGatewaySettings(env as NodeJS.ProcessEnv)).toThrow(name);
  });

  it.each(['12', '-1', 'lots', '1.5'])('refuses GATEWAY_HEAP_MB=%s', (value) => {
    expect(() => gatewayNodeArgs({ GATEWAY_HEAP_MB: value })).toThrow('GATEWAY_HEAP_MB');
  });
});
