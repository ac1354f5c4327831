/** What a program registered during a preview, as the engine received it (wire-form values). */

/** A place in the program's source, file relative to the project directory. */
export interface SourceLocation {
    file: string;
    line: number;
    column: number;
}

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    parent?: string;
    /** `urn::id` of an explicit provider; absent for the default provider. */
    providerRef?: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    options: {
        protect?: boolean;
        ignoreChanges?: string[];
        additionalSecretOutputs?: string[];
        deleteBeforeReplace?: boolean;
    };
    /** Read with `X.get(...)`: an existing resource, not analyzed as a create. */
    read?: true;
    /** A multi-language component whose children a provider plugin builds: they cannot be seen offline. */
    remote?: true;
    /**
     * Frames of the registration's call stack inside the project's own files (not node_modules),
     * innermost first, as the SDK reports them (mapped to TypeScript sources).
     */
    stack?: SourceLocation[];
}

export interface EngineLog {
    severity: "debug" | "info" | "warning" | "error";
    message: string;
    urn?: string;
}

export interface RecordedProgram {
    resources: RecordedResource[];
    /** Data sources tagguard has no mock for: answered empty. */
    unmockedCalls: { token: string; count: number }[];
    /** What the program logged through the engine (errors are how the SDK reports a failed program). */
    logs?: EngineLog[];
    /** What could not be done offline (stack references, methods of remote components). */
    offlineGaps?: string[];
    error?: { message: string; stack: string };
}
