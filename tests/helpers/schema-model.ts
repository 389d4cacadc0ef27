import { readFileSync } from "node:fs";
import path from "node:path";

import { get_dmmf } from "@prisma/prisma-schema-wasm";

/** The database shape schema.prisma asks for, in canonical strings that a live database can be compared with. */
export interface ExpectedShape {
  columns: string[];
  enums: string[];
  indexes: string[];
  foreignKeys: string[];
}

interface DmmfField {
  name: string;
  kind: "scalar" | "enum" | "object";
  type: string;
  isRequired: boolean;
  isList: boolean;
  dbName: string | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  /** A `@db.X` attribute: [X, args]. */
  nativeType?: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  fields: { name: string; sortOrder?: "asc" | "desc" }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: { name: string; values: { name: string }[] }[]; indexes: DmmfIndex[] };
}

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  Float: "double precision",
  DateTime: "timestamp(3)",
  Json: "jsonb",
};

/** The PostgreSQL types of the `@db.X` attributes the schema uses. */
const NATIVE_TYPES: Record<string, string> = { Date: "date" };

export function loadSchemaDmmf(schemaPath = path.join(process.cwd(), "prisma/schema.prisma")): Dmmf {
  return JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: readFileSync(schemaPath, "utf8") }))) as Dmmf;
}

export function expectedShape(dmmf: Dmmf = loadSchemaDmmf()): ExpectedShape {
  const { models, enums, indexes } = dmmf.datamodel;
  const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: DmmfModel, field: string) => model.fields.find((f) => f.name === field)?.dbName ?? field;

  const columns = models.flatMap((m) =>
    m.fields
      .filter((f) => f.kind !== "object")
      .map((f) => {
        const native = f.nativeType ? (NATIVE_TYPES[f.nativeType[0]] ?? `unknown @db.${f.nativeType[0]}`) : null;
        const type = f.kind === "enum" ? `enum ${f.type}` : (native ?? SCALAR_TYPES[f.type] ?? `unknown ${f.type}`);
        return `${tableOf.get(m.name)}.${f.dbName ?? f.name} ${type}${f.isList ? "[]" : ""} ${f.isRequired ? "NOT NULL" : "NULL"}`;
      }),
  );

  const idx = indexes.map((i) => {
    const model = models.find((m) => m.name === i.model)!;
    const table = tableOf.get(i.model)!;
    const cols = i.fields.map((f) => columnOf(model, f.name));
    const suffix = i.type === "id" ? "pkey" : i.type === "unique" ? "key" : "idx";
    const name = i.dbName ?? (i.type === "id" ? `${table}_pkey` : `${table}_${cols.join("_")}_${suffix}`);
    const colList = i.fields.map((f, n) => `${cols[n]}${f.sortOrder === "desc" ? " DESC" : ""}`).join(",");
    return `${i.type === "id" ? "primary" : i.type === "unique" ? "unique" : "index"} ${name} ON ${table}(${colList})`;
  });

  const foreignKeys = models.flatMap((m) =>
    m.fields
      .filter((f) => f.kind === "object" && f.relationFromFields && f.relationFromFields.length > 0)
      .map((f) => {
        const from = f.relationFromFields!.map((c) => columnOf(m, c));
        const target = models.find((t) => t.name === f.type)!;
        const to = f.relationToFields!.map((c) => columnOf(target, c));
        const onDelete = (f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull"))
          .replace(/([a-z])([A-Z])/g, "$1 $2")
          .toUpperCase();
        return `${tableOf.get(m.name)}_${from.join("_")}_fkey ${tableOf.get(m.name)}(${from.join(",")}) -> ${tableOf.get(f.type)}(${to.join(",")}) ON DELETE ${onDelete}`;
      }),
  );

  return {
    columns: columns.sort(),
    enums: enums.map((e) => `${e.name}: ${e.values.map((v) => v.name).join(",")}`).sort(),
    indexes: idx.sort(),
    foreignKeys: foreignKeys.sort(),
  };
}
