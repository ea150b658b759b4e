// The legal-entity (法人) subgraph.
import { runSubgraph, type DomainModule } from '../common/run-subgraph';
import { seedTable } from '../common/seed';
import { SUBGRAPHS } from '../registry';
import { recordCorrectionRoutes } from '../common/record-corrections';
import { generateLegalEntities, sizeForScale } from '../seed/generator';
import { LEGAL_ENTITY_TABLE } from './legal-entity-table';
import { createLegalEntityLoaders, type LegalEntityLoaders } from './loaders';
import { MIGRATIONS } from './migrations';
import { legalEntityResolvers } from './resolvers';

export const legalEntityDomain: DomainModule<LegalEntityLoaders> = {
  info: SUBGRAPHS.find((s) => s.name === 'legal-entity')!,
  migrations: MIGRATIONS,
  async seed(db, settings, progress) {
    const size = sizeForScale(settings.dataScale);
    const fingerprint = `v1:${settings.dataSeed}:${size.persons}:${size.legalEntities}`;
    await seedTable(db, LEGAL_ENTITY_TABLE, fingerprint, size.legalEntities, generateLegalEntities(settings.dataSeed, size), progress);
  },
  createLoaders: createLegalEntityLoaders,
  resolvers: legalEntityResolvers,
  // A provider's confirmed correction of its record, sent by the platform (Yunnan Art.22).
  routes: (db, settings) => recordCorrectionRoutes(db, settings, 'legal-entity', LEGAL_ENTITY_TABLE, 'creditCode'),
};

if (require.main === module) {
  runSubgraph(legalEntityDomain).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
