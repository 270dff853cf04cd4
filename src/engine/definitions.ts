import type { Knex } from 'knex';
import { definitionById, latestDefinition, latestForm, type DefinitionRow, type FormRow } from '../store/definitions.ts';
import { NotFoundError } from '../errors.ts';
import { parseBpmn } from './model.ts';
import { CompiledDefinition } from './runtime.ts';

/**
 * Parsed definitions by version id. A version never changes once deployed, so entries never go
 * stale; the map is bounded so that a long history of versions cannot fill memory.
 */
const LATEST_TTL_MS = 1000;

export class DefinitionCache {
  private readonly db: Knex;
  private readonly max: number;
  private readonly entries = new Map<string, Promise<CompiledDefinition>>();
  private readonly latestByKey = new Map<string, { row: DefinitionRow; at: number }>();
  private readonly formByKey = new Map<string, { form: FormRow | undefined; at: number }>();

  constructor(db: Knex, max = 500) {
    this.db = db;
    this.max = max;
  }

  /** Usage: `const def = await cache.byId('item-change:3')`. */
  async byId(id: string): Promise<CompiledDefinition> {
    let p = this.entries.get(id);
    if (p) {
      this.entries.delete(id);
      this.entries.set(id, p);
      return p;
    }
    p = this.load(id);
    this.entries.set(id, p);
    p.catch(() => this.entries.delete(id));
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }

  /**
   * The newest version of `key`. Remembered for a second: a version deployed on another node is
   * started here at most that much later (a deploy on this node is seen at once).
   */
  async latest(key: string): Promise<{ row: DefinitionRow; def: CompiledDefinition }> {
    const now = Date.now();
    let hit = this.latestByKey.get(key);
    if (!hit || now - hit.at > LATEST_TTL_MS) {
      const row = await latestDefinition(this.db, key);
      if (!row) throw new NotFoundError(`流程定义 ${key} 不存在`, 'PROCESS_NOT_FOUND');
      hit = { row, at: now };
      this.latestByKey.set(key, hit);
    }
    return { row: hit.row, def: await this.byId(hit.row.id) };
  }

  /**
   * The newest version of form `key` (undefined: none deployed), remembered for a second as
   * `latest` is: a start and its task completions read the same form several times per request,
   * and a form version never changes once deployed. A deploy on this node is seen at once.
   * `db` is the step's transaction when there is one (on SQLite the only connection).
   * Usage: `const form = await cache.latestForm('item-change-apply', trx)`.
   */
  async latestForm(key: string, db: Knex = this.db): Promise<FormRow | undefined> {
    const now = Date.now();
    let hit = this.formByKey.get(key);
    if (!hit || now - hit.at > LATEST_TTL_MS) {
      hit = { form: await latestForm(db, key), at: now };
      this.formByKey.set(key, hit);
      if (this.formByKey.size > this.max) this.formByKey.delete(this.formByKey.keys().next().value!);
    }
    return hit.form;
  }

  /** Registers a definition parsed at deploy time, saving a second parse. */
  put(def: CompiledDefinition): void {
    this.entries.set(def.id, Promise.resolve(def));
    this.latestByKey.delete(def.key);
  }

  /** A deployment committed on this node: the next read of any latest version goes to the database. */
  deployed(): void {
    this.latestByKey.clear();
    this.formByKey.clear();
  }

  private async load(id: string): Promise<CompiledDefinition> {
    const row = await definitionById(this.db, id);
    if (!row) throw new NotFoundError(`流程定义 ${id} 不存在`, 'PROCESS_NOT_FOUND');
    // Deployed files were checked at deploy time; here only the shape matters.
    const parsed = await parseBpmn(row.bpmnXml, { formExists: () => true, handlerExists: () => true });
    if (!parsed.model) throw new Error(`stored definition ${id} does not parse: ${parsed.problems.map((p) => p.message).join('; ')}`);
    return new CompiledDefinition(row, parsed.model, parsed.moddleContext);
  }
}
