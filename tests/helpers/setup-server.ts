// Server tests import modules guarded by "server-only"; vitest aliases it to an empty module.
export {};
