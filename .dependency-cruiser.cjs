/**
 * Layering rules. Arrows point inward: simulator -> core -> domain and
 * host|fake|sql -> domain. The domain is pure: no I/O, no drivers, no container.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain may import only fp-ts, io-ts and its own files.',
      from: { path: '^packages/domain/src', pathNot: '\\.test\\.ts$|/testing/' },
      to: {
        pathNot: ['^packages/domain/src', 'node_modules/(fp-ts|io-ts)/'],
      },
    },
    {
      name: 'domain-no-node-builtins',
      severity: 'error',
      from: { path: '^packages/domain/src' , pathNot: '\\.test\\.ts$'},
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-knows-no-adapter',
      severity: 'error',
      comment: 'core depends on ports only; adapters are named by the composition root alone.',
      from: { path: '^packages/core/src', pathNot: '^packages/core/src/composition/|\\.test\\.ts$' },
      to: { path: '^packages/(host|fake|sql|simulator)/|node_modules/(execa|kysely|better-sqlite3|pg|mysql2)/' },
    },
    {
      name: 'core-ships-without-the-emulator',
      severity: 'error',
      comment: "@disk-ledger/fake is a dev dependency of core: only its tests and testing helpers may name it (fakeHostModule takes InMemoryHosts, a shape).",
      from: { path: '^packages/core/src', pathNot: '\\.test\\.ts$|/testing/' },
      to: { path: '^packages/fake/' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      from: { path: '^packages/(host|fake|sql)/src', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/(core|simulator|host|fake|sql)/', pathNot: '^packages/$1/' },
    },
    {
      name: 'probing-argvs-stay-in-the-reference-model',
      severity: 'error',
      comment:
        'classic-argv.ts builds the pre-fix argvs that leave formats out, on purpose, to reproduce the advisories (on the in-memory host, or with --host real in a temporary directory). Nothing but the classic driver model may use them.',
      from: { pathNot: '^packages/simulator/src/legacy/' },
      to: { path: '^packages/simulator/src/legacy/classic-argv\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'dist/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@disk-ledger/source', 'import', 'types', 'default'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
