"use strict";
// Loaded by `tagguard check` into the program's and the pack's processes (NODE_OPTIONS=--require) when
// their environment would be too large to start them (Linux refuses a variable of 128 KiB or more:
// spawn E2BIG): the variables come in a private file tagguard wrote, set here before any other code runs.
const file = process.env.TAGGUARD_ENVIRONMENT_FILE;
if (file) {
    delete process.env.TAGGUARD_ENVIRONMENT_FILE;
    Object.assign(process.env, JSON.parse(require("fs").readFileSync(file, "utf8")));
}
