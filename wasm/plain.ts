// AssemblyScript: the plain CSV read path's WebAssembly module (src/data/plain.wasm, built by
// `npm run build:wasm`): the parse loop and the column loops that ran slowest in JS.
export * from './plain-parse-loop';
export * from './column-pages';
export * from './column-counts';
export * from './column-sorts';
