/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    // Type checking is `tsc` in `npm test`; jest only transpiles.
    transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true, module: "commonjs", esModuleInterop: true, resolveJsonModule: true, target: "ES2022" }, diagnostics: false }] },
    testTimeout: 120000,
};
