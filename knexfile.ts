import { knexConfig } from './src/db/knex.ts';
import { loadConfig } from './src/config.ts';

// Used by the knex CLI (`npx knex migrate:latest --knexfile knexfile.ts`); the server migrates by
// itself at start-up through src/db/knex.ts with the same settings.
export default knexConfig(loadConfig().databaseUrl);
