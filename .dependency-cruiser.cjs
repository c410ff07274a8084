/**
 * The house rules of ../shared/DESIGN.md as dependency rules:
 * - no import cycles;
 * - imports point down the layer table (a folder imports only from lower layers);
 * - another folder is reached only through its index.ts.
 * cli/ sits one above api/ because `keel server` starts the API server.
 */
const LAYERS = [
  ['core'],
  ['storage', 'auth', 'jobs'],
  ['data', 'onnx'],
  ['validation', 'tracking', 'registry'],
  ['features', 'models'],
  ['training', 'explain'],
  ['tuning'],
  ['pipelines'],
  ['monitoring'],
  ['serving'],
  ['api'],
  ['cli'],
];

const layerOf = Object.fromEntries(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i])));

const layerRules = Object.keys(layerOf).map((folder) => {
  const forbidden = Object.keys(layerOf).filter((other) => other !== folder && layerOf[other] >= layerOf[folder]);
  return {
    name: `layer-${folder}`,
    comment: `${folder}/ (layer ${layerOf[folder]}) may import only from lower layers`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    // client/ (the SDK over HTTP) is used by cli/ for --server and by api/'s end-to-end tests.
    to: { path: `^src/(${[...forbidden, ...(['api', 'cli'].includes(folder) ? [] : ['client'])].join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'client-only-core',
      comment: 'client/ depends on nothing but core',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/', pathNot: ['^src/client/', '^src/core/'] },
    },
    {
      name: 'only-through-index',
      comment: "another folder's insides are reached only through its index.ts",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
