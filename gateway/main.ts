// Entry point of one gateway replica.
import { readGatewaySettings } from './settings';
import { startGateway } from './start-gateway';
import { createLogger } from '../lib/log';
import { readTracingSettings, startTracing } from '../lib/tracing';

const log = createLogger('gateway');

const stopTracing = startTracing(readTracingSettings(process.env, 'gateway'));

startGateway(readGatewaySettings())
  .then((gateway) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log.info({ signal }, 'shutting down: no new connections, finishing requests in flight, flushing the audit');
        // A second signal does not wait any longer.
        process.once(signal, () => process.exit(1));
        gateway
          .close()
          .then(() => stopTracing())
          .then(() => log.info('shut down'))
          .catch((error) => log.error({ err: error }, 'shutdown failed'))
          .finally(() => process.exit(0));
      });
    }
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
