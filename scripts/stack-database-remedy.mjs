// What `npm run dev`/`npm run serve` say when the database cannot be opened or migrated: the error
// itself is printed above it by the migrator; this is the one line that says what to do next.

/**
 * @param {{ embedded: boolean; dataDir: string }} where
 * @returns {string}
 */
export function databaseRemedy({ embedded, dataDir }) {
  if (embedded) {
    return `[tally] The embedded database (${dataDir}) could not be opened or migrated (error above). Fix: stop any other Tally process using it, then run \`npm run db:migrate\` to see the failure alone; a throwaway dev database can be reset by deleting ${dataDir}.`;
  }
  return "[tally] The database at DATABASE_URL could not be migrated (error above). Fix: check that PostgreSQL is running and DATABASE_URL is right, then run `npm run db:migrate`.";
}
