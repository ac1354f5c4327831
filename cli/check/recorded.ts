/** What a program run under mocks registered, as the engine would have received it (wire-form values). */

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
}

export interface RecordedProgram {
    resources: RecordedResource[];
    /** Data sources tagguard has no mock for: answered empty. */
    unmockedCalls: { token: string; count: number }[];
    error?: { message: string; stack: string };
}
