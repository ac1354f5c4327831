/** Reading `pulumi stack export` files (deployment version 3): one bad file never hides the others. */
import * as fs from "fs";
import * as path from "path";
import { urnParts } from "../../tagset/urn";
import { UsageError, parseJsonText, readTextFile, shownPath, uniqueInputs, isObject } from "../input";

export const SUPPORTED_DEPLOYMENT_VERSION = 3;

export interface StateResource {
    urn: string;
    custom?: boolean;
    id?: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    parent?: string;
    provider?: string;
    dependencies?: readonly string[];
    propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    /** A copy pending deletion (after a replace): not part of the stack any more. */
    delete?: boolean;
}

export interface LoadedStack {
    file: string;
    project: string;
    stack: string;
    resources: StateResource[];
    /** Entries that are not resources (no URN or type): skipped and counted. */
    malformed: number;
    /** Copies pending deletion and repeated URNs: skipped and counted. */
    skipped: { pendingDelete: number; duplicates: number; external: number };
}

export type LoadResult = { ok: true; stack: LoadedStack } | { ok: false; file: string; error: string };

/** The files named, with every `*.json` (and `*.json.gz`) of a named folder (sorted); a folder without exports is an error. */
export function expandStatePaths(paths: readonly string[]): string[] {
    return paths.flatMap((p) => {
        if (!p.trim()) throw new UsageError("an empty path (an unset variable?) was given as a state file");
        let isDir = false;
        try {
            isDir = fs.statSync(p).isDirectory();
        } catch {
            return [p]; // reported when read
        }
        if (!isDir) return [p];
        const files = fs.readdirSync(p).filter((f) => f.endsWith(".json") || f.endsWith(".json.gz")).sort().map((f) => path.join(p, f));
        if (!files.length) throw new UsageError(`${shownPath(p)}: a folder with no stack exports (*.json or *.json.gz) in it`);
        return files;
    });
}


export function parseStackExport(text: string, file: string): LoadResult {
    let json: unknown;
    try {
        json = parseJsonText(text, file, "a `pulumi stack export` file");
    } catch (e) {
        return { ok: false, file, error: e instanceof Error ? e.message.slice(e.message.indexOf(": ") + 2) : String(e) };
    }
    if (!isObject(json) || !("version" in json)) return { ok: false, file, error: "not a `pulumi stack export` file (no `version`)" };
    if (json.version !== SUPPORTED_DEPLOYMENT_VERSION) {
        return { ok: false, file, error: `deployment version ${JSON.stringify(json.version).slice(0, 40)}; tagguard reads version ${SUPPORTED_DEPLOYMENT_VERSION} (written by \`pulumi stack export\` of Pulumi 3)` };
    }
    // A DIY backend's own state file (`.pulumi/stacks/<project>/<stack>.json`) holds the deployment as
    // `checkpoint.latest`, absent until the stack's first update.
    const checkpoint = isObject(json.checkpoint) ? json.checkpoint : undefined;
    const deployment = checkpoint ? checkpoint.latest ?? { resources: [] } : json.deployment;
    if (!isObject(deployment)) return { ok: false, file, error: checkpoint ? "`checkpoint.latest` is not an object" : "no `deployment` object (nor a backend state file's `checkpoint`)" };
    const raw = deployment.resources === undefined ? [] : deployment.resources;
    if (!Array.isArray(raw)) return { ok: false, file, error: `\`deployment.resources\` is ${raw === null ? "null" : `a ${typeof raw}`}, not a list` };
    const resources: StateResource[] = [];
    const seen = new Set<string>();
    let malformed = 0;
    const skipped = { pendingDelete: 0, duplicates: 0, external: 0 };
    for (const r of raw) {
        if (!isObject(r) || typeof r.urn !== "string" || typeof r.type !== "string") malformed++;
        else if (r.delete === true) skipped.pendingDelete++;
        // Read with `X.get`: another stack or team manages it, and the engine never analyzes reads.
        else if (r.external === true) skipped.external++;
        else if (seen.has(r.urn)) skipped.duplicates++;
        else {
            seen.add(r.urn);
            resources.push(r as unknown as StateResource);
        }
    }
    const first = resources[0] ? urnParts(resources[0].urn) : namedStack(checkpoint?.stack) ?? { stack: path.basename(file).replace(/\.json(\.gz)?$/, ""), project: "" };
    return { ok: true, stack: { file, project: first.project, stack: first.stack, resources, malformed, skipped } };
}

/** A checkpoint's stack name: `organization/project/stack`, or the bare stack name older backends wrote. */
function namedStack(name: unknown): { stack: string; project: string } | undefined {
    if (typeof name !== "string" || !name) return undefined;
    const parts = name.split("/");
    return { stack: parts[parts.length - 1], project: parts.length === 3 ? parts[1] : "" };
}

/** Every export named (folders expanded, each real file once); `warnings` says which duplicates were dropped. */
export function loadStateFiles(paths: readonly string[], progress?: (message: string) => void): { results: LoadResult[]; warnings: string[] } {
    const { files, warnings } = uniqueInputs(expandStatePaths(paths));
    const results = files.map((file, i): LoadResult => {
        progress?.(`reading ${i + 1} of ${files.length}: ${shownPath(path.basename(file))}`);
        let text: string;
        try {
            text = readTextFile(file, "stack export");
        } catch (e) {
            return { ok: false, file, error: e instanceof Error ? e.message.slice(e.message.indexOf(": ") + 2) : String(e) };
        }
        return parseStackExport(text, file);
    });
    return { results, warnings };
}
