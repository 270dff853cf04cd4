import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

/** A migration file; `file` is its name as recorded in knex_migrations (always `….ts`). */
export interface MigrationFile {
  file: string;
  directory: string;
  /** The file actually loaded: `….ts` from the sources (tsx), `….js` from the build (dist/). */
  path: string;
}

/**
 * The migrations of `directory`, whether run from the TypeScript sources or from the compiled
 * build: names are kept as `<name>.ts` either way, so a database migrated by one is current for
 * the other (knex's own source would record `.js` names and call the `.ts` ones missing).
 */
export class MigrationSource implements Knex.MigrationSource<MigrationFile> {
  constructor(private readonly directory: string) {}

  async getMigrations(): Promise<MigrationFile[]> {
    const files = fs.readdirSync(this.directory).filter((f) => /^[^.]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));
    return files
      .map((f) => ({ file: f.replace(/\.js$/, '.ts'), directory: this.directory, path: path.join(this.directory, f) }))
      .sort((a, b) => a.file.localeCompare(b.file));
  }

  getMigrationName(m: MigrationFile): string {
    return m.file;
  }

  async getMigration(m: MigrationFile): Promise<Knex.Migration> {
    return (await import(pathToFileURL(m.path).href)) as Knex.Migration;
  }
}
