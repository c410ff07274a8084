/**
 * Keel's GBDT alone on the Higgs-like set, for profiling and A/B runs of the learner:
 *
 *   npx tsx bench/gbdt-profile.ts [--rows 300000] [--rounds 30] [--depth 6] [--threads 2]
 *
 * Prints the training rows, wall and CPU seconds of fit() and a hash of the serialized model as
 * one JSON line (the hash shows a change to the learner left the model bit for bit the same).
 * Run under `node --cpu-prof --import tsx` to see where the time goes.
 */
import { parseArgs } from 'node:util';
import { gbdtKind } from '../src/models/index.js';
import { higgsTable, loadOrMakeHiggs } from './gbdt-data.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '30' },
    depth: { type: 'string', default: '6' },
    threads: { type: 'string', default: '2' },
  },
});
const rows = Number(args.rows);
const nTrain = Math.floor((rows * 4) / 5);
const train = higgsTable(loadOrMakeHiggs(rows), 0, nTrain);
const params = gbdtKind.parseParams({ n_estimators: Number(args.rounds), max_depth: Number(args.depth), learning_rate: 0.1, max_bin: 255, nthread: Number(args.threads) });
const start = performance.now();
const cpu0 = process.cpuUsage();
const model = await gbdtKind.fit({ train: train.table, trainTarget: train.y, task: 'binary' }, params, { seed: 0 });
const wall = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const bytes = model.serialize();
let hash = 0;
for (let i = 0; i < bytes.length; i++) hash = (Math.imul(hash, 31) + bytes[i]!) | 0;
console.log(JSON.stringify({ rows: nTrain, wall_s: +wall.toFixed(3), cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(3), model_hash: hash >>> 0 }));
