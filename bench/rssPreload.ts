// Preloaded into the CLI by the benchmark (`node --require out/bench/rssPreload.js dist/cli.js ...`): writes the
// process's peak resident set size (kB, all threads) and CPU time (user + system, µs) to $BENCH_USAGE_FILE when it
// exits, as JSON. The CLI itself is not changed.
import * as fs from 'node:fs';

const target = process.env.BENCH_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(target, JSON.stringify({ maxRssKB: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime }));
  });
}
