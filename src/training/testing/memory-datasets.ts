/** An in-memory DatasetsPort for trainer tests: one fixed version per name. */
import { getColumn, invalidArgument, notFound, type Table } from '../../core/index.js';
import type { DatasetsPort } from '../types.js';

export class MemoryDatasets implements DatasetsPort {
  private readonly tables = new Map<string, { version: string; table: Table }>();

  add(name: string, table: Table, version = 'a1b2c3d4e5f6'): string {
    this.tables.set(name, { version, table });
    return `${name}@${version}`;
  }

  private resolve(ref: string) {
    const [name, version] = ref.split('@');
    const found = this.tables.get(name!);
    if (!found) throw notFound('dataset', name!);
    if (version !== undefined && version !== 'latest' && version !== found.version) throw invalidArgument('dataset', `no version '${version}'`);
    return { name: name!, ...found };
  }

  async get(ref: string) {
    const d = this.resolve(ref);
    return { name: d.name, version: d.version, rows: d.table.numRows, columns: d.table.columns.map((c) => ({ name: c.name, type: c.type })) };
  }

  /** The columns each load asked for (undefined: all), in order: what training reads. */
  readonly loads: (readonly string[] | undefined)[] = [];

  async loadTable(ref: string, options: { columns?: readonly string[] } = {}): Promise<Table> {
    const { table } = this.resolve(ref);
    this.loads.push(options.columns);
    if (options.columns === undefined) return table;
    return { numRows: table.numRows, columns: options.columns.map((n) => getColumn(table, n)) };
  }
}
