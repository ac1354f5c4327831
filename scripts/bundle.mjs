// One place for how tagguard's bundles are built (the pack, the CLI, the benchmarks).
// Usage: node scripts/bundle.mjs pack | cli | bench <name...>
import * as esbuild from "esbuild";

// Loaded from the user's or tagguard's node_modules at run time: native code, the Pulumi SDK the
// program or engine shares, and compilers.
const external = ["@pulumi/*", "@grpc/grpc-js", "google-protobuf", "ts-node", "typescript", "@duckdb/node-api"];

const common = {
    bundle: true,
    platform: "node",
    target: "node20",
    external,
    logLevel: "warning",
    // ESM-only dependencies (fdir, via tinyglobby) read import.meta.url; give the CommonJS bundle one.
    define: { "import.meta.url": "__tagguardModuleUrl" },
    banner: { js: "const __tagguardModuleUrl = require('url').pathToFileURL(__filename).href;" },
    // jsonc-parser's main build is UMD with dynamic requires a bundler cannot follow.
    alias: { "jsonc-parser": "jsonc-parser/lib/esm/main.js" },
};

const [target, ...names] = process.argv.slice(2);
switch (target) {
    case "pack":
        // The pack starts on every preview: minified, no CLI dependency.
        await esbuild.build({ ...common, entryPoints: ["policies/index.ts"], minify: true, keepNames: true, sourcemap: "external", outfile: "policies/dist/index.js" });
        break;
    case "cli":
        await esbuild.build({ ...common, entryPoints: ["cli/tagguard.ts"], outfile: "cli/dist/tagguard.js" });
        break;
    case "bench":
        await esbuild.build({ ...common, entryPoints: names.map((n) => `bench/${n}.ts`), outdir: "bench/out" });
        break;
    default:
        process.stderr.write("usage: node scripts/bundle.mjs pack | cli | bench <name...>\n");
        process.exit(2);
}
