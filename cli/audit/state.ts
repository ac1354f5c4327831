/** Reading `pulumi stack export` files (deployment version 3): one bad file never hides the others. */
import * as fs from "fs";
import * as path from "path";
import { urnParts } from "../../tagset/urn";

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
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface LoadedStack {
    file: string;
    project: string;
    stack: string;
    resources: StateResource[];
    /** Entries that are not resources (no URN or type): skipped and counted. */
    malformed: number;
}

export type LoadResult = { ok: true; stack: LoadedStack } | { ok: false; file: string; error: string };

/** The files named, with every `*.json` of a named folder (sorted). */
export function expandStatePaths(paths: readonly string[]): string[] {
    return paths.flatMap((p) => {
        if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
            return fs.readdirSync(p).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(p, f));
        }
        return [p];
    });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseStackExport(text: string, file: string): LoadResult {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        // A parse error at the very end of the text means the file was cut short.
        const position = Number(/at position (\d+)/.exec(message)?.[1] ?? NaN);
        const truncated = /Unexpected end of JSON input/.test(message) || position >= text.trimEnd().length - 1;
        return { ok: false, file, error: truncated ? "the file ends before its JSON does (truncated?)" : `not JSON (${message})` };
    }
    if (!isObject(json) || !("version" in json)) return { ok: false, file, error: "not a `pulumi stack export` file (no `version`)" };
    if (json.version !== SUPPORTED_DEPLOYMENT_VERSION) {
        return { ok: false, file, error: `deployment version ${JSON.stringify(json.version)}; tagguard reads version ${SUPPORTED_DEPLOYMENT_VERSION} (written by \`pulumi stack export\` of Pulumi 3)` };
    }
    const deployment = json.deployment;
    if (!isObject(deployment)) return { ok: false, file, error: "no `deployment` object" };
    const raw = deployment.resources ?? [];
    if (!Array.isArray(raw)) return { ok: false, file, error: "`deployment.resources` is not a list" };
    const resources: StateResource[] = [];
    let malformed = 0;
    for (const r of raw) {
        if (isObject(r) && typeof r.urn === "string" && typeof r.type === "string") resources.push(r as unknown as StateResource);
        else malformed++;
    }
    const first = resources[0] ? urnParts(resources[0].urn) : { stack: path.basename(file, ".json"), project: "" };
    return { ok: true, stack: { file, project: first.project, stack: first.stack, resources, malformed } };
}

export function loadStateFiles(paths: readonly string[]): LoadResult[] {
    return expandStatePaths(paths).map((file) => {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (e) {
            return { ok: false, file, error: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(e) };
        }
        return parseStackExport(text, file);
    });
}
