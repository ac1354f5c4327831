"use strict";
// Loaded into the program's process by `tagguard check` (NODE_OPTIONS=--require). The Pulumi SDK records
// a stack trace on every internal promise (`debuggablePromise`, read only to report leaked promises),
// and source-map-support maps every frame of each: most of a large program's run time. Those traces are
// left unformatted; every other stack trace (errors, the source positions of registrations) is
// formatted by whatever handler the program's runtime installs, exactly as without this file.
let installed;
function prepareStackTrace(error, frames) {
    if (frames.length > 0 && frames[0].getFunctionName() === "debuggablePromise") return "(stack not recorded by tagguard check)";
    return installed ? installed(error, frames) : undefined;
}
Object.defineProperty(Error, "prepareStackTrace", {
    configurable: true,
    get: () => (installed ? prepareStackTrace : undefined),
    set: (fn) => {
        installed = fn === prepareStackTrace ? installed : fn;
    },
});
