#!/usr/bin/env node
// Entry point of the `tagguard` command; the bundle is built by `npm ci` (prepare) or `npm run build`.
let cli;
try {
    cli = require("../dist/tagguard.js");
} catch (e) {
    process.stderr.write(`tagguard: not built (${e && e.code === "MODULE_NOT_FOUND" ? "cli/dist is missing" : e}); run \`npm run build\` in the tagguard package\n`);
    process.exit(2);
}
cli.main(process.argv);
