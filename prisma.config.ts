import { defineConfig } from "prisma/config";

// Migrations are applied by `npm run db:migrate` (scripts/db-migrate.ts), which keeps
// `_prisma_migrations` compatible with `prisma migrate deploy` for real deployments.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/unused" },
});
