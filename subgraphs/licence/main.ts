// The electronic licence (电子证照) subgraph.
import { runSubgraph, type DomainModule } from '../common/run-subgraph';
import { seedTable } from '../common/seed';
import { SUBGRAPHS } from '../registry';
import { recordCorrectionRoutes } from '../common/record-corrections';
import { generateLicences, sizeForScale } from '../seed/generator';
import { LICENCE_TABLE } from './licence-table';
import { createLicenceLoaders, type LicenceLoaders } from './loaders';
import { MIGRATIONS } from './migrations';
import { licenceResolvers } from './resolvers';

export const licenceDomain: DomainModule<LicenceLoaders> = {
  info: SUBGRAPHS.find((s) => s.name === 'licence')!,
  migrations: MIGRATIONS,
  async seed(db, settings, progress) {
    const size = sizeForScale(settings.dataScale);
    const fingerprint = `v1:${settings.dataSeed}:${size.persons}:${size.legalEntities}:${size.licences}`;
    await seedTable(db, LICENCE_TABLE, fingerprint, size.licences, generateLicences(settings.dataSeed, size), progress);
  },
  createLoaders: createLicenceLoaders,
  resolvers: licenceResolvers,
  // A provider's confirmed correction of its record, sent by the platform (Yunnan Art.22).
  routes: (db, settings) => recordCorrectionRoutes(db, settings, 'licence', LICENCE_TABLE, 'number'),
};

if (require.main === module) {
  runSubgraph(licenceDomain).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
