// `npm run soak`: the fault-injection scenario at length — at least 100 SIGKILLs over at least 10,000
// orders (flags --kills=N --orders=N --database-url=URL). Prints the verdict and exits 1 on any problem.
import { runFaultScenario } from './fault-scenario.js';

function flag(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const kills = Number(flag('kills') ?? 100);
const minOrders = Number(flag('orders') ?? 10_000);
const databaseUrl = flag('database-url') ?? process.env.QUBIT_DATABASE_URL;
const t0 = Date.now();
const r = await runFaultScenario({
  kills,
  minOrders,
  databaseUrl,
  maxRunMs: 4000,
  log: (l) => console.log(l),
});
console.log(JSON.stringify({ ...r, seconds: Math.round((Date.now() - t0) / 1000) }, null, 2));
const bad =
  r.problems.length +
  r.duplicateSubmits.length +
  r.missingFills.length +
  r.unknownFills.length +
  r.positionMismatches.length +
  r.balanceMismatches.length;
process.exitCode = bad === 0 ? 0 : 1;
