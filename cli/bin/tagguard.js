#!/usr/bin/env node
// Entry point of the `tagguard` command; the bundle is built by `npm ci` (prepare) or `npm run build`.
require("../dist/tagguard.js").program().parseAsync(process.argv).catch((e) => {
    process.stderr.write(`tagguard: ${e && e.stack ? e.stack : e}\n`);
    process.exit(2);
});
