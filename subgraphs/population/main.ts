// The population (人口) subgraph.
import type { Database } from '../../lib/db/database';
import { runSubgraph, type DomainModule } from '../common/run-subgraph';
import { seedTable } from '../common/seed';
import { SUBGRAPHS } from '../registry';
import { recordCorrectionRoutes } from '../common/record-corrections';
import { generatePersons, sizeForScale } from '../seed/generator';
import { createPopulationLoaders, type PopulationLoaders } from './loaders';
import { MIGRATIONS } from './migrations';
import { PERSON_TABLE } from './person-table';
import { populationResolvers } from './resolvers';

export const populationDomain: DomainModule<PopulationLoaders> = {
  info: SUBGRAPHS.find((s) => s.name === 'population')!,
  migrations: MIGRATIONS,
  async seed(db: Database, settings, progress) {
    const { persons } = sizeForScale(settings.dataScale);
    await seedTable(db, PERSON_TABLE, `v1:${settings.dataSeed}:${persons}`, persons, generatePersons(settings.dataSeed, persons), progress);
  },
  createLoaders: createPopulationLoaders,
  resolvers: populationResolvers,
  // A provider's confirmed correction of its record, sent by the platform (Yunnan Art.22).
  routes: (db, settings) => recordCorrectionRoutes(db, settings, 'population', PERSON_TABLE, 'idNumber'),
};

if (require.main === module) {
  runSubgraph(populationDomain).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
