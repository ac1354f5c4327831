/**
 * The README, the docs and the packages' READMEs stay true: every relative link and anchor resolves, every
 * `npx tagguard` command line parses with this version's options, every `npm run` script exists, and every
 * annotated block is checked against the real thing. An annotation is an HTML comment on the line before
 * a fenced block:
 *
 *   <!-- doc-test: output of npx tagguard check examples/legacy-untagged (exit 1) -->
 *       the block is an excerpt of what the command prints (stdout): a line `...` skips lines, a line that
 *       ends in ` ...` is cut there; the runs between `...` lines appear in the output as shown, each
 *       in one piece (resources reach the engine in an order the SDK's scheduling decides);
 *   <!-- doc-test: excerpt of examples/ci/tagguard.yml -->   the block's lines appear in the file, in order;
 *   <!-- doc-test: file examples/policy-config.json -->       the block is the file (as JSON);
 *   <!-- doc-test: policy-config -->                          the block is a pack config the tools accept;
 *   <!-- doc-test: program passes -->                         the block is a Pulumi program (index.ts) that
 *                                                             `tagguard check --type-check` passes.
 * Output-like blocks and TypeScript blocks must carry an annotation, so nothing shown goes untested.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { MOCKED_DATA_SOURCES } from "../../cli/check/aws-mocks";
import { AWS_NATIVE_BUILT_INS } from "../../cli/check/aws-native-mocks";
import { program } from "../../cli/tagguard";
import { POLICIES_DOC, withReference } from "../../scripts/config-reference";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const DOCS = [
    "README.md", "CHANGELOG.md", "components/README.md", "examples/terraform/README.md",
    ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`),
];

interface Block {
    doc: string;
    /** 1-based line of the opening fence. */
    line: number;
    lang: string;
    text: string;
    annotation?: string;
}

function blocksOf(doc: string): Block[] {
    const lines = fs.readFileSync(path.join(ROOT, doc), "utf8").split("\n");
    const blocks: Block[] = [];
    for (let i = 0; i < lines.length; i++) {
        const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
        if (!open) continue;
        const indent = open[1].length;
        const body: string[] = [];
        let j = i + 1;
        for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(Math.min(indent, lines[j].search(/\S|$/))));
        const before = lines.slice(Math.max(0, i - 2), i).reverse().find((l) => l.trim() !== "");
        const annotation = before ? /^\s*<!-- doc-test: (.+?) -->\s*$/.exec(before)?.[1] : undefined;
        blocks.push({ doc, line: i + 1, lang: open[2], text: body.join("\n"), annotation });
        i = j;
    }
    return blocks;
}

const BLOCKS = DOCS.flatMap(blocksOf);
const where = (b: Block): string => `${b.doc}:${b.line}`;

function tagguard(args: string[], cwd = ROOT) {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "" } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Shell words, for the command lines the docs show (quotes kept simple: the docs use none inside words). */
const words = (command: string): string[] => command.trim().split(/\s+/).map((w) => w.replace(/^(["'])(.*)\1$/, "$2"));

/**
 * Whether `expected` is an excerpt of `actual`: the runs of lines between `...` lines each appear in one
 * piece, a line ending in ` ...` matching any line it begins.
 */
function excerptProblems(expected: string, actual: string): string[] {
    const out = actual.split("\n");
    const runs: string[][] = [[]];
    for (const line of expected.split("\n")) {
        if (line.trim() === "...") runs.push([]);
        else runs[runs.length - 1].push(line);
    }
    const matches = (want: string, got: string | undefined): boolean => got !== undefined && (want.endsWith(" ...") ? got.startsWith(want.slice(0, -4)) : got === want);
    const problems: string[] = [];
    for (const run of runs.filter((r) => r.length)) {
        const found = out.some((_, start) => run.every((want, k) => matches(want, out[start + k])));
        if (!found) problems.push(`not in the output as shown:\n${run.join("\n")}`);
    }
    return problems;
}

describe("links", () => {
    const slug = (heading: string): string => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const anchors = (file: string): Set<string> => new Set(fs.readFileSync(file, "utf8").split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ""))));
    test.each(DOCS)("%s: every relative link and anchor resolves", (doc) => {
        const text = fs.readFileSync(path.join(ROOT, doc), "utf8").replace(/```[\s\S]*?```/g, "");
        const broken: string[] = [];
        for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
            if (/^[a-z]+:/.test(target)) continue;
            const [file, anchor] = target.split("#");
            const resolved = file ? path.join(ROOT, path.dirname(doc), file) : path.join(ROOT, doc);
            if (!fs.existsSync(resolved)) broken.push(target);
            else if (anchor && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) broken.push(target);
        }
        expect(broken).toEqual([]);
    });
});

describe("command lines", () => {
    const commands = new Map(program().commands.map((c) => [c.name(), new Set(c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)))]));
    const lines = BLOCKS.flatMap((b) => {
        const out: { at: string; line: string }[] = [];
        const ls = b.text.split("\n");
        ls.forEach((l, i) => {
            if (!/npx tagguard\b/.test(l)) return;
            // A synopsis continues on indented lines of `[--option ...]`.
            let line = l;
            for (let k = i + 1; k < ls.length && /^\s+\[/.test(ls[k]); k++) line += ` ${ls[k].trim()}`;
            out.push({ at: where(b), line });
        });
        return out;
    });

    // Commands in the prose, in inline code.
    for (const doc of DOCS) {
        const prose = fs.readFileSync(path.join(ROOT, doc), "utf8").replace(/```[\s\S]*?```/g, "");
        for (const m of prose.matchAll(/`(npx tagguard [^`]+)`/g)) lines.push({ at: doc, line: m[1].replace(/\s+/g, " ") });
    }

    test("the docs show tagguard commands", () => expect(lines.length).toBeGreaterThan(30));
    test.each(lines)("$at: $line", ({ line }) => {
        const args = line.replace(/^.*?npx tagguard/, "").replace(/\s(#|>|\|\||&&|2>).*$/, "").trim();
        const [sub] = words(args);
        if (sub === "--version" || sub === "--help" || sub === undefined) return;
        expect(commands.has(sub)).toBe(true);
        const flags = [...args.matchAll(/(?:^|[\s[])(--?[a-z][a-z-]*)/g)].map((m) => m[1]);
        expect(flags.filter((f) => !commands.get(sub)!.has(f))).toEqual([]);
    });

    test("every `npm run` script the docs name exists", () => {
        const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
        const named = DOCS.flatMap((doc) => [...fs.readFileSync(path.join(ROOT, doc), "utf8").matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]));
        expect(named.length).toBeGreaterThan(5);
        expect([...new Set(named)].filter((n) => !scripts.includes(n))).toEqual([]);
    });
});

describe("annotated blocks", () => {
    test("output-like and TypeScript blocks carry an annotation, and every annotation is one the tests know", () => {
        const outputLike = /^(Policies:|Cost attribution|Attribution audit|Attribution:|billing_period,)|- \[(mandatory|advisory)\]/m;
        const unannotated = BLOCKS.filter((b) => !b.annotation && ((b.lang === "text" && outputLike.test(b.text)) || b.lang === "ts")).map(where);
        expect(unannotated).toEqual([]);
        const known = /^(output of npx tagguard .+|excerpt of \S+|file \S+|policy-config|program passes)$/;
        expect(BLOCKS.filter((b) => b.annotation && !known.test(b.annotation)).map((b) => `${where(b)}: ${b.annotation}`)).toEqual([]);
    });

    const outputs = BLOCKS.filter((b) => b.annotation?.startsWith("output of "));
    test.each(outputs.map((b) => [`${where(b)}: ${b.annotation}`, b] as const))("%s", (_name, b) => {
        const [, command, exit] = /^output of npx tagguard (.+?)(?: \(exit (\d)\))?$/.exec(b.annotation!)!;
        const r = tagguard(words(command));
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: Number(exit ?? 0), stderr: "" });
        expect(excerptProblems(b.text, r.stdout)).toEqual([]);
    });

    const excerpts = BLOCKS.filter((b) => b.annotation?.startsWith("excerpt of ") || b.annotation?.startsWith("file "));
    test.each(excerpts.map((b) => [`${where(b)}: ${b.annotation}`, b] as const))("%s", (_name, b) => {
        const whole = b.annotation!.startsWith("file ");
        const text = fs.readFileSync(path.join(ROOT, b.annotation!.replace(/^(file|excerpt of) /, "")), "utf8");
        if (whole) {
            expect(JSON.parse(b.text)).toEqual(JSON.parse(text));
            return;
        }
        const lines = text.split("\n");
        let at = 0;
        for (const want of b.text.split("\n").filter((l) => l.trim())) {
            const found = lines.indexOf(want, at);
            expect([want, found >= 0]).toEqual([want, true]);
            at = found + 1;
        }
    });

    const configs = BLOCKS.filter((b) => b.annotation === "policy-config");
    test.each(configs.map((b) => [where(b), b] as const))("%s: a pack config the tools accept", (_name, b) => {
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "tagguard-doc-config-"));
        fs.writeFileSync(path.join(dir, "config.json"), b.text);
        const r = tagguard(["plan", "examples/terraform/tagged/plan.json", "--policy-pack-config", path.join(dir, "config.json"), "--format", "json"]);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const programs = BLOCKS.filter((b) => b.annotation === "program passes");
    const work = path.join(ROOT, "test", ".doc-programs");
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
    test.each(programs.map((b, i) => [where(b), b, i] as const))("%s: a program `tagguard check --type-check` passes", (_name, b, i) => {
        // Inside the repository, so that @pulumi/* and @tagguard/components resolve as in a team's project.
        const dir = path.join(work, `program-${i}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: doc-program-${i}\nruntime: nodejs\n`);
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `doc-program-${i}`, main: "index.ts" }));
        fs.writeFileSync(path.join(dir, "index.ts"), b.text);
        const r = tagguard(["check", dir, "--type-check", "--format", "json"]);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        const report = JSON.parse(r.stdout) as { summary: { inScope: number; attributable: number; violations: { mandatory: number } } };
        expect(report.summary.inScope).toBeGreaterThan(0);
        expect(report.summary.attributable).toBe(report.summary.inScope);
    });
});

describe("generated and listed facts", () => {
    test("the config reference in docs/policies.md matches the policies' schemas (run `npm run docs:config`)", () => {
        const doc = fs.readFileSync(POLICIES_DOC, "utf8");
        expect(withReference(doc)).toBe(doc);
    });

    test("docs/check.md names every data source check answers", () => {
        const doc = fs.readFileSync(path.join(ROOT, "docs", "check.md"), "utf8");
        const named = MOCKED_DATA_SOURCES.map((token) => {
            const [, module, fn] = /^aws:([^/]+)\/([^:]+):/.exec(token)!;
            return module === "index" ? fn : `${module}.${fn}`;
        });
        // `ec2.getSubnet(s)` names two.
        expect(named.filter((n) => !doc.includes(`\`${n}\``) && !(n.startsWith("ec2.getSubnet") && doc.includes("`ec2.getSubnet(s)`")))).toEqual([]);
        expect(AWS_NATIVE_BUILT_INS.map((token) => token.split(":").pop()!).filter((fn) => !doc.includes(`\`${fn}\``))).toEqual([]);
    });

    test("the README is short enough to read in five minutes, and links every page of docs/", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        expect(readme.split("\n").length).toBeLessThan(220);
        for (const page of fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md") && f !== "README.md")) expect([page, readme.includes(`(docs/${page})`)]).toEqual([page, true]);
    });
});
