// Entry point of one gateway replica.
import { readGatewaySettings } from './settings';
import { startGateway } from './start-gateway';

startGateway(readGatewaySettings())
  .then((gateway) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        gateway.close().finally(() => process.exit(0));
      });
    }
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
