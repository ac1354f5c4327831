/**
 * `tagguard check` installed in a team's own project, run with that project's own SDK and compiler:
 * an @pulumi/pulumi eleven months older than tagguard's, and TypeScript 6 without a tsconfig.json.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import type { CheckReport } from "../../cli/check/report";
import { ROOT as ROOT_DIR, createConsumer, packedFiles, removeConsumer } from "../harness/consumer";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

// The program runs under the SDK and compiler of this project, not tagguard's.
const sdk: string = require("@pulumi/pulumi/package.json").version;
const compiler: string = require("typescript").version;
if (sdk !== process.env.EXPECTED_SDK || compiler !== process.env.EXPECTED_TS) throw new Error(\`ran with @pulumi/pulumi \${sdk} and TypeScript \${compiler}\`);

const role = new aws.iam.Role("trainer", { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }) });
new aws.iam.InstanceProfile("trainer", { role });
new aws.s3.Bucket("models", { tags: { team: "fraud" } });
export const stack = pulumi.getStack();
`;

const files = (name: string) => ({
    "Pulumi.yaml": `name: ${name}\nruntime: nodejs\n`,
    "package.json": JSON.stringify({ name, main: "index.ts", dependencies: { "@pulumi/pulumi": "*", "@pulumi/aws": "*", tagguard: "*" } }, null, 2),
    "index.ts": PROGRAM,
});

const CONSUMERS: { name: string; sdk: string; ts: string; packages: Record<string, string> }[] = [
    { name: "older-sdk", sdk: "3.213.0", ts: "5.9.3", packages: { "@pulumi/pulumi": "pulumi-sdk-3.213", "@pulumi/aws": "@pulumi/aws" } },
    { name: "typescript-6-no-tsconfig", sdk: "3.276.0", ts: "6.0.3", packages: { "@pulumi/pulumi": "@pulumi/pulumi", "@pulumi/aws": "@pulumi/aws", typescript: "typescript-6" } },
];

describe.each(CONSUMERS)("a consumer project: $name", ({ name, sdk, ts, packages }) => {
    let dir: string;
    beforeAll(() => {
        dir = createConsumer({ name, packages, files: files(name) });
    }, 120_000);
    afterAll(() => removeConsumer(dir));

    test(`npx tagguard check runs the program with @pulumi/pulumi ${sdk} and TypeScript ${ts}, and the pack judges it`, () => {
        const r = spawnSync(process.execPath, [path.join(dir, "node_modules", ".bin", "tagguard"), "check", ".", "--format", "json"], {
            cwd: dir, encoding: "utf8", env: { ...process.env, EXPECTED_SDK: sdk, EXPECTED_TS: ts }, timeout: 120_000,
        });
        expect(r.stderr).toBe("");
        expect(r.status).toBe(1);
        const report = JSON.parse(r.stdout) as CheckReport;
        expect(report.resources.map((x) => `${x.type} ${x.name}`).sort()).toEqual([
            `pulumi:pulumi:Stack ${name}-dev`, "aws:iam/instanceProfile:InstanceProfile trainer", "aws:iam/role:Role trainer", "aws:s3/bucket:Bucket models",
        ].sort());
        expect(report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy} ${v.name}`)).toEqual(["required-tags models"]);
        expect(report.policyPack.path).toBe(path.join(dir, "node_modules", "tagguard", "policies"));
    });
});

/** Pulumi's own TypeScript template (`pulumi new aws-typescript`): no `skipLibCheck`, no `esModuleInterop`. */
const PULUMI_TEMPLATE_TSCONFIG = JSON.stringify({
    compilerOptions: {
        strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true, experimentalDecorators: true,
        pretty: true, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
}, null, 4);

const LIBRARY_PROGRAM = `import * as aws from "@pulumi/aws";
import { ModelBucket, TrainingFleet, type AttributionTags } from "@tagguard/components";

const tags: AttributionTags = {
    team: "fraud", cost_center: "cc-1042", project: "fraud-detection", model_id: "fraud-xgb-v3",
    environment: "production", lifecycle_phase: "training", created_by: "jane.doe", managed_by: "pulumi",
};
const bucket = new ModelBucket("models", { tags });
new TrainingFleet("trainers", { tags, imageId: "ami-0abcdef1234567890", instanceTypes: ["g5.xlarge"], subnetIds: ["subnet-1"], maxSize: 2 });
export const bucketName = bucket.bucket.bucket;
export const region = aws.config.region;
`;

describe("the component library in a team's project: the oldest supported @pulumi/pulumi and @pulumi/aws, Pulumi's template tsconfig", () => {
    let dir: string;
    beforeAll(() => {
        dir = createConsumer({
            name: "library",
            packages: { "@pulumi/pulumi": "pulumi-sdk-3.213", "@pulumi/aws": "pulumi-aws-7.2" },
            files: {
                "Pulumi.yaml": "name: library\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
                "package.json": JSON.stringify({ name: "library", main: "index.ts", dependencies: { "@pulumi/pulumi": "3.213.0", "@pulumi/aws": "7.2.0", "@tagguard/components": "1.0.0" }, devDependencies: { tagguard: "1.0.0" } }, null, 2),
                "tsconfig.json": PULUMI_TEMPLATE_TSCONFIG,
                "index.ts": LIBRARY_PROGRAM,
            },
        });
    }, 120_000);
    afterAll(() => removeConsumer(dir));

    test("the public types compile with skipLibCheck off", () => {
        const r = spawnSync(process.execPath, [path.join(ROOT_DIR, "node_modules", "typescript", "bin", "tsc"), "-p", dir, "--noEmit"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
        expect(r.stdout + r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(require(path.join(dir, "node_modules", "@pulumi", "aws", "package.json")).version).toBe("7.2.0");
    }, 120_000);

    test("npx tagguard check passes: everything the components create is attributable", () => {
        const r = spawnSync(process.execPath, [path.join(dir, "node_modules", ".bin", "tagguard"), "check", ".", "--format", "json", "--type-check"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        const report = JSON.parse(r.stdout) as CheckReport;
        expect(report.summary.inScope).toBeGreaterThanOrEqual(3);
        expect(report.summary.attributable).toBe(report.summary.inScope);
        expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    }, 120_000);
});

describe("what each package installs", () => {
    const manifest = (dir: string) => JSON.parse(require("fs").readFileSync(path.join(ROOT_DIR, dir, "package.json"), "utf8")) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; engines?: { node?: string } };

    test("@tagguard/components: no CLI dependency, the Pulumi SDKs as peers with the tested range", () => {
        const components = manifest("components");
        expect(Object.keys(components.dependencies ?? {}).sort()).toEqual(["fastest-levenshtein", "re2js", "zod"]);
        expect(components.peerDependencies).toEqual({ "@pulumi/aws": ">=7.2.0 <8.0.0", "@pulumi/pulumi": ">=3.213.0 <4.0.0", "@pulumi/kubernetes": ">=4.0.0 <5.0.0", "@pulumi/aws-native": ">=1.0.0 <2.0.0" });
        // Only `@tagguard/components/kubernetes` and `/aws-native` need them: a project without either installs nothing more.
        expect((components as { peerDependenciesMeta?: Record<string, { optional?: boolean }> }).peerDependenciesMeta).toEqual({ "@pulumi/kubernetes": { optional: true }, "@pulumi/aws-native": { optional: true } });
        expect(packedFiles("components").filter((f) => !["package.json", "README.md", "LICENSE"].includes(f) && !f.startsWith("dist/"))).toEqual([]);
        expect(packedFiles("components")).toEqual(expect.arrayContaining(["dist/components/index.d.ts", "dist/components/index.js", "dist/components/kubernetes/index.d.ts", "dist/tagset/registry.generated.js", "dist/tagset/kubernetes.generated.js"]));
    });

    test("tagguard (the CLI and the pack): @pulumi/pulumi as a peer, the same range; the SDK versions tested are in it", () => {
        const root = manifest(".");
        expect(root.dependencies?.["@pulumi/pulumi"]).toBeUndefined();
        expect(root.peerDependencies).toEqual({ "@pulumi/pulumi": ">=3.213.0 <4.0.0" });
        expect(root.engines?.node).toBe("^22.11.0 || ^24.11.0");
        expect(packedFiles(".")).toEqual(expect.arrayContaining(["cli/dist/tagguard.js", "policies/dist/index.js", "policies/PulumiPolicy.yaml", "schemas/check.schema.json"]));
    });
});
