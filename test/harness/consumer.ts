/**
 * A consumer project in its own directory, as a team's repository would be: tagguard and
 * @tagguard/components installed from the tarballs `npm pack` makes, and its own copies of @pulumi/pulumi, @pulumi/aws and TypeScript at the
 * versions the test names. Tests may not reach the registry, so the copies come from packages the root
 * project installed (some under npm aliases, such as `pulumi-sdk-3.213`); the directory lives under
 * `test/.consumers/`, where packages a consumer would also have installed resolve from tagguard's own
 * node_modules, as a hoisted install resolves them.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.join(__dirname, "..", "..");
const CONSUMERS = path.join(ROOT, "test", ".consumers");

const tarballs = new Map<string, string>();

/** A package of this repository as `npm pack` packs it (built by `npm test`; scripts are not run again). */
export function pack(dir: "." | "components"): string {
    const cached = tarballs.get(dir);
    if (cached) return cached;
    fs.mkdirSync(CONSUMERS, { recursive: true });
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", CONSUMERS], { cwd: path.join(ROOT, dir), encoding: "utf8" });
    const tarball = path.join(CONSUMERS, (JSON.parse(out) as { filename: string }[])[0].filename);
    tarballs.set(dir, tarball);
    return tarball;
}

/** What `npm pack` would put in a package, by path. */
export function packedFiles(dir: "." | "components"): string[] {
    const out = execFileSync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], { cwd: path.join(ROOT, dir), encoding: "utf8" });
    return (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
}

export interface ConsumerSpec {
    name: string;
    /** Package name in the consumer's node_modules -> directory under the root's node_modules it is copied from. */
    packages: Record<string, string>;
    files: Record<string, string>;
}

export function createConsumer(spec: ConsumerSpec): string {
    fs.mkdirSync(CONSUMERS, { recursive: true });
    const dir = fs.mkdtempSync(path.join(CONSUMERS, `${spec.name}-`));
    for (const [file, text] of Object.entries(spec.files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    for (const [name, from] of Object.entries(spec.packages)) {
        const target = path.join(dir, "node_modules", name);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.cpSync(path.join(ROOT, "node_modules", from), target, { recursive: true, dereference: true });
    }
    for (const [name, from] of [["tagguard", "."], ["@tagguard/components", "components"]] as const) {
        const target = path.join(dir, "node_modules", name);
        fs.mkdirSync(target, { recursive: true });
        execFileSync("tar", ["-xzf", pack(from), "-C", target, "--strip-components=1"]);
    }
    fs.mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
    fs.symlinkSync(path.join("..", "tagguard", "cli", "bin", "tagguard.js"), path.join(dir, "node_modules", ".bin", "tagguard"));
    return dir;
}

export function removeConsumer(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
}
