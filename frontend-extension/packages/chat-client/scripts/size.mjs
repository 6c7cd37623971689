// Bundles lib/ minified with esbuild and reports its min+gzip size against the budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

const BUDGET = 6 * 1024;
const out = await build({
  entryPoints: ['lib/index.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  write: false,
});
const code = out.outputFiles[0].contents;
const gz = gzipSync(code, { level: 9 }).length;
console.log(`@mooring/chat-client: ${code.length} B minified, ${gz} B minified+gzipped (budget ${BUDGET} B)`);
if (gz > BUDGET) {
  console.error('over the size budget');
  process.exit(1);
}
