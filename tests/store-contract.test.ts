import { describe } from 'node:test';
import { roleContract } from './role-contract';
import { sessionContract } from './store-contract';
import { STORE_ENGINES } from './support/store-engines';
import { tableContract } from './table-contract';

// one contract, every engine: the same cases pass on memory, SQLite files and a real PostgreSQL
for (const engine of STORE_ENGINES) {
  describe(`storage contract: ${engine.name}`, () => {
    sessionContract(engine);
    tableContract(engine);
    roleContract(engine);
  });
}
