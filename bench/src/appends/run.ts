/**
 * Runs the append benchmark alone and prints its result as JSON:
 * `pnpm exec tsx bench/src/appends/run.ts [rounds] [variantMs]`. Both engines; PostgreSQL from
 * `EASEL_BENCH_POSTGRES_URL` (default: the local server, see `pgAppends.ts`).
 */
import { runAppendsBench } from './appendsBench.ts';

const [rounds, variantMs] = process.argv.slice(2).map(Number);
const result = await runAppendsBench({
  ...(rounds ? { rounds } : {}),
  ...(variantMs ? { variantMs } : {}),
});
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
