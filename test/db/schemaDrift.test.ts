/**
 * Fails when prisma/schema.prisma and the SQL migrations disagree. The schema engine (which
 * `prisma migrate diff` needs) cannot be downloaded here, so this compares Prisma's own reading of
 * the schema (DMMF, from its WebAssembly parser) with the database the migrations actually build:
 * tables, columns, types, nullability, defaults, enums, primary keys, indexes and foreign keys.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getDMMF } from '@prisma/internals';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/databases';

type Dmmf = Awaited<ReturnType<typeof getDMMF>>['datamodel'];

const SCALAR_UDT: Record<string, string> = {
  String: 'text', Int: 'int4', BigInt: 'int8', Boolean: 'bool', DateTime: 'timestamp', Json: 'jsonb', Float: 'float8', Decimal: 'numeric', Bytes: 'bytea',
};
const NATIVE_UDT: Record<string, string> = { Timestamptz: 'timestamptz', Uuid: 'uuid', VarChar: 'varchar', Text: 'text', Integer: 'int4', SmallInt: 'int2', BigInt: 'int8' };

function expectedSchema(dm: Dmmf): string[] {
  const lines: string[] = [];
  for (const e of dm.enums) lines.push(`enum ${e.dbName ?? e.name} (${e.values.map((v) => v.dbName ?? v.name).join(', ')})`);
  const tableOf = new Map(dm.models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: string, field: string): string => {
    const f = dm.models.find((m) => m.name === model)?.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };
  for (const model of dm.models) {
    const table = model.dbName ?? model.name;
    for (const f of model.fields) {
      if (f.kind === 'object') {
        if (f.relationFromFields && f.relationFromFields.length > 0) {
          const from = f.relationFromFields.map((x) => columnOf(model.name, x)).join(', ');
          const to = (f.relationToFields ?? []).map((x) => columnOf(f.type, x)).join(', ');
          const onDelete = (f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull')).replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
          lines.push(`fk ${table}(${from}) -> ${tableOf.get(f.type)}(${to}) on delete ${onDelete}`);
        }
        continue;
      }
      let udt = f.kind === 'enum' ? f.type : SCALAR_UDT[f.type];
      if (f.nativeType) udt = NATIVE_UDT[f.nativeType[0] as string] ?? `unmapped native type ${f.nativeType[0]}`;
      if (!udt) throw new Error(`teach the drift test about ${f.type}`);
      const nullable = f.isList || !f.isRequired;
      lines.push(`column ${table}.${f.dbName ?? f.name} ${f.isList ? '_' : ''}${udt}${nullable ? ' null' : ' not null'}${f.hasDefaultValue ? ' default' : ''}`);
    }
  }
  for (const index of dm.indexes) {
    const table = tableOf.get(index.model) as string;
    const cols = index.fields.map((f) => columnOf(index.model, f.name)).join(', ');
    const kind = index.type === 'id' ? 'primary' : index.type === 'unique' ? 'unique' : 'index';
    lines.push(`${kind} ${table}(${cols})`);
  }
  return lines.sort();
}

async function actualSchema(client: Client): Promise<string[]> {
  const lines: string[] = [];
  const enums = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  for (const e of enums.rows) lines.push(`enum ${e.name} (${e.values.join(', ')})`);
  const columns = await client.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, udt_name, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  for (const c of columns.rows) {
    lines.push(`column ${c.table_name}.${c.column_name} ${c.udt_name}${c.is_nullable === 'YES' ? ' null' : ' not null'}${c.column_default !== null ? ' default' : ''}`);
  }
  const indexes = await client.query<{ table: string; primary: boolean; unique: boolean; cols: string[] }>(
    `SELECT t.relname AS table, ix.indisprimary AS primary, ix.indisunique AS unique,
            array_agg(a.attname ORDER BY k.ord)::text[] AS cols
       FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
      GROUP BY t.relname, i.relname, ix.indisprimary, ix.indisunique`,
  );
  for (const ix of indexes.rows) lines.push(`${ix.primary ? 'primary' : ix.unique ? 'unique' : 'index'} ${ix.table}(${ix.cols.join(', ')})`);
  const fks = await client.query<{ table: string; cols: string[]; ref_table: string; ref_cols: string[]; on_delete: string }>(
    `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref_table,
            ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY o)::text[] AS cols,
            ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY o)::text[] AS ref_cols,
            CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END AS on_delete
       FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
  );
  for (const fk of fks.rows) lines.push(`fk ${fk.table.replace(/"/g, '')}(${fk.cols.join(', ')}) -> ${fk.ref_table.replace(/"/g, '')}(${fk.ref_cols.join(', ')}) on delete ${fk.on_delete}`);
  return lines.sort();
}

describe('schema.prisma and prisma/migrations', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('describe the same database', async () => {
    const schema = readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8');
    const { datamodel } = await getDMMF({ datamodel: schema });
    const expected = expectedSchema(datamodel);
    const actual = await actualSchema(client);
    // The lists, not just a boolean, so a failure says exactly what drifted.
    expect({ missingFromMigrations: expected.filter((l) => !actual.includes(l)), notInSchema: actual.filter((l) => !expected.includes(l)) }).toEqual({
      missingFromMigrations: [],
      notInSchema: [],
    });
    expect(expected.length).toBeGreaterThan(40);
  });

  it('reports a field the schema gains without a migration', async () => {
    const schema = readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8').replace(
      'model ApiKey {',
      'model ApiKey {\n  nickname String?',
    );
    const { datamodel } = await getDMMF({ datamodel: schema });
    const actual = await actualSchema(client);
    expect(expectedSchema(datamodel).filter((l) => !actual.includes(l))).toEqual(['column api_keys.nickname text null']);
  });
});
